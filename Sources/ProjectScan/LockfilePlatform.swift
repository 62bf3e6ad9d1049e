import ELFInspection

/// One platform a lockfile is judged for: what a candidate base image offers to an
/// install (its libc family and version, its architecture, its CPython).
public struct LockfilePlatform: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var libc: LibcFamily
    /// glibc `2.36`, musl `1.2.5`; nil when unknown (then only the family decides).
    public var libcVersion: VersionNumber?
    public var architecture: Architecture
    /// CPython line `3.12` (nil: not a Python platform).
    public var python: String?
    public var freeThreaded: Bool

    public init(libc: LibcFamily, libcVersion: VersionNumber? = nil, architecture: Architecture, python: String? = nil, freeThreaded: Bool = false) {
        self.libc = libc
        self.libcVersion = libcVersion
        self.architecture = architecture
        self.python = python
        self.freeThreaded = freeThreaded
    }

    /// npm's name of the architecture (`x64`, `arm64`, `arm`, `ia32` …).
    public var npmCPU: String? { architecture.npmName }

    /// npm's `libc` field value (`glibc`, `musl`).
    public var npmLibc: String? {
        switch libc {
        case .glibc: return "glibc"
        case .musl: return "musl"
        default: return nil
        }
    }

    public var description: String {
        var text = "\(libc.rawValue)"
        if let libcVersion { text += " \(libcVersion)" }
        text += " \(architecture)"
        if let python { text += " CPython \(python)\(freeThreaded ? "t" : "")" }
        return text
    }

    public static func < (lhs: LockfilePlatform, rhs: LockfilePlatform) -> Bool {
        (lhs.libc.rawValue, lhs.architecture, lhs.libcVersion ?? VersionNumber([0]), lhs.python ?? "", lhs.freeThreaded ? 1 : 0)
            < (rhs.libc.rawValue, rhs.architecture, rhs.libcVersion ?? VersionNumber([0]), rhs.python ?? "", rhs.freeThreaded ? 1 : 0)
    }
}
