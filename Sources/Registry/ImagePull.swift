import Domain
import Foundation
import HTTPTransport

/// How to reach registries.
public struct RegistryOptions: Sendable {
    /// false: accept any certificate, and fall back to plain http (`--tls-verify=false`).
    public var tlsVerify: Bool
    /// `--creds USER:PASS`; nil: looked up in the auth files for the registry.
    public var credentials: RegistryCredentials?
    /// Seconds to connect and between reads.
    public var timeout: Int
    /// Layer downloads running at once.
    public var parallelDownloads: Int

    public init(tlsVerify: Bool = true, credentials: RegistryCredentials? = nil, timeout: Int = 30, parallelDownloads: Int = 3) {
        self.tlsVerify = tlsVerify
        self.credentials = credentials
        self.timeout = timeout
        self.parallelDownloads = parallelDownloads
    }
}

/// Pulls an image from a registry into the blob cache and lays it out as an OCI image layout
/// that `ImageLayers.unpackOCILayout` reads.
public enum ImagePull {
    /// Resolves the reference (through an index to `platform`) and downloads the config and
    /// every layer not already cached, `options.parallelDownloads` at a time; then keeps the
    /// cache under its size cap (never removing this image's blobs). Blocks until done.
    public static func pull(
        _ reference: ImageReference, platform: PlatformChoice, cache: BlobCache, options: RegistryOptions,
        progress: (@Sendable (String) -> Void)? = nil
    ) throws(RegistryError) -> ImageManifest {
        try RegistryClient.session(reference, options: options) { client in
            let manifest = try await client.manifest(platform: platform)
            try cache.store(Data(manifest.bytes), hex: String(manifest.digest.dropFirst("sha256:".count)))
            try await client.fetchBlob(manifest.config, into: cache)
            let missing = manifest.layers.filter { !cache.contains(hex: String($0.digest.dropFirst(7)), size: $0.size) }
            if !missing.isEmpty {
                progress?("pulling \(missing.count) of \(manifest.layers.count) layers (\(missing.reduce(0) { $0 + $1.size }) bytes) of \(manifest.digest)")
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                var running = 0
                for layer in manifest.layers {
                    if running >= max(1, options.parallelDownloads) {
                        try await group.next()
                        running -= 1
                    }
                    group.addTask { try await client.fetchBlob(layer, into: cache) }
                    running += 1
                }
                try await group.waitForAll()
            }
            return manifest
        }
    }

    /// Resolves the reference to its image manifest for `platform` without downloading blobs.
    public static func resolve(_ reference: ImageReference, platform: PlatformChoice, options: RegistryOptions) throws(RegistryError) -> ImageManifest {
        try RegistryClient.session(reference, options: options) { client in try await client.manifest(platform: platform) }
    }

    /// Downloads (unless cached) one image's config blob and returns its layers' uncompressed
    /// digests (`rootfs.diff_ids`), which do not change when a layer is recompressed.
    public static func diffIDs(
        of manifest: ImageManifest, reference: ImageReference, cache: BlobCache, options: RegistryOptions
    ) throws(RegistryError) -> [String] {
        try RegistryClient.session(reference, options: options) { client in try await client.fetchBlob(manifest.config, into: cache) }
        struct Config: Decodable {
            struct RootFS: Decodable { var diff_ids: [String]? }
            var rootfs: RootFS?
        }
        let path = cache.path(hex: String(manifest.config.digest.dropFirst("sha256:".count)))
        guard let data = FileManager.default.contents(atPath: path),
              let config = try? JSONDecoder().decode(Config.self, from: data) else {
            throw RegistryError(.malformed, reference: "docker://\(reference)", detail: "config \(manifest.config.digest) is not an image config")
        }
        return config.rootfs?.diff_ids ?? []
    }

    /// A temporary OCI image layout naming `manifest`, its blobs the cache's (a symbolic
    /// link). The caller removes the directory.
    public static func layout(for manifest: ImageManifest, cache: BlobCache) throws(RegistryError) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-pull-\(UUID().uuidString)").path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: URL(fileURLWithPath: directory + "/oci-layout"))
            let index = #"{"schemaVersion":2,"manifests":[{"mediaType":"\#(manifest.mediaType)","digest":"\#(manifest.digest)","size":\#(manifest.bytes.count)}]}"#
            try Data(index.utf8).write(to: URL(fileURLWithPath: directory + "/index.json"))
            try FileManager.default.createSymbolicLink(atPath: directory + "/blobs", withDestinationPath: cache.blobsDirectory)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw RegistryError(.cache, reference: directory, detail: "cannot lay out the pulled image: \(error.localizedDescription)")
        }
        return directory
    }

    /// Hexes of every blob the manifest uses (manifest, config, layers).
    public static func blobs(of manifest: ImageManifest) -> Set<String> {
        Set(([manifest.digest, manifest.config.digest] + manifest.layers.map(\.digest)).map { String($0.dropFirst("sha256:".count)) })
    }
}
