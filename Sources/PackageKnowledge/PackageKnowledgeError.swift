/// What went wrong reading package data, with the file or index it concerns.
public enum PackageKnowledgeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An embedded or on-disk index could not be decoded.
    case corruptIndex(name: String, reason: String)
    /// A line of an index does not have the expected shape.
    case malformedLine(source: String, line: Int, reason: String)
    /// A file could not be read.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .corruptIndex(name, reason): return "package index \(name): \(reason)"
        case let .malformedLine(source, line, reason): return "\(source):\(line): \(reason)"
        case let .unreadable(path, reason): return "\(path): \(reason)"
        }
    }
}
