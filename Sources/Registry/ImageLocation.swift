import Domain

/// Where an image is read from, spelled as skopeo spells transports:
/// `docker://REF` (a registry), `oci:DIR[:TAG]` (an OCI image layout), `docker-archive:FILE[:REF]`
/// (`docker save` output). For `oci:` and `docker-archive:` the part after the first colon
/// following the transport is the tag or reference inside.
public enum ImageLocation: Sendable, Hashable, CustomStringConvertible {
    case registry(ImageReference)
    case ociLayout(path: String, tag: String?)
    case dockerArchive(path: String, reference: String?)

    public init(parsing text: String) throws(RegistryError) {
        if text.hasPrefix("docker://") {
            let rest = String(text.dropFirst("docker://".count))
            do {
                self = .registry(try ImageReference(parsing: rest))
            } catch {
                throw RegistryError(.badReference, reference: text, detail: error.description)
            }
            return
        }
        for (prefix, make) in [
            ("oci:", { (path: String, inner: String?) in ImageLocation.ociLayout(path: path, tag: inner) }),
            ("docker-archive:", { (path: String, inner: String?) in ImageLocation.dockerArchive(path: path, reference: inner) }),
        ] where text.hasPrefix(prefix) {
            let rest = String(text.dropFirst(prefix.count))
            let (path, inner) = Self.split(rest)
            guard !path.isEmpty else {
                throw RegistryError(.badReference, reference: text, detail: "no path after \(prefix)")
            }
            self = make(path, inner)
            return
        }
        throw RegistryError(.badReference, reference: text,
                            detail: "name a transport: docker://REGISTRY/REPO:TAG, oci:DIR[:TAG] or docker-archive:FILE")
    }

    private static func split(_ text: String) -> (String, String?) {
        guard let colon = text.firstIndex(of: ":") else { return (text, nil) }
        let inner = String(text[text.index(after: colon)...])
        return (String(text[..<colon]), inner.isEmpty ? nil : inner)
    }

    public var description: String {
        switch self {
        case .registry(let reference): return "docker://\(reference.registry.map { "\($0)/" } ?? "docker.io/")\(reference.registry == nil && !reference.repository.contains("/") ? "library/" : "")\(reference.repository)\(reference.tag.map { ":\($0)" } ?? "")\(reference.digest.map { "@\($0)" } ?? "")"
        case .ociLayout(let path, let tag): return "oci:\(path)\(tag.map { ":\($0)" } ?? "")"
        case .dockerArchive(let path, let reference): return "docker-archive:\(path)\(reference.map { ":\($0)" } ?? "")"
        }
    }
}
