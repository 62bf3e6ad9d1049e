/// A container image reference as a Dockerfile or `docker pull` holds it, parsed by
/// the Docker reference grammar: `[registry/]path[:tag][@digest]`.
///
/// Docker Hub spellings are one reference: `python`, `library/python`,
/// `docker.io/library/python`, `index.docker.io/library/python:latest` all name
/// `python:latest`. A reference without a tag or digest means `:latest`.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// The registry host (`gcr.io`, `localhost:5000`), nil for Docker Hub.
    public var registry: String?
    /// The repository path without the registry (`python`, `distroless/cc-debian12`);
    /// Docker Hub's `library/` is dropped.
    public var repository: String
    /// The tag, nil only when the reference gave a digest and no tag.
    public var tag: String?
    /// `sha256:` + 64 lower-case hex digits.
    public var digest: String?
    /// True when the reference gave no tag and `latest` was assumed.
    public var tagImplied: Bool

    public enum ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        case empty
        case badDigest(String)
        case badName(String)

        public var description: String {
            switch self {
            case .empty: return "empty image reference"
            case .badDigest(let text): return "\(text): a digest is sha256: followed by 64 hex digits"
            case .badName(let text): return "\(text): not an image reference (name[:tag][@sha256:…])"
            }
        }
    }

    public init(parsing text: String) throws(ParseError) {
        var rest = text.trimmingSpaces
        guard !rest.isEmpty else { throw .empty }
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            let value = String(rest[rest.index(after: at)...])
            guard Self.isDigest(value) else { throw .badDigest(text) }
            digest = value.lowercased()
            rest = String(rest[..<at])
        }
        var tag: String?
        // A tag is after the last ':' that follows the last '/' (a registry port has a '/' after it).
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = String(rest[..<colon])
            guard let tag, !tag.isEmpty, tag.count <= 128, tag.allSatisfy(Self.isTagCharacter), tag.first != ".", tag.first != "-" else {
                throw .badName(text)
            }
        }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !components.isEmpty, components.allSatisfy({ !$0.isEmpty }) else { throw .badName(text) }
        var registry: String?
        if components.count > 1, let first = components.first,
           first.contains(".") || first.contains(":") || first == "localhost" {
            registry = first.lowercased()
            components.removeFirst()
        }
        if registry == "docker.io" || registry == "index.docker.io" || registry == "registry-1.docker.io" { registry = nil }
        if registry == nil && components.count > 1 && components[0] == "library" { components.removeFirst() }
        let repository = components.joined(separator: "/")
        guard repository.allSatisfy(Self.isNameCharacter), repository == repository.lowercased() else { throw .badName(text) }
        self.registry = registry
        self.repository = repository
        self.tagImplied = tag == nil && digest == nil
        self.tag = tag ?? (digest == nil ? "latest" : nil)
        self.digest = digest
    }

    public init(registry: String?, repository: String, tag: String?, digest: String? = nil) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
        self.tagImplied = false
    }

    /// `registry/repository` (Docker Hub without a registry), no tag.
    public var name: String { registry.map { "\($0)/\(repository)" } ?? repository }

    /// `name:tag` — the form catalog rows and tags are written in (no digest).
    public var taggedName: String { tag.map { "\(name):\($0)" } ?? name }

    /// The normalised full form: `name:tag@digest` where present.
    public var description: String { taggedName + (digest.map { "@\($0)" } ?? "") }

    /// The same reference without its digest.
    public var withoutDigest: ImageReference {
        var copy = self
        copy.digest = nil
        if copy.tag == nil { copy.tag = "latest"; copy.tagImplied = true }
        return copy
    }

    /// The same repository pinned to `digest` (so an index is not read twice).
    public func withDigest(_ digest: String) -> ImageReference {
        var pinned = self
        pinned.digest = digest
        return pinned
    }

    public static func isDigest(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard lower.hasPrefix("sha256:") else { return false }
        let hex = lower.dropFirst("sha256:".count)
        return hex.count == 64 && hex.allSatisfy { $0.isHexDigit }
    }

    private static func isTagCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "." || c == "-")
    }

    private static func isNameCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "." || c == "-" || c == "/")
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
