import ELFInspection

/// One ELF file found by a scan: where it is, as the user will recognise it, and its facts.
public struct Artifact: Sendable, Hashable, Codable {
    /// The path as given on the command line joined with the path inside it
    /// (archive members, later, as `archive.whl!/member/path`).
    public var path: String
    public var facts: BinaryFacts

    public init(path: String, facts: BinaryFacts) {
        self.path = path
        self.facts = facts
    }
}
