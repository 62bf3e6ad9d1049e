/// Why the catalog could not be used. Always names the database or data file.
public struct CatalogError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case missing, unreadable, readOnly, locked, corrupt, newerSchema, invalidData, notFound, writeFailed
    }

    public var kind: Kind
    public var path: String
    public var detail: String

    public init(_ kind: Kind, path: String, detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }

    public var description: String { "\(path): \(detail)" }
}
