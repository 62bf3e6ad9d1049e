import Domain
import ELFInspection

/// One base image as the advisor sees it.
public struct Image: Sendable, Hashable {
    public struct Runtime: Sendable, Hashable {
        public var kind: RuntimeKind
        /// The release line (`22`, `3.12`), or a full version where measured.
        public var version: String
        public var path: String?
        /// CPython's ABI tag (`cp312`, `cp313t`).
        public var abi: String?
        /// A free-threaded CPython build (PEP 703).
        public var freeThreaded: Bool
        /// Node's NODE_MODULE_VERSION, where known.
        public var moduleVersion: Int?
        /// The Node-API functions this Node exports, where its files were read (`--rootfs`,
        /// `--image`); nil in the catalog, where they are not known.
        public var nodeAPIExports: Set<String>?

        public init(kind: RuntimeKind, version: String, path: String? = nil, abi: String? = nil,
                    freeThreaded: Bool = false, moduleVersion: Int? = nil, nodeAPIExports: Set<String>? = nil) {
            self.kind = kind
            self.version = version
            self.path = path
            self.abi = abi
            self.freeThreaded = freeThreaded
            self.moduleVersion = moduleVersion
            self.nodeAPIExports = nodeAPIExports
        }

        /// The major (`22` of `22.11.0`).
        public var major: Int? { Int(version.split(separator: ".").first ?? "") }

        /// `3.12` of `3.12.7`.
        public var line: String { version.split(separator: ".").prefix(2).joined(separator: ".") }
    }

    public struct Size: Sendable, Hashable {
        public var architecture: Architecture
        public var compressedBytes: Int64?
        public var uncompressedBytes: Int64?
        public var estimate: Bool
        public var source: String
        public var date: String?

        public init(architecture: Architecture, compressedBytes: Int64?, uncompressedBytes: Int64?, estimate: Bool,
                    source: String, date: String?) {
            self.architecture = architecture
            self.compressedBytes = compressedBytes
            self.uncompressedBytes = uncompressedBytes
            self.estimate = estimate
            self.source = source
            self.date = date
        }
    }

    /// A dated event with its source: end of life, or the tag no longer published.
    public struct Lifecycle: Sendable, Hashable {
        public var date: String
        public var source: String

        public init(date: String, source: String) {
            self.date = date
            self.source = source
        }
    }

    /// Files besides libraries that decide whether a loaded program also runs.
    public struct Files: Sendable, Hashable {
        public var caCertificates: Bool?
        public var tzdata: Bool?
        public var nonRootUser: String?
        public var nonRootUID: Int?

        public init(caCertificates: Bool? = nil, tzdata: Bool? = nil, nonRootUser: String? = nil, nonRootUID: Int? = nil) {
            self.caCertificates = caCertificates
            self.tzdata = tzdata
            self.nonRootUser = nonRootUser
            self.nonRootUID = nonRootUID
        }
    }

