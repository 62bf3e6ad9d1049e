/// The human-readable catalog files under `Data/` (one per image family), as
/// decoded. The format is documented in Data/README.md.
public struct CatalogDataFile: Sendable, Codable, Hashable {
    public var family: String
    public var notes: String?
    public var images: [CatalogDataImage]
}

public struct CatalogDataImage: Sendable, Codable, Hashable {
    public struct OS: Sendable, Codable, Hashable {
        public var name: String
        public var version: String?
        public var codename: String?
    }

    public struct Libc: Sendable, Codable, Hashable {
        public var family: String
        public var version: String?
    }

    public struct Runtime: Sendable, Codable, Hashable {
        public var kind: String
        public var version: String
        public var path: String?
        public var abi: String?
    }

    public struct Discontinued: Sendable, Codable, Hashable {
        public var date: String
        public var source: String
    }

    public struct Size: Sendable, Codable, Hashable {
        public var arch: String
        public var compressedBytes: Int64?
        public var uncompressedBytes: Int64?
        public var estimate: Bool
        public var source: String
        public var date: String?
    }

    public struct Library: Sendable, Codable, Hashable {
        public var soname: String
        /// Highest version per family (`{"GLIBCXX": "3.4.30"}`) where the full list is not known.
        public var maxVersions: [String: String]?
        /// Every version definition, where measured.
        public var versions: [String]?
        public var package: String?
        public var path: String?
        public var estimate: Bool?
        public var source: String?
    }

    public var reference: String
    public var variant: String
    public var os: OS
    public var basedOn: String?
    public var libc: Libc
    public var runtime: Runtime?
    public var shell: String?
    public var packageManager: String?
    public var defaultUser: String?
    public var architectures: [String]
    public var discontinued: Discontinued?
    public var sizes: [Size]
    public var addsLibraries: [Library]?
    public var removesLibraries: [String]?
    /// A file under `Data/measured/` holding the libraries measured from a real root filesystem.
    public var measured: String?
    public var provenance: String
}

/// A root filesystem measured by `basefit catalog measure` (Data/measured/*.json).
public struct MeasuredRootfs: Sendable, Codable, Hashable {
    public var reference: String
    /// Docker platform architecture of the measured root (`amd64`, `arm64` …); a file without it is amd64.
    public var architecture: String?
    public var measuredBy: String
    public var date: String
    public var libc: CatalogDataImage.Libc
    public var shell: String?
    public var packageManager: String?
    public var users: [String]
    public var searchPath: [String]
    public var totalBytes: Int64
    public var libraries: [CatalogDataImage.Library]
}

/// Which package provides a soname, per package manager and release (Data/package-hints.json).
public struct PackageHintsFile: Sendable, Codable, Hashable {
    public struct Provider: Sendable, Codable, Hashable {
        public var manager: String
        public var release: String
        public var package: String
        public var installedBytes: Int64?
        public var estimate: Bool?
        public var source: String?
    }

    public struct Hint: Sendable, Codable, Hashable {
        public var soname: String
        public var providers: [Provider]
    }

    public var hints: [Hint]
}
