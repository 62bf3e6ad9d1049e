/// The package an artifact belongs to.
public struct PackageOrigin: Sendable, Hashable {
    public enum Ecosystem: String, Sendable, Hashable {
        case npm
        case pypi
    }

    public var ecosystem: Ecosystem
    public var name: String
    public var version: String?
    /// `package.json`, `RECORD` or the wheel that names the package.
    public var manifest: String
    /// npm `os`, `cpu`, `libc` fields as declared (nil when absent).
    public var declaredOS: [String]?
    public var declaredCPU: [String]?
    public var declaredLibc: [String]?
    /// sharp-style `config.glibc` / `config.musl` ranges (`">=2.28"`).
    public var declaredGlibcRange: String?
    public var declaredMuslRange: String?

    public init(ecosystem: Ecosystem, name: String, version: String?, manifest: String) {
        self.ecosystem = ecosystem
        self.name = name
        self.version = version
        self.manifest = manifest
    }
}