    public var reference: String
    public var family: String
    public var variant: String
    public var osName: String
    public var osVersion: String?
    public var osCodename: String?
    public var basedOn: String?
    /// glibc, musl, or none (no dynamic loader at all).
    public var libcFamily: LibcFamily
    public var libcVersion: VersionNumber?
    /// Exactly which of the libc's own sonames the image has, where that is less
    /// than the whole libc package (busybox's glibc variant); nil: all of them.
    public var libcSonames: Set<String>?
    public var runtime: Runtime?
    public var shell: String?
    public var packageManager: PackageManager?
    public var defaultUser: String?
    /// The image's ENTRYPOINT, where the catalog records one (distroless nodejs: `/nodejs/bin/node`):
    /// a Dockerfile's CMD becomes its arguments.
    public var entrypoint: [String]?
    public var architectures: [Architecture]
    /// scratch: an empty image that exists for every platform (`"any"` in the data).
    public var forAnyArchitecture: Bool
    /// Every other reference that points at this image (`python:3.12-slim` …).
    public var tags: [String]
    /// The snapshot the tags were read from.
    public var tagsAsOf: String?
    public var endOfLife: Lifecycle?
    public var discontinued: Lifecycle?
    /// Why the reference cannot be pinned to a stable line, when it cannot.
    public var floating: String?
    public var notes: String?
    public var files: Files?
    /// A digest the catalog recorded for the reference, where known.
    public var digest: String?
    public var sizes: [Size]
    /// soname → what the image provides under that name, for every architecture
    /// without a set of its own in `architectureLibraries`.
    public var libraries: [String: ProvidedLibrary]
    /// Full library sets measured for one architecture.
    public var architectureLibraries: [Architecture: [String: ProvidedLibrary]]
    /// The packages installed in the image, where known (a measured root's dpkg status,
    /// a published package list): what an install closure starts from.
    public var installedPackages: Set<String>?
    /// The image's layers per architecture as `rootfs.diff_ids` (uncompressed sha256, bottom
    /// first), where measured from the real image: an image built on this one starts with
    /// them, which is how `--app-only` finds the base when the image does not name it.
    public var layers: [Architecture: [String]]
    /// Where the library set was measured (nil: documented from public sources).
    public var measured: String?
    public var provenance: String
    /// Libraries a measured root holds in a directory of ld.so.conf but not in its
    /// /etc/ld.so.cache, which the loader therefore does not find (soname → path): not
    /// provided, only named in the fix. Set where a root was measured; never stored in a catalog.
    public var uncachedLibraries: [String: String] = [:]
    /// Names the loader's search meets first at a file it cannot load (measured images; not in
    /// catalogs): not in `libraries`, and said in the problem.
    public var refusedLibraries: [String: RefusedLibrary] = [:]
    /// Libraries the image's configuration preloads (`LD_PRELOAD`) that the loader maps, by path
    /// inside the image: loaded into every program (measured images; not in catalogs).
    public var preloads: [String] = []
    /// Setuid and setgid programs (absolute paths inside the image), and the names they cannot
    /// count on because only the configuration's LD_LIBRARY_PATH gives them (soname → the copy
    /// there), which the loader ignores for such a program unless its own user runs it
    /// (measured images; not in catalogs).
    public var setID = SetIDPrograms()
    /// Nodes a measured root holds besides `runtime` (the distribution's /usr/bin/node beside
    /// an official one in /usr/local …): an addon is held to each, as whichever PATH finds
    /// runs it. Set where a root was measured; never stored in a catalog.
    public var otherNodes: [Runtime] = []

    public init(
        reference: String, family: String, variant: String, osName: String, osVersion: String? = nil,
        osCodename: String? = nil, basedOn: String? = nil, libcFamily: LibcFamily, libcVersion: VersionNumber?,
        libcSonames: Set<String>? = nil, runtime: Runtime? = nil, shell: String? = nil,
        packageManager: PackageManager? = nil, defaultUser: String? = nil, architectures: [Architecture],
        forAnyArchitecture: Bool = false,
        tags: [String] = [], tagsAsOf: String? = nil, endOfLife: Lifecycle? = nil, discontinued: Lifecycle? = nil,
        floating: String? = nil, notes: String? = nil, files: Files? = nil, digest: String? = nil, sizes: [Size],
        libraries: [String: ProvidedLibrary], architectureLibraries: [Architecture: [String: ProvidedLibrary]] = [:],
        installedPackages: Set<String>? = nil, layers: [Architecture: [String]] = [:], measured: String?, provenance: String
    ) {
        self.installedPackages = installedPackages
        self.layers = layers
        self.reference = reference
        self.family = family
        self.variant = variant
        self.osName = osName
        self.osVersion = osVersion
        self.osCodename = osCodename
        self.basedOn = basedOn
        self.libcFamily = libcFamily
        self.libcVersion = libcVersion
        self.libcSonames = libcSonames
        self.runtime = runtime
        self.shell = shell
        self.packageManager = packageManager
        self.defaultUser = defaultUser
        self.architectures = architectures
        self.forAnyArchitecture = forAnyArchitecture
        self.tags = tags
        self.tagsAsOf = tagsAsOf
        self.endOfLife = endOfLife
        self.discontinued = discontinued
        self.floating = floating
        self.notes = notes
        self.files = files
        self.digest = digest
        self.sizes = sizes
        self.libraries = libraries
        self.architectureLibraries = architectureLibraries
        self.measured = measured
        self.provenance = provenance
    }

