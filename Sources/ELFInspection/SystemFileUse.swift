/// A file outside the loader's business that a program visibly reads at run time:
/// loading is not running. A Go binary that verifies TLS needs the CA roots, one that
/// loads time zones needs tzdata, one that looks users up needs /etc/passwd.
public enum SystemFile: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case caCertificates = "ca-certificates"
    case timeZones = "tzdata"
    case userDatabase = "passwd"

    public static func < (lhs: SystemFile, rhs: SystemFile) -> Bool { lhs.rawValue < rhs.rawValue }

    /// What it is, in words.
    public var displayName: String {
        switch self {
        case .caCertificates: return "CA certificates"
        case .timeZones: return "time zone data"
        case .userDatabase: return "a user database (/etc/passwd)"
        }
    }
}

/// One system file a program uses, and what in the file shows it.
public struct SystemFileUse: Sendable, Hashable, Codable {
    public var file: SystemFile
    /// The function or symbol that reads it (`crypto/x509.loadSystemRoots`).
    public var evidence: String

    public init(file: SystemFile, evidence: String) {
        self.file = file
        self.evidence = evidence
    }

    /// Go keeps every function's name in `.gopclntab`, even in a stripped binary.
    static let goFunctions: [(needle: String, file: SystemFile)] = [
        ("crypto/x509.loadSystemRoots", .caCertificates),
        ("crypto/x509.initSystemRoots", .caCertificates),
        ("time.LoadLocation", .timeZones),
        ("os/user.lookupUser", .userDatabase),
        ("os/user.current", .userDatabase),
    ]

    /// A Go binary that embeds the zone database (`import _ "time/tzdata"`) needs none.
    static let goEmbeddedTimeZones = "time/tzdata."

    /// OpenSSL calls that read the system's default certificate locations.
    public static let openSSLImports = ["SSL_CTX_set_default_verify_paths", "X509_STORE_set_default_paths",
                                        "SSL_CTX_load_verify_locations", "X509_get_default_cert_file"]

    /// The uses a Go binary's function table shows.
    static func goUses(in table: [UInt8]) -> [SystemFileUse] {
        var uses: [SystemFileUse] = []
        for (needle, file) in goFunctions where !uses.contains(where: { $0.file == file }) && contains(table, needle) {
            if file == .timeZones && contains(table, goEmbeddedTimeZones) { continue }
            uses.append(SystemFileUse(file: file, evidence: needle))
        }
        return uses
    }

    /// Plain byte search (the needles are short, the table a few MB).
    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first, haystack.count >= pattern.count else { return false }
        var index = 0
        let last = haystack.count - pattern.count
        while index <= last {
            if haystack[index] == first {
                var match = true
                for offset in 1..<pattern.count where haystack[index + offset] != pattern[offset] {
                    match = false
                    break
                }
                if match { return true }
            }
            index += 1
        }
        return false
    }
}
