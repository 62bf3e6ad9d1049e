import Domain

/// What a reference names before a platform is chosen: an image index (or Docker manifest
/// list) with the platforms it offers, or one image manifest. Its digest is the one a
/// Dockerfile pins (`FROM name:tag@sha256:…` stays multi-platform when it is an index's).
public struct ManifestTop: Sendable {
    /// `sha256:…` of the document the registry serves for the reference.
    public var digest: String
    public var isIndex: Bool
    /// The index's image manifests with their platforms (attestations left out); empty for
    /// a single manifest.
    public var manifests: [Descriptor]

    /// True when the index has a manifest for `platform` (a single manifest: unknown, true).
    public func offers(_ platform: PlatformChoice) -> Bool {
        !isIndex || manifests.contains { $0.platform.map(platform.matches) ?? false }
    }

    /// The platforms offered, `linux/arm64/v8` …, for messages.
    public var platforms: [String] { manifests.compactMap(\.platform?.text) }
}

extension ImagePull {
    /// Reads the document the reference names (through a mirror when one is set) without
    /// choosing a platform or downloading blobs.
    public static func top(_ reference: ImageReference, options: RegistryOptions) throws(RegistryError) -> ManifestTop {
        try RegistryClient.session(reference, options: options) { client in
            let (_, digest, document) = try await client.fetchManifest(client.reference.digest ?? client.reference.tag ?? "latest")
            let isIndex = RegistryMediaType.isIndex(document.mediaType)
                || (document.mediaType == nil && document.manifests != nil && document.layers == nil)
            return ManifestTop(digest: digest, isIndex: isIndex,
                               manifests: isIndex ? (document.manifests ?? []).filter { $0.platform?.os != "unknown" } : [])
        }
    }
}
