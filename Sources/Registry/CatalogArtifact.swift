import Domain
import Foundation

/// A basefit catalog (the SQLite database) as an OCI artifact in a registry, so that CI jobs
/// share one measured catalog through the registry they already run (`basefit catalog push
/// docker://REF`, `--catalog docker://REF`).
///
/// The manifest is an OCI image manifest (image-spec 1.1 artifact guidance):
/// - `artifactType` `application/vnd.basefit.catalog.v1`;
/// - `config`: the spec's empty descriptor (`application/vnd.oci.empty.v1+json`, the two
///   bytes `{}`), since the artifact has no configuration;
/// - one layer, the database file, `application/vnd.basefit.catalog.v1.sqlite`, titled
///   `catalog.sqlite`;
/// - annotations: `org.opencontainers.image.created` (RFC 3339), and under the media type's
///   vendor tree `vnd.basefit.version` (the basefit that pushed), `vnd.basefit.catalog.schema`
///   (the database's newest migration) and `vnd.basefit.catalog.images` (rows in it).
public enum CatalogArtifact {
    public static let artifactType = "application/vnd.basefit.catalog.v1"
    public static let layerMediaType = "application/vnd.basefit.catalog.v1.sqlite"
    public static let emptyMediaType = "application/vnd.oci.empty.v1+json"
    public static let manifestMediaType = "application/vnd.oci.image.manifest.v1+json"
    /// The empty descriptor's content, `{}`.
    static let emptyConfig = Data("{}".utf8)

    public enum AnnotationKey {
        public static let created = "org.opencontainers.image.created"
        public static let title = "org.opencontainers.image.title"
        public static let version = "vnd.basefit.version"
        public static let schema = "vnd.basefit.catalog.schema"
        public static let images = "vnd.basefit.catalog.images"
    }

    /// What a push did.
    public struct Pushed: Sendable {
        /// `docker://host/repo:tag`
        public var label: String
        /// The manifest's digest.
        public var digest: String
        /// The database layer's digest and size.
        public var layer: Descriptor
        /// False when the registry already held the database blob (nothing was uploaded).
        public var layerUploaded: Bool
    }

    /// A catalog resolved and in the blob cache.
    public struct Pulled: Sendable {
        public var label: String
        /// The manifest's digest.
        public var digest: String
        /// The database file in the cache (verified by its digest).
        public var path: String
        public var layer: Descriptor
        public var annotations: [String: String]
        /// False when the database was already in the cache (only the manifest was fetched).
        public var downloaded: Bool
    }

    private struct Manifest: Encodable {
        var schemaVersion = 2
        var mediaType = CatalogArtifact.manifestMediaType
        var artifactType = CatalogArtifact.artifactType
        var config: Descriptor
        var layers: [Descriptor]
        var annotations: [String: String]
    }

    /// The manifest bytes for a database blob (keys sorted, so equal inputs give one digest).
    public static func manifest(layer: Descriptor, annotations: [String: String]) -> Data {
        let config = Descriptor(mediaType: emptyMediaType, digest: Digest.sha256(emptyConfig), size: Int64(emptyConfig.count))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and integers cannot fail.
        return (try? encoder.encode(Manifest(config: config, layers: [layer], annotations: annotations))) ?? Data()
    }

    /// Pushes `database` (the SQLite file's bytes) as the catalog artifact to `reference`'s tag
    /// (`latest` when it names none). Blobs the repository holds are not sent again.
    public static func push(
        database: Data, to reference: ImageReference, annotations: [String: String], options: RegistryOptions
    ) throws(RegistryError) -> Pushed {
        let label = "docker://\(reference)"
        guard reference.digest == nil else {
            throw RegistryError(.badReference, reference: label, detail: "push to a tag (docker://HOST/REPO:TAG), not a digest: the digest is known only after the push")
        }
        let tag = reference.tag ?? "latest"
        var layer = Descriptor(mediaType: layerMediaType, digest: Digest.sha256(database), size: Int64(database.count))
        layer.annotations = [AnnotationKey.title: "catalog.sqlite"]
        let manifest = manifest(layer: layer, annotations: annotations)
        let (digest, uploaded) = try RegistryClient.session(reference, options: options, access: .push) { client in
            try await client.pushBlob(emptyConfig)
            let (_, uploaded) = try await client.pushBlob(database)
            return (try await client.pushManifest(manifest, mediaType: manifestMediaType, tag: tag), uploaded)
        }
        return Pushed(label: label, digest: digest, layer: layer, layerUploaded: uploaded)
    }

    /// Resolves `reference`, checks that it is a basefit catalog (an image or index given by
    /// mistake is `.wrongArtifact`), and downloads its database into `cache` unless it is
    /// there: a second pull of an unchanged catalog fetches the manifest only.
    public static func pull(_ reference: ImageReference, cache: BlobCache, options: RegistryOptions) throws(RegistryError) -> Pulled {
        let label = "docker://\(reference)"
        return try RegistryClient.session(reference, options: options) { client in
            let (_, digest, document) = try await client.fetchManifest(reference.digest ?? reference.tag ?? "latest")
            let layer = try check(document, label: label)
            let hex = String(layer.digest.dropFirst("sha256:".count))
            let cached = cache.contains(hex: hex, size: layer.size)
            try await client.fetchBlob(layer, into: cache)
            return Pulled(label: label, digest: digest, path: cache.path(hex: hex), layer: layer,
                          annotations: document.annotations ?? [:], downloaded: !cached)
        }
    }

    /// The database layer of a catalog manifest, or why the document is not one.
    static func check(_ document: IndexDocument, label: String) throws(RegistryError) -> Descriptor {
        let advice = "give --catalog a reference `basefit catalog push` wrote, or a database PATH"
        if RegistryMediaType.isIndex(document.mediaType) || (document.manifests != nil && document.layers == nil) {
            throw RegistryError(.wrongArtifact, reference: label,
                                detail: "not a basefit catalog: this is an image index (a container image for several platforms), not an artifact of type \(artifactType); \(advice)")
        }
        let type = document.artifactType ?? document.config?.mediaType
        guard type == artifactType else {
            let found = document.artifactType.map { "artifactType \($0)" } ?? "config media type \(document.config?.mediaType ?? "none") (a container image?)"
            throw RegistryError(.wrongArtifact, reference: label,
                                detail: "not a basefit catalog: the manifest has \(found), not artifactType \(artifactType); \(advice)")
        }
        let databases = (document.layers ?? []).filter { $0.mediaType == layerMediaType }
        guard databases.count == 1, let layer = databases.first else {
            throw RegistryError(.malformed, reference: label,
                                detail: "the catalog manifest has \(databases.count) layers of type \(layerMediaType), not one")
        }
        return layer
    }
}
