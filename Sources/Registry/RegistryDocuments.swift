// The registry documents basefit reads: image indexes / manifest lists and image manifests.

enum RegistryMediaType {
    static let ociIndex = "application/vnd.oci.image.index.v1+json"
    static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    static let dockerList = "application/vnd.docker.distribution.manifest.list.v2+json"
    static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    static let accepted = [ociIndex, dockerList, ociManifest, dockerManifest]

    static func isIndex(_ type: String?) -> Bool { type == ociIndex || type == dockerList }
}

/// A content descriptor.
public struct Descriptor: Codable, Sendable, Hashable {
    public var mediaType: String?
    public var digest: String
    public var size: Int64
    public var annotations: [String: String]?
    public var platform: Platform?

    public struct Platform: Codable, Sendable, Hashable {
        public var architecture: String?
        public var os: String?
        public var variant: String?

        public var text: String { [os ?? "?", architecture ?? "?", variant].compactMap { $0 }.joined(separator: "/") }
    }
}

struct IndexDocument: Decodable {
    var mediaType: String?
    var artifactType: String?
    var manifests: [Descriptor]?
    var layers: [Descriptor]?
    var config: Descriptor?
    var annotations: [String: String]?
}

/// An image manifest as pulled: its digest and bytes, config, layers and annotations.
public struct ImageManifest: Sendable {
    /// `sha256:…` of the manifest bytes: the image's identity.
    public var digest: String
    public var mediaType: String
    public var bytes: [UInt8]
    public var config: Descriptor
    public var layers: [Descriptor]
    public var annotations: [String: String]
    /// The platform chosen from an index, when there was one.
    public var platform: String?
    /// The index's digest, when the reference named one.
    public var indexDigest: String?
    /// An OCI artifact's `artifactType` (a basefit catalog's is `CatalogArtifact.artifactType`).
    public var artifactType: String? = nil

    /// Sum of the layer blobs' sizes: what a pull downloads.
    public var compressedBytes: Int64 { layers.reduce(0) { $0 + $1.size } }
}

/// A wanted platform, `os/arch[/variant]`.
public struct PlatformChoice: Sendable, Hashable, CustomStringConvertible {
    public var os: String
    public var architecture: String
    public var variant: String?

    public init?(_ text: String) {
        let parts = text.split(separator: "/").map(String.init)
        guard (1...3).contains(parts.count) else { return nil }
        if parts.count == 1 || (parts[0] != "linux" && parts[0] != "windows") {
            os = "linux"
            architecture = parts[0]
            variant = parts.count > 1 ? parts[1] : nil
        } else {
            os = parts[0]
            architecture = parts[1]
            variant = parts.count > 2 ? parts[2] : nil
        }
    }

    func matches(_ platform: Descriptor.Platform) -> Bool {
        guard platform.os == os, platform.architecture == architecture else { return false }
        guard let variant else { return true }
        // arm64 images often omit v8.
        return platform.variant == variant || (architecture == "arm64" && variant == "v8" && platform.variant == nil)
    }

    public var description: String { [os, architecture, variant].compactMap { $0 }.joined(separator: "/") }
}