    public func size(for architecture: Architecture) -> Size? {
        sizes.first { $0.architecture == architecture }
    }

    /// The libraries the image provides on `architecture`.
    public func libraries(for architecture: Architecture) -> [String: ProvidedLibrary] {
        architectureLibraries[architecture] ?? libraries
    }

    /// True when the library set for `architecture` was measured or documented for it,
    /// false when it is another architecture's set assumed to hold.
    public func hasOwnLibraries(for architecture: Architecture) -> Bool {
        architectureLibraries.isEmpty || architectureLibraries[architecture] != nil
    }

    /// True when the image is published for a platform that runs `architecture` code.
    public func isPublished(for architecture: Architecture) -> Bool {
        forAnyArchitecture || architectures.contains { architecture.runs(on: $0) }
    }


    /// True when the image has this soname of the libc itself (busybox's glibc
    /// variant lacks libdl.so.2 and friends).
    public func providesLibcSoname(_ soname: String, on architecture: Architecture) -> Bool {
        if let libcSonames { return libcSonames.contains(soname) }
        return libcFamily != .none
    }

    public enum Status: Sendable, Hashable {
        case maintained
        case endOfLife(Lifecycle)
        case discontinued(Lifecycle)

        public var isMaintained: Bool { self == .maintained }
    }

    /// Maintained, past its end of life, or no longer published, as of `today`.
    public func status(on today: Day) -> Status {
        if let discontinued, let day = Day(discontinued.date), day <= today { return .discontinued(discontinued) }
        if let endOfLife, let day = Day(endOfLife.date), day <= today { return .endOfLife(endOfLife) }
        return .maintained
    }

    /// Every reference this image answers to: its own and its tags.
    public var allReferences: [String] { [reference] + tags.filter { $0 != reference } }
}

/// A library an image provides and the symbol versions it defines.
public struct ProvidedLibrary: Sendable, Hashable {
    public var soname: String
    public var path: String?
    public var package: String?
    /// Every version definition, where measured.
    public var versions: Set<String>
    /// Highest version per family, where only that is documented (or derived from `versions`).
    public var maxima: [String: VersionNumber]
    public var estimate: Bool
    public var source: String

    public init(soname: String, path: String?, package: String?, versions: Set<String>,
                maxima: [String: VersionNumber], estimate: Bool, source: String) {
        self.soname = soname
        self.path = path
        self.package = package
        self.versions = versions
        self.maxima = maxima
        self.estimate = estimate
        self.source = source
    }

    /// True when the library defines `version` (exactly, or within a documented maximum).
    public func provides(_ version: SymbolVersion) -> Bool {
        if versions.contains(version.name) { return true }
        guard let number = version.number, let maximum = maxima[version.family] else { return false }
        return number <= maximum
    }

    /// The highest version of a family the library offers.
    public func highest(_ family: String) -> VersionNumber? {
        let defined = versions.map(SymbolVersion.init).filter { $0.family == family }.compactMap(\.number).max()
        switch (defined, maxima[family]) {
        case let (a?, b?): return max(a, b)
        case let (a, b): return a ?? b
        }
    }
}

/// Which package provides a soname on one package manager and release.
public struct PackageHint: Sendable, Hashable {
    public var soname: String
    public var manager: PackageManager
    public var release: String
    public var package: String
    public var installedBytes: Int64?
    public var estimate: Bool
    public var source: String?

    public init(soname: String, manager: PackageManager, release: String, package: String, installedBytes: Int64?,
                estimate: Bool, source: String?) {
        self.soname = soname
        self.manager = manager
        self.release = release
        self.package = package
        self.installedBytes = installedBytes
        self.estimate = estimate
        self.source = source
    }
}
