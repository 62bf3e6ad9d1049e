import Foundation
import POSIXFiles

/// The catalog compiled into the binary, materialised as SQLite in the user's
/// cache directory on first use and rebuilt whenever the embedded data changes.
public enum DefaultCatalog {
    /// Where materialised catalogs live: $BASEFIT_CACHE_DIR, else $XDG_CACHE_HOME/basefit,
    /// else ~/.cache/basefit.
    public static var cacheDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["BASEFIT_CACHE_DIR"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/basefit" }
        return (environment["HOME"] ?? NSTemporaryDirectory()) + "/.cache/basefit"
    }

    /// The embedded data, decoded.
    public static func data() throws(CatalogError) -> CatalogDataSet {
        try CatalogDataSet(files: EmbeddedCatalogData.files)
    }

    /// The tags the built-in catalog took away, and why (read from the embedded data only when a
    /// reference is not in the catalog).
    public static func retiredTag(_ tag: String) -> RetiredTag? {
        guard let data = try? data() else { return nil }
        return data.families.lazy.flatMap { $0.retiredTags ?? [] }.first { $0.tag == tag }
    }

    /// Opens the default catalog, building it first if this binary's data has not
    /// been materialised yet. The database is written to a temporary file and
    /// renamed into place, so a reader never sees half a catalog.
    /// Only the digest of the embedded files is computed when the cache holds them already: the
    /// data is decoded (and checked) only to build the database. A cache of the same data that an
    /// older basefit wrote without `MetaKey.snapshotDate` is rebuilt; where the cache cannot be
    /// written (a read-only directory), it is used as it is.
    public static func open() throws(CatalogError) -> CatalogStore {
        let digest = CatalogDataSet.digest(of: EmbeddedCatalogData.files)
        let directory = cacheDirectory
        let path = directory + "/catalog-\(digest).sqlite"
        var older: CatalogStore?
        if FileManager.default.fileExists(atPath: path),
           let database = try? CatalogDatabase(path: path, mode: .readOnly),
           (try? CatalogStore(database: database).meta("digest")) == digest {
            let store = CatalogStore(database: database)
            if (try? store.meta(MetaKey.snapshotDate)) != nil { return store }
            older = store
        }
        do {
            return try materialise(data(), directory: directory, path: path)
        } catch {
            if let older { return older }
            throw error
        }
    }

    /// Builds the database for `data` beside `path` and renames it into place.
    private static func materialise(_ data: CatalogDataSet, directory: String, path: String) throws(CatalogError) -> CatalogStore {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CatalogError(.writeFailed, path: directory, detail: "cannot create the cache directory (\(error.localizedDescription)); set BASEFIT_CACHE_DIR or use --catalog")
        }
        let temporary = directory + "/.catalog-\(data.digest)-\(ProcessInfo.processInfo.processIdentifier).sqlite"
        try? FileManager.default.removeItem(atPath: temporary)
        do throws(CatalogError) {
            let database = try CatalogDatabase(path: temporary, mode: .readWrite)
            try build(into: CatalogStore(database: database), data: data)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CatalogError(error.kind, path: path,
                               detail: "cannot write the built-in catalog to the cache: \(error.detail); free space, set BASEFIT_CACHE_DIR or use --catalog")
        }
        do {
            try FileRename.replace(temporary, with: path)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CatalogError(.writeFailed, path: path, detail: "cannot move the new catalog into place (\(error.reason))")
        }
        return CatalogStore(database: try CatalogDatabase(path: path, mode: .readOnly))
    }

    /// What the materialised catalog records about its data besides the digest, so that a run
    /// need not decode the embedded files to know it.
    public enum MetaKey {
        /// The data's newest dated fact (`CatalogDataSet.snapshotDate`), YYYY-MM-DD, or empty when
        /// nothing in it is dated. A cache without it (materialised by an older basefit) is rebuilt
        /// where it can be.
        public static let snapshotDate = "snapshotDate"
    }

    /// Writes every image and hint of `data` into `store`.
    public static func build(into store: CatalogStore, data: CatalogDataSet) throws(CatalogError) {
        var meta = ["digest": data.digest, "source": "embedded Data/"]
        meta[MetaKey.snapshotDate] = data.snapshotDate?.description ?? ""
        try store.write(images: CatalogBuilder.images(from: data), hints: CatalogBuilder.hints(from: data), meta: meta)
    }
}
