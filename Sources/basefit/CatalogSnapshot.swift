#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import ImageCatalog

/// A calendar day as a count of days since 1970-01-01 (UTC), for ages in whole days.
struct CalendarDay: Comparable, CustomStringConvertible {
    let daysSinceEpoch: Int

    /// `YYYY-MM-DD`, or `YYYY-MM` (read as the first of the month); nil for anything else.
    init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
              parts[0].count == 4, parts.dropFirst().allSatisfy({ $0.count == 2 }),
              let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month) else { return nil }
        let day = parts.count == 3 ? Int(parts[2]) : 1
        guard let day, (1...31).contains(day) else { return nil }
        // Days from civil (Howard Hinnant's algorithm), proleptic Gregorian.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        daysSinceEpoch = era * 146_097 + dayOfEra - 719_468
    }

    init(daysSinceEpoch: Int) { self.daysSinceEpoch = daysSinceEpoch }

    /// Today: `BASEFIT_TODAY` (YYYY-MM-DD) when set, else the system clock in UTC.
    static func today() throws -> CalendarDay {
        if let fixed = ProcessInfo.processInfo.environment["BASEFIT_TODAY"], !fixed.isEmpty {
            guard let day = CalendarDay(fixed), fixed.count == 10 else {
                throw BasefitUsage("BASEFIT_TODAY=\(fixed) is not a date; use YYYY-MM-DD")
            }
            return day
        }
        return CalendarDay(daysSinceEpoch: Int(time(nil)) / 86_400)
    }

    var description: String {
        // Civil from days (the inverse of init).
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }
}

/// A usage problem found outside argument parsing (exit code 2).
struct BasefitUsage: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What the catalog compiled into this binary is: how many images, and how fresh.
/// The snapshot date is the newest dated figure in the data (a measured root's date,
/// or a size's date); no figure in it is newer than that.
struct CatalogSnapshot {
    /// Past this age the binary says once on stderr that its catalog is old.
    static let maximumAgeDays = 120

    let date: CalendarDay?
    let imageCount: Int
    let digest: String

    init(_ data: CatalogDataSet) {
        var dates = data.measured.values.compactMap { CalendarDay($0.date) }
        for family in data.families {
            for image in family.images {
                dates += image.sizes.compactMap { $0.date.flatMap(CalendarDay.init) }
            }
        }
        date = dates.max()
        imageCount = data.families.reduce(0) { $0 + $1.images.count }
        digest = data.digest
    }

    static func embedded() throws -> CatalogSnapshot {
        CatalogSnapshot(try DefaultCatalog.data())
    }

    /// Whole days from the snapshot to `today`, when the snapshot has a date.
    func ageDays(today: CalendarDay) -> Int? {
        date.map { today.daysSinceEpoch - $0.daysSinceEpoch }
    }

    /// One stderr line when the embedded catalog is older than `maximumAgeDays`.
    /// Called where the embedded catalog is opened; silent with `--quiet`.
    static func warnIfStale(_ options: GlobalOptions) {
        guard !options.quiet, let snapshot = try? embedded(), let today = try? CalendarDay.today(),
              let age = snapshot.ageDays(today: today), age > maximumAgeDays, let date = snapshot.date else { return }
        Output.warning("the built-in catalog is \(age) days old (snapshot \(date)); image facts and sizes may have moved on: "
            + "upgrade basefit, or measure your image with `basefit catalog import` and pass --catalog")
    }
}
