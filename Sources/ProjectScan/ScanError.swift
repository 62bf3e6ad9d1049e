/// Why a scan could not start (as opposed to a file it skipped with a warning).
public struct ScanError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case missingPath
        case unreadablePath
    }

    public var kind: Kind
    public var path: String
    public var detail: String

    public var description: String { "\(path): \(detail)" }
}
