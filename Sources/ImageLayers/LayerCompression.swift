/// How a layer blob is compressed: as its media type says, or as its bytes are.
public enum LayerCompression: Sendable, Hashable, CustomStringConvertible {
    case none, gzip, zstd
    /// Anything else libarchive reads (xz, bzip2, …), by its name.
    case other(String)

    /// What an OCI or Docker layer media type promises: `…tar` plain, `…tar+gzip` and Docker's
    /// `…tar.gzip` gzip, `…tar+zstd` zstd. nil for a media type that names none of them.
    public init?(mediaType: String) {
        if mediaType.hasSuffix("+gzip") || mediaType.hasSuffix(".tar.gzip") {
            self = .gzip
        } else if mediaType.hasSuffix("+zstd") || mediaType.hasSuffix(".tar.zstd") {
            self = .zstd
        } else if mediaType.hasSuffix(".tar") {
            self = .none
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .none: return "not compressed"
        case .gzip: return "gzip"
        case .zstd: return "zstd"
        case .other(let name): return name
        }
    }
}
