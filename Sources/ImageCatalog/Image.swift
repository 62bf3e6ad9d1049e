import ELFInspection

/// One base image as the advisor sees it.
public struct Image: Sendable, Hashable {
    public struct Runtime: Sendable, Hashable {
        public var kind: String
        public var version: String
        public var path: String?
        public var abi: String?
        /// A free-threaded CPython build (ABI `cp313t`).
        public var freeThreaded: Bool = false
    }

    public struct Size: Sendable, Hashable {
        public var architecture: String
        public var compressedBytes: Int64?
        public var uncompressedBytes: Int64?
        public var estimate: Bool
        public var source: String
        public var date: String?
    }

    public var reference: String
    public var family: String
    public var variant: String
    public var osName: String
    public var osVersion: String?
    public var osCodename: String?
    public var basedOn: String?
    /// `glibc`, `musl` or `none`.
    public var libcFamily: String
    public var libcVersion: VersionNumber?
    public var runtime: Runtime?
    public var shell: String?
    public var packageManager: String?
    public var defaultUser: String?
    /// OCI architectures (`amd64`, `arm64` …).
    public var architectures: [String]
    public var discontinuedDate: String?
    public var discontinuedSource: String?
    public var sizes: [Size]
    /// soname → what the image provides under that name.
    public var libraries: [String: ProvidedLibrary]
    /// Where the library set was measured (nil: documented from public sources).
    public var measured: String?
    public var provenance: String

    public func size(for architecture: String) -> Size? {
        sizes.first { $0.architecture == architecture }
    }
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
    public var manager: String
    public var release: String
    public var package: String
    public var installedBytes: Int64?
    public var estimate: Bool
    public var source: String?
}
