import Domain

/// Finds the catalog row for any reference a Dockerfile can hold: Docker Hub
/// spellings, no tag (`:latest`), tags that alias a row (`python:3.12-slim`),
/// version-precise tags (`node:18.20.1-slim` → the line's row), dated builds
/// (`debian:bookworm-20260803-slim`), and `name:tag@sha256:…` (the digest when the
/// catalog recorded it, else the tag).
public struct ImageResolver: Sendable {
    public struct Resolution: Sendable {
        public var image: Image
        /// The reference as written.
        public var requested: String
        /// How it was resolved, for every output format.
        public var notes: [String]
    }

    public enum ResolveError: Error, Sendable, CustomStringConvertible {
        case malformed(String, ImageReference.ParseError)
        case unknown(String, similar: [String])

        public var description: String {
            switch self {
            case .malformed(_, let error):
                return error.description
            case .unknown(let reference, let similar):
                return "\(reference): not in the catalog" + (similar.isEmpty ? "" : "; similar: \(similar.joined(separator: ", "))")
                    + ". Import it (basefit catalog import) or check a root filesystem with --rootfs."
            }
        }
    }

    let catalog: ImageCatalogReading

    public init(catalog: ImageCatalogReading) {
        self.catalog = catalog
    }

    public func resolve(_ text: String) throws -> Resolution {
        // A catalog reference written exactly (`scratch`, which no registry serves).
        if let exact = try catalog.image(tagged: text), exact.reference == text {
            return Resolution(image: exact, requested: text, notes: [])
        }
        let reference: ImageReference
        do {
            reference = try ImageReference(parsing: text)
        } catch {
            throw ResolveError.malformed(text, error)
        }
        var notes: [String] = []
        if let digest = reference.digest {
            if let image = try catalog.image(digest: digest) {
                return Resolution(image: image, requested: text, notes: ["\(digest) is the digest the catalog recorded for \(image.reference)"])
            }
            if reference.tag == nil {
                throw ResolveError.unknown(text, similar: [])
            }
            notes.append("digest \(digest.prefix(19))… is not in the catalog: judged by its tag \(reference.withoutDigest.taggedName)")
        }
        let name = reference.withoutDigest.taggedName
        if let image = try catalog.image(tagged: name) {
            if image.reference != name {
                notes.append("\(name) → \(image.reference)" + (image.tagsAsOf.map { " (tags as of \($0))" } ?? ""))
            }
            return Resolution(image: image, requested: text, notes: notes)
        }
        for candidate in Self.lineTags(of: reference.withoutDigest) {
            if let image = try catalog.image(tagged: candidate) {
                notes.append("\(name) → \(image.reference): judged as \(candidate); the catalog tracks release lines, not patch levels or build dates")
                return Resolution(image: image, requested: text, notes: notes)
            }
        }
        let similar = try catalog.allNames().filter { $0.hasPrefix(reference.name + ":") }.prefix(12)
        throw ResolveError.unknown(text, similar: Array(similar))
    }

    /// The line tags a version-precise or dated tag belongs to, most precise first:
    /// `18.20.1-slim` → `18.20-slim`, `18-slim`; `bookworm-20260803-slim` → `bookworm-slim`;
    /// `2023.8.20260817.0` → `2023.8.20260817`, `2023.8`, `2023`.
    static func lineTags(of reference: ImageReference) -> [String] {
        guard let tag = reference.tag else { return [] }
        var parts = tag.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        // Dated builds: drop YYYYMMDD parts.
        let undated = parts.filter { !($0.count == 8 && $0.allSatisfy(\.isNumber) && $0.hasPrefix("20")) }
        var candidates: [String] = []
        if undated != parts, !undated.isEmpty {
            parts = undated
            candidates.append(parts.joined(separator: "-"))
        }
        guard let first = parts.first, first.first?.isNumber == true else { return candidates.map { "\(reference.name):\($0)" } }
        var numbers = first.split(separator: ".").map(String.init)
        let rest = parts.dropFirst()
        while numbers.count > 1 {
            numbers.removeLast()
            candidates.append(([numbers.joined(separator: ".")] + rest).joined(separator: "-"))
        }
        return candidates.map { "\(reference.name):\($0)" }
    }
}

/// What resolution needs of a catalog (one store, or the built-in one under a user's).
public protocol ImageCatalogReading: Sendable {
    func image(tagged name: String) throws -> Image?
    func image(digest: String) throws -> Image?
    func allNames() throws -> [String]
}
