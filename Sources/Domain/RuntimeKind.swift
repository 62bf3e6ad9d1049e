/// A language runtime an image carries and a project needs.
public enum RuntimeKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case node
    case python

    /// How users name it (`Node.js`, `Python`).
    public var displayName: String {
        switch self {
        case .node: return "Node.js"
        case .python: return "Python"
        }
    }

    public var description: String { rawValue }
}
