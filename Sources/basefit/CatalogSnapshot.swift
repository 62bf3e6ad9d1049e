import Domain
import ImageCatalog

/// What the catalog compiled into this binary is: how many images, and how fresh.
/// The snapshot date is the newest dated fact in the data (a tag snapshot, a measured
/// root, a size); no figure in it is newer than that.
struct CatalogSnapshot {
    /// Past this age the binary says once on stderr that its catalog is old.
    static let maximumAgeDays = 120

    let date: Day?
    let imageCount: Int
    let digest: String

    init(_ data: CatalogDataSet) {
        var dates = data.measured.values.compactMap { Day($0.date) }
        for family in data.families {
            if let snapshot = family.tagsAsOf.flatMap({ Day($0.date) }) { dates.append(snapshot) }
            for image in family.images {
                dates += image.sizes.compactMap { $0.date.flatMap(Day.init) }
            }
        }
        date = dates.max()
        imageCount = data.families.reduce(0) { $0 + $1.images.count }
        digest = data.digest
    }

    static func embedded() throws -> CatalogSnapshot {
        CatalogSnapshot(try DefaultCatalog.data())
    }

    /// One stderr line when the embedded catalog is older than `maximumAgeDays`.
    /// Called where the embedded catalog is opened; silent with `--quiet`.
    static func warnIfStale(_ options: GlobalOptions) {
        guard !options.quiet, let snapshot = try? embedded(), let today = try? Clock.today(),
              let date = snapshot.date, date.days(until: today) > maximumAgeDays else { return }
        Output.warning("the built-in catalog is \(date.days(until: today)) days old (snapshot \(date)); image facts and sizes may have moved on: "
            + "upgrade basefit, or measure your image with `basefit catalog import` and pass --catalog")
    }
}
