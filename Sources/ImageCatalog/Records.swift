import GRDB

// One Codable record per table (schema in CatalogDatabase's migrations).

struct ImageRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "image"
    var id: Int64?
    var reference: String
    var family: String
    var variant: String
    var osName: String
    var osVersion: String?
    var osCodename: String?
    var basedOn: String?
    var libcFamily: String
    var libcVersion: String?
    var runtimeKind: String?
    var runtimeVersion: String?
    var runtimePath: String?
    var runtimeABI: String?
    var shell: String?
    var packageManager: String?
    var defaultUser: String?
    var discontinuedDate: String?
    var discontinuedSource: String?
    var measured: String?
    var provenance: String
    var forAnyArchitecture: Bool
    /// Space-separated, where the image has only some of the libc's sonames.
    var libcSonames: String?
    var runtimeFreeThreaded: Bool
    var runtimeModuleVersion: Int?
    var tagsAsOf: String?
    var endOfLifeDate: String?
    var endOfLifeSource: String?
    var floating: String?
    var notes: String?
    var caCertificates: Bool?
    var tzdata: Bool?
    var nonRootUser: String?
    var nonRootUID: Int?
    var digest: String?
    var packagesKnown: Bool
    /// JSON array of strings (the image's ENTRYPOINT), nil when it sets none the catalog records.
    var entrypoint: String? = nil

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct ImagePackageRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "imagePackage"
    var imageId: Int64
    var name: String
}

struct ImageLayerRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "imageLayer"
    var imageId: Int64
    var architecture: String
    var position: Int
    var diffID: String
}

struct ImageTagRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "imageTag"
    var tag: String
    var imageId: Int64
}

struct ImageArchitectureRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "imageArchitecture"
    var imageId: Int64
    var architecture: String
}

struct ImageSizeRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "imageSize"
    var imageId: Int64
    var architecture: String
    var compressedBytes: Int64?
    var uncompressedBytes: Int64?
    var estimate: Bool
    var source: String
    var date: String?
}

struct ProvidedLibraryRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "providedLibrary"
    var id: Int64?
    var imageId: Int64
    /// The platform this entry is for; "" for every platform without a set of its own.
    var architecture: String
    var soname: String
    var path: String?
    var package: String?
    var estimate: Bool
    var source: String

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A version a provided library defines. `isMaximum` rows stand for "every version
/// of this family up to here" where only the highest one is documented.
struct LibraryVersionRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "libraryVersion"
    var libraryId: Int64
    var name: String
    var isMaximum: Bool
}

struct PackageHintRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "packageHint"
    var soname: String
    var manager: String
    var release: String
    var package: String
    var installedBytes: Int64?
    var estimate: Bool
    var source: String?
}

struct CatalogMetaRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "catalogMeta"
    var key: String
    var value: String
}
