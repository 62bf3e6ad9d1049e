import Foundation

/// Today's date, as every date-dependent decision sees it (end of life, catalog age).
/// `BASEFIT_TODAY=YYYY-MM-DD` fixes it, so tests and golden files do not change with
/// the calendar.
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Parses `YYYY-MM-DD` (also the date part of a longer ISO-8601 stamp).
    public init?(_ text: String) {
        let parts = text.prefix(10).split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: Day) -> Int {
        other.julianDay - julianDay
    }

    private var julianDay: Int {
        let a = (14 - month) / 12
        let y = year + 4800 - a
        let m = month + 12 * a - 3
        return day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
    }
}

public enum Clock {
    public enum ClockError: Error, Sendable, CustomStringConvertible {
        case badToday(String)

        public var description: String {
            switch self {
            case .badToday(let text): return "BASEFIT_TODAY=\(text) is not a date (YYYY-MM-DD)"
            }
        }
    }

    /// `BASEFIT_TODAY` when set, else the system's date in UTC.
    public static func today() throws(ClockError) -> Day {
        if let fixed = ProcessInfo.processInfo.environment["BASEFIT_TODAY"], !fixed.isEmpty {
            guard let day = Day(fixed) else { throw .badToday(fixed) }
            return day
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return Day(formatter.string(from: Date()))!
    }
}
