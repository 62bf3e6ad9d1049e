import Domain
import ImageCatalog

/// What the catalog compiled into this binary is: how many images, and how fresh
/// (`CatalogDataSet.snapshotDate`: no figure in it is newer than that).
struct CatalogSnapshot {
    /// Past this age the binary says once on stderr that its catalog is old.
    static let maximumAgeDays = 120

    let date: Day?
    let imageCount: Int
    let digest: String

    init(_ data: CatalogDataSet) {
        date = data.snapshotDate
        imageCount = data.imageCount
        digest = data.digest
    }

    static func embedded() throws -> CatalogSnapshot {
        CatalogSnapshot(try DefaultCatalog.data())
    }

    /// One stderr line when the embedded catalog is older than `maximumAgeDays`.
    /// Called where the embedded catalog is opened (`builtIn`, which records its snapshot date
    /// so the embedded files need not be decoded again); silent with `--quiet`.
    static func warnIfStale(_ options: GlobalOptions, builtIn: CatalogStore) {
        guard !options.quiet, let today = try? Clock.today() else { return }
        let date: Day?
        if let recorded = try? builtIn.meta(DefaultCatalog.MetaKey.snapshotDate) {
            date = Day(recorded)
        } else {
            // A cache materialised by a basefit that did not record the date.
            date = (try? embedded())?.date
        }
        guard let date, date.days(until: today) > maximumAgeDays else { return }
        Output.warning("the built-in catalog is \(date.days(until: today)) days old (snapshot \(date)); image facts and sizes may have moved on: "
            + "upgrade basefit, or measure your image with `basefit catalog import` and pass --catalog")
    }
}
