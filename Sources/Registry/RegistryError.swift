/// Why an image could not be read from a registry, an OCI layout or the blob cache.
/// `reference` is what the user named (`docker://host/repo:tag`, a path); `detail` says what
/// went wrong there and, where there is one, what to do.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// `--image` is not `docker://REF`, `oci:DIR[:TAG]` or `docker-archive:FILE[:REF]`.
        case badReference
        /// 401/403 even after authenticating (or no credentials where the registry wants them).
        case unauthorized
        /// 404: no such repository, tag or blob.
        case notFound
        /// 429 (or 503 with Retry-After): `retryAfter` as the registry sent it.
        case rateLimited(retryAfter: String?)
        /// The registry or token server cannot be reached, timed out, or TLS failed.
        case unreachable
        /// The index lists no manifest for the platform asked for.
        case platformMissing
        /// A manifest, index or config that does not parse, or a media type not handled.
        case malformed
        /// The reference names something other than what was asked for: a container image
        /// (or index) given where a basefit catalog artifact is wanted.
        case wrongArtifact
        /// `AppLayers`: which files are the app's cannot be told: the image's base is not known
        /// (no base annotation, not a reference, its layers are not the image's first), or an
        /// app layer cannot be read.
        case appLayersUnknown
        /// A manifest or blob whose sha256 (or size) is not the one its reference names.
        case digestMismatch
        /// The cache directory cannot be created or written (disk full, permissions).
        case cache
        /// Something else the registry answered (5xx, too large, truncated).
        case other
    }

    public var kind: Kind
    public var reference: String
    public var detail: String

    public init(_ kind: Kind, reference: String, detail: String) {
        self.kind = kind
        self.reference = reference
        self.detail = detail
    }

    public var description: String { "\(reference): \(detail)" }
}
