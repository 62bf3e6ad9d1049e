/// One reason an image does not fit, naming the artifact, the library, the
/// version and the symbol wherever they are known.
public struct Problem: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case architecture
        case libcConflict = "libc-conflict"
        case libcMismatch = "libc-mismatch"
        case noLibc = "no-libc"
        case glibcTooOld = "glibc-too-old"
        case versionTooOld = "version-too-old"
        case missingLibrary = "missing-library"
        case runtimeMissing = "runtime-missing"
        case runtimeMismatch = "runtime-mismatch"
        case libnodeAddon = "libnode-addon"
    }

    public var kind: Kind
    public var artifact: String?
    public var library: String?
    public var version: String?
    public var symbols: [String]
    public var message: String
    /// What would fix it, when an install in the image would.
    public var fix: Fix?

    public var isFixable: Bool { fix?.install != nil }

    /// Lower is more fundamental; the first problem of a verdict is the one to tell.
    var severity: Int {
        switch kind {
        case .architecture: return 0
        case .libcConflict: return 1
        case .noLibc: return 2
        case .libcMismatch: return 3
        case .runtimeMissing: return 4
        case .libnodeAddon: return 5
        case .runtimeMismatch: return 6
        case .glibcTooOld: return 7
        case .versionTooOld: return 8
        case .missingLibrary: return 9
        }
    }
}

/// A way to make a problem go away.
public struct Fix: Sendable, Hashable {
    /// A package to install in the image (the problem is then *fixable*).
    public struct Install: Sendable, Hashable {
        public var manager: String
        public var package: String
        public var bytes: Int64?
        public var estimate: Bool

        /// The command a Dockerfile would run.
        public var command: String {
            switch manager {
            case "apt": return "apt-get update && apt-get install -y --no-install-recommends \(package)"
            case "apk": return "apk add --no-cache \(package)"
            case "dnf": return "dnf install -y \(package)"
            case "microdnf": return "microdnf install -y \(package)"
            case "yum": return "yum install -y \(package)"
            default: return "install \(package)"
            }
        }
    }

    public var install: Install?
    /// Advice when no install fixes it (rebuild, another variant, another image).
    public var advice: String?
}
