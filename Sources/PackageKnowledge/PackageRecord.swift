/// One binary package of a release and architecture, as its archive index describes it.
public struct PackageRecord: Sendable, Hashable {
    public enum Priority: String, Sendable, Hashable {
        case required, important, standard, optional, extra
    }

    public var name: String
    public var version: String
    /// Installed-Size (Debian: KiB × 1024; Alpine `I:`: bytes).
    public var installedBytes: Int
    public var priority: Priority?
    public var essential: Bool
    /// Pre-Depends then Depends: each group is a list of alternatives (names only; version and
    /// architecture qualifiers are dropped, the index holds one version per name).
    public var depends: [[String]]
    /// Virtual names this package provides (Alpine: `so:` provides excluded, they are `libraries`).
    public var provides: [String]
    /// Shared libraries it ships directly in a library directory.
    public var libraries: [LibraryFile]

    public init(name: String, version: String, installedBytes: Int, priority: Priority? = nil, essential: Bool = false,
                depends: [[String]] = [], provides: [String] = [], libraries: [LibraryFile] = []) {
        self.name = name
        self.version = version
        self.installedBytes = installedBytes
        self.priority = priority
        self.essential = essential
        self.depends = depends
        self.provides = provides
        self.libraries = libraries
    }

    /// The upstream part of a Debian or Alpine version: no epoch, no revision, only the leading
    /// dotted number (`1:1.2.13.dfsg-1` → 1.2.13, `3.0.20-1~deb12u2` → 3.0.20, `1.2.4-r2` → 1.2.4).
    public var upstreamVersion: String {
        var text = Substring(version)
        if let colon = text.firstIndex(of: ":") { text = text[text.index(after: colon)...] }
        let digits = text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        return String(digits.hasSuffix(".") ? digits.dropLast() : digits)
    }
}
