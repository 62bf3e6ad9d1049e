/// The human-readable catalog files under `Data/` (one per image family), as
/// decoded. The format is documented in Data/README.md.
public struct CatalogDataFile: Sendable, Codable, Hashable {
    public var family: String
    public var notes: String?
    /// The snapshot the tag lists in this file were read from.
    public var tagsAsOf: CatalogDataImage.Dated?
    public var images: [CatalogDataImage]
    /// Tags taken away because they moved to an image the catalog has not read (Data/tools/scheduled_moves.py).
    public var retiredTags: [RetiredTag]?
}

/// A tag the catalog no longer holds, and why: `python:3-slim` names CPython 3.15 since 2026-10-01.
public struct RetiredTag: Sendable, Codable, Hashable {
    public var tag: String
    /// The day it moved (YYYY-MM-DD).
    public var since: String
    public var why: String
    public var source: String
    /// The row it named before, when the catalog still has it.
    public var formerly: String?

    /// "not in the catalog since 2026-10-01: it names CPython 3.15 from then, … (source: …)."
    public var description: String {
        "not in the catalog since \(since): \(why) (source: \(source))."
    }
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
        /// Exactly which of the libc's own sonames the image has (busybox glibc);
        /// absent: the whole libc package.
        public var sonames: [String]?

        public init(family: String, version: String?, sonames: [String]? = nil) {
            self.family = family
            self.version = version
            self.sonames = sonames
        }
    }

    public struct Runtime: Sendable, Codable, Hashable {
        public var kind: String
        public var version: String
        public var path: String?
        public var abi: String?
        public var freeThreaded: Bool?
        public var moduleVersion: Int?
    }

    /// A date with its source (end of life, discontinued, a tag snapshot).
    public struct Dated: Sendable, Codable, Hashable {
        public var date: String
        public var source: String
    }

    public typealias Discontinued = Dated

    public struct Files: Sendable, Codable, Hashable {
        public struct User: Sendable, Codable, Hashable {
            public var name: String
            public var uid: Int
        }

        public var caCertificates: Bool?
        public var tzdata: Bool?
        public var nonRootUser: User?
    }

    /// One measured file, or one per architecture.
    public enum MeasuredNames: Sendable, Codable, Hashable {
        case one(String)
        case several([String])

        public var names: [String] {
            switch self {
            case .one(let name): return [name]
            case .several(let names): return names
            }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let name = try? container.decode(String.self) {
                self = .one(name)
            } else {
                self = .several(try container.decode([String].self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .one(let name): try container.encode(name)
            case .several(let names): try container.encode(names)
            }
        }
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
        /// Limits the entry to these platforms (absent: every one).
        public var architectures: [String]?
        /// `maxVersions` for one platform where it differs.
        public var maxVersionsByArch: [String: [String: String]]?

        public init(soname: String, maxVersions: [String: String]?, versions: [String]?, package: String?, path: String?,
                    estimate: Bool?, source: String?, architectures: [String]? = nil,
                    maxVersionsByArch: [String: [String: String]]? = nil) {
            self.soname = soname
            self.maxVersions = maxVersions
            self.versions = versions
            self.package = package
            self.path = path
            self.estimate = estimate
            self.source = source
            self.architectures = architectures
            self.maxVersionsByArch = maxVersionsByArch
        }
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
    /// The image's ENTRYPOINT when it sets one that a Dockerfile's CMD is appended to
    /// (distroless nodejs: `["/nodejs/bin/node"]`).
    public var entrypoint: [String]?
    public var architectures: [String]
    public var tags: [String]?
    public var endOfLife: Dated?
    public var discontinued: Discontinued?
    public var floating: String?
    public var notes: String?
    public var files: Files?
    /// A digest recorded for the reference (`sha256:…`), where known.
    public var digest: String?
    public var sizes: [Size]
    public var addsLibraries: [Library]?
    public var removesLibraries: [String]?
    /// Files under `Data/measured/` holding the libraries measured from a real root
    /// filesystem: one, or one per architecture (each file names its architecture).
    public var measured: MeasuredNames?
    /// Packages installed in the image, where its row lists them (else from its measured
    /// root or Data/packages/installed/).
    public var installedPackages: [String]?
    /// The published image's layers per platform (`rootfs.diff_ids`, bottom first), where
    /// they were read from the registry (`catalog refresh`).
    public var layers: [String: [String]]?
    public var provenance: String
}

/// A root filesystem measured by `basefit catalog measure` (Data/measured/*.json).
public struct MeasuredRootfs: Sendable, Codable, Hashable {
    public var reference: String
    /// The platform measured (`amd64`, `arm64`); absent in older files, which are amd64.
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
    /// What dpkg recorded as installed in the root (an unconfigured --foreign root has none).
    public var installedPackages: [String]?

    public init(reference: String, architecture: String?, measuredBy: String, date: String, libc: CatalogDataImage.Libc,
                shell: String?, packageManager: String?, users: [String], searchPath: [String], totalBytes: Int64,
                libraries: [CatalogDataImage.Library], installedPackages: [String]? = nil) {
        self.reference = reference
        self.architecture = architecture
        self.measuredBy = measuredBy
        self.date = date
        self.libc = libc
        self.shell = shell
        self.packageManager = packageManager
        self.users = users
        self.searchPath = searchPath
        self.totalBytes = totalBytes
        self.libraries = libraries
        self.installedPackages = installedPackages
    }
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
