import Domain

/// Finds the catalog row for any reference a Dockerfile can hold: Docker Hub
/// spellings, no tag (`:latest`), tags that alias a row (`python:3.12-slim`),
/// version-precise tags (`debian:12.5-slim`, `node:18.20.1-bookworm-slim` → the line's row), dated builds
/// (`debian:bookworm-20260803-slim`), and `name:tag@sha256:…` (the digest when the
/// catalog recorded it, else the tag).
public struct ImageResolver: Sendable {
    public struct Resolution: Sendable {
        public var image: Image
        /// The reference as written.
        public var requested: String
        /// How it was resolved, for every output format.
        public var notes: [String]
        /// A digest the reference pins that the catalog did not record: the row is the tag's,
        /// which names that digest only if the tag has not moved since the pin was taken (the
        /// caller asks the registry, or does not judge it).
        public var unconfirmedDigest: String? = nil
    }

    public enum ResolveError: Error, Sendable, CustomStringConvertible {
        case malformed(String, ImageReference.ParseError)
        case unknown(String, similar: [String])
        /// A patch release's tag without its suite (`python:3.12.7-slim`): its image was built on
        /// the Debian or Alpine the line used that day, which the catalog does not record.
        case patchWithoutSuite(String, line: String)
        /// A tag the built-in catalog took away: it moved to an image the catalog has not read.
        case retired(String, RetiredTag)

        public var description: String {
            switch self {
            case .malformed(_, let error):
                return error.description
            case .unknown(let reference, let similar):
                return "\(reference): not in the catalog" + (similar.isEmpty ? "" : "; similar: \(similar.joined(separator: ", "))")
                    + ". Import it (basefit catalog import) or check a root filesystem with --rootfs."
            case .retired(let reference, let retired):
                return "\(reference): \(retired.description) "
                    + (retired.formerly.map { "Until then it was \($0): write that tag to judge that line, or check" } ?? "Check")
                    + " the image itself with --image."
            case .patchWithoutSuite(let reference, let line):
                return "\(reference): a patch release's image was built on the Debian or Alpine its line used that day (python:3.12 moved from "
                    + "bookworm to trixie in 2025), which the catalog does not record; write the suite as well (-bookworm, -trixie, -alpine3.20) "
                    + "or judge the line's image now (\(line)), or check the image itself with --image"
            }
        }
    }

    let catalog: ImageCatalogReading
    /// Why a tag is not in the catalog, when it was taken away (the built-in catalog's record).
    let retired: @Sendable (String) -> RetiredTag?

    public init(catalog: ImageCatalogReading, retired: @escaping @Sendable (String) -> RetiredTag? = DefaultCatalog.retiredTag) {
        self.catalog = catalog
        self.retired = retired
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
        let pinned = reference.digest
        let name = reference.withoutDigest.taggedName
        if let image = try catalog.image(tagged: name) {
            if image.reference != name {
                notes.append("\(name) → \(image.reference)" + (image.tagsAsOf.map { " (tags as of \($0))" } ?? ""))
            }
            return Resolution(image: image, requested: text, notes: notes, unconfirmedDigest: pinned)
        }
        var suiteless: String?
        for candidate in Self.lineTags(of: reference.withoutDigest) {
            // A line tag holds the requested version (`3.12-slim` for `3.12.7-slim`); a tag that
            // floats over lines (`3-slim`, the newest 3.x) does not hold `3.7-slim` or `3.15-slim`.
            if let image = try catalog.image(tagged: candidate), Self.holds(image.reference, version: reference.tag) {
                // The base under a runtime's line moves (python:3.12: bookworm, then trixie): a
                // patch release's tag is that line's image only when it names the suite.
                if image.runtime != nil, Self.versionDepth(candidate) < Self.versionDepth(name), !Self.namesSuite(reference.tag) {
                    suiteless = suiteless ?? candidate
                    continue
                }
                notes.append("\(name) → \(image.reference): judged as \(candidate); the catalog tracks release lines, not patch levels or build dates")
                return Resolution(image: image, requested: text, notes: notes, unconfirmedDigest: pinned)
            }
        }
        if let suiteless { throw ResolveError.patchWithoutSuite(text, line: suiteless) }
        if let retired = retired(name) { throw ResolveError.retired(text, retired) }
        throw ResolveError.unknown(text, similar: Self.similar(to: reference, among: try catalog.allNames()))
    }

    /// Up to 12 names of the same repository, the newest lines first, and those with the requested
    /// tag's variant (`-slim` of `3.15-slim`) before the others.
    static func similar(to reference: ImageReference, among names: [String]) -> [String] {
        func tag(_ name: String) -> Substring { name.split(separator: ":", maxSplits: 1).dropFirst().first ?? "" }
        func variant(_ tag: Substring) -> Substring { tag.drop { $0.isNumber || $0 == "." } }
        func version(_ tag: Substring) -> [Int] { tag.prefix { $0.isNumber || $0 == "." }.split(separator: ".").compactMap { Int($0) } }
        let wanted = variant(Substring(reference.tag ?? ""))
        let same = names.filter { $0.hasPrefix(reference.name + ":") }
        let ranked = same.sorted { a, b in
            let (ta, tb) = (tag(a), tag(b))
            let (va, vb) = (variant(ta) == wanted, variant(tb) == wanted)
            if va != vb { return va }
            let (na, nb) = (version(ta), version(tb))
            if na != nb { return na.lexicographicallyPrecedes(nb) == false }
            return a < b
        }
        return Array(ranked.prefix(12))
    }

    /// How many version parts a reference's tag starts with (`python:3.12.7-slim` → 3).
    static func versionDepth(_ reference: String) -> Int {
        guard let tag = reference.split(separator: "/").last?.split(separator: ":", maxSplits: 1).dropFirst().first else { return 0 }
        let lead = tag.prefix { $0.isNumber || $0 == "." }
        return lead.first?.isNumber == true ? lead.split(separator: ".").count : 0
    }

    /// True when a tag names the distribution release it is built on (`-bookworm`, `-trixie`,
    /// `-alpine3.20`, `-noble`), which a patch release's image keeps.
    static func namesSuite(_ tag: String?) -> Bool {
        guard let tag else { return false }
        let suites: Set<Substring> = ["buster", "bullseye", "bookworm", "trixie", "forky", "focal", "jammy", "noble", "plucky", "questing", "resolute"]
        return tag.split(separator: "-").contains { part in
            suites.contains(part) || (part.hasPrefix("alpine") && part.dropFirst("alpine".count).first?.isNumber == true)
        }
    }

    /// True when the row `rowReference` is of the release line `tag` names: the row's tag has no
    /// version (`debian:bookworm-slim`), or its version's parts begin the tag's (`3.12` of
    /// `3.12.7-slim`, `22` of `22.11.0-alpine`). `alpine:3.24` is not alpine 3.17's line, nor
    /// `python:3.14-slim-trixie` python 3.15's.
    static func holds(_ rowReference: String, version tag: String?) -> Bool {
        func version(_ tag: Substring) -> [Substring]? {
            let lead = tag.prefix { $0.isNumber || $0 == "." }
            guard let first = lead.first, first.isNumber else { return nil }
            return lead.split(separator: ".")
        }
        guard let rowTag = rowReference.split(separator: "/").last?.split(separator: ":", maxSplits: 1).dropFirst().first,
              let row = version(rowTag) else { return true }
        guard let tag, let requested = version(Substring(tag)) else { return false }
        return requested.count >= row.count && Array(requested.prefix(row.count)) == row
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
