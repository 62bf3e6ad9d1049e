// Turns a container image on disk into a root filesystem directory.
//
// Safety policy (see RootfsWriter):
// - errors (`ImageLayersError`, unpack stops, destination emptied again):
//   absolute entry paths, `..` in a path or hard-link target, writing through a symbolic link
//   that is absolute or climbs above the destination, hard links to such paths or to missing
//   files or directories, digest/size mismatches, limits passed, malformed archives or JSON.
//   Names and link targets that are not valid UTF-8 are errors too (`.unsupported`): skipping
//   them would leave a lower layer's file in place or hide a program from the gate.
// - skipped and listed in `ImageConfig.skippedEntries`, unpack goes on:
//   character/block devices, FIFOs, sockets, unknown entry types (each still replaces what
//   lower layers had at its path, and an empty file stands in for it: the loader cannot load a
//   library from any of them), empty symlink targets, a hard link to itself, AUFS `.wh..wh.*`
//   bookkeeping entries.
// - silently adjusted: setuid/setgid bits are dropped; owners are set only when running as root
//   (otherwise the owner also gets read/write, and search on directories); xattrs are ignored.

import Foundation

public enum ImageLayers {
    /// Unpacks an OCI image layout: `index.json` → manifest (picked by `reference`, the
    /// `org.opencontainers.image.ref.name` annotation — or `io.containerd.image.name` — or the
    /// only one; through an image index by `platform` like "linux/amd64" or "linux/arm64/v8") →
    /// config → layers, applied in order into `destination`, which must exist and be empty.
    /// Every blob is checked against its descriptor's size and sha256 before anything is written.
    /// On error the destination is left empty.
    public static func unpackOCILayout(
        at layout: String, reference: String?, platform: String?, into destination: String,
        limits: UnpackLimits = .default
    ) throws(ImageLayersError) -> ImageConfig {
        let writer = try RootfsWriter(destination: destination, limits: limits)
        let layoutURL = URL(fileURLWithPath: layout)
        let markerPath = layoutURL.appendingPathComponent("oci-layout").path
        let marker = try JSONDocument.decode(
            OCILayoutMarker.self, from: BlobFiles.readDocument(markerPath, what: "oci-layout file"),
            path: markerPath, what: "oci-layout file")
        guard marker.imageLayoutVersion.hasPrefix("1.") else {
            throw ImageLayersError(.unsupported, path: markerPath, detail: "image layout version \(marker.imageLayoutVersion)")
        }
        let indexPath = layoutURL.appendingPathComponent("index.json").path
        let index = try JSONDocument.decode(
            OCIIndex.self, from: BlobFiles.readDocument(indexPath, what: "index.json"), path: indexPath, what: "image index")
        let blobs = OCIBlobs(layout: layoutURL)
        let requested = try platform.map { text throws(ImageLayersError) in try PlatformFilter(text) }
        let chosen = try selectManifest(
            index.manifests, reference: reference, platform: requested, blobs: blobs, source: indexPath, depth: 0)

        let (manifestPath, manifestData) = try blobs.document(chosen, what: "manifest")
        let manifest = try JSONDocument.decode(OCIManifest.self, from: manifestData, path: manifestPath, what: "image manifest")
        if let mediaType = manifest.mediaType ?? chosen.mediaType,
           mediaType != MediaType.ociManifest && mediaType != MediaType.dockerManifest {
            throw ImageLayersError(.unsupported, path: manifestPath, detail: "manifest media type \(mediaType)")
        }
        let (configPath, configData) = try blobs.document(manifest.config, what: "image config")
        let raw = try JSONDocument.decode(RawImageConfig.self, from: configData, path: configPath, what: "image config")
        if let diffIDs = raw.rootfs?.diff_ids, !diffIDs.isEmpty, diffIDs.count != manifest.layers.count {
            throw ImageLayersError(
                .malformed, path: configPath,
                detail: "config lists \(diffIDs.count) diff_ids for \(manifest.layers.count) layers")
        }

        var layers: [(path: String, label: String)] = []
        var compressed: UInt64 = 0
        for (index, descriptor) in manifest.layers.enumerated() {
            try checkLayerMediaType(descriptor.mediaType, path: manifestPath)
            let digest = try Digest(descriptor.digest, path: manifestPath)
            let path = blobs.path(digest)
            try BlobFiles.verify(path, against: descriptor, digest: digest)
            let label = "blobs/sha256/\(digest.hex)"
            // What a runtime checks before it applies a layer (umoci: "diffid mismatch"; a
            // compression other than the media type's does not decompress there): libarchive
            // would read any compression, and --app-only trusts the diff_ids.
            let (uncompressed, compression) = try BlobFiles.uncompressedLayer(path)
            if let mediaType = descriptor.mediaType {
                guard let promised = LayerCompression(mediaType: mediaType) else {
                    throw ImageLayersError(.unsupported, path: label, detail: "layer media type \(mediaType) names no compression basefit knows")
                }
                guard promised == compression else {
                    throw ImageLayersError(
                        .malformed, path: label,
                        detail: "the layer is \(compression) but its media type \(mediaType) says \(promised); a runtime would not unpack it")
                }
            }
            if let diffIDs = raw.rootfs?.diff_ids, !diffIDs.isEmpty {
                let diffID = try Digest(diffIDs[index], path: configPath)
                guard uncompressed == diffID.hex else {
                    throw ImageLayersError(
                        .digestMismatch, path: label,
                        detail: "layer's uncompressed sha256 is \(uncompressed), the config's diff_id says \(diffID.hex) (diffid mismatch)")
                }
            }
            compressed += UInt64(clamping: descriptor.size)
            layers.append((path, label))
        }
        return try apply(layers, config: raw, compressedBytes: compressed, writer: writer)
    }

    /// Unpacks `docker save` output (optionally compressed as a whole): `manifest.json` →
    /// `Config` + `Layers`, the entry picked by `reference` among its `RepoTags` ("docker.io/"
    /// and "library/" prefixes and a missing ":latest" do not matter) or the only one. Layers may
    /// be plain tar, gzip or zstd; symbolic and hard links between members are followed.
    /// Checks: a config or layer named by its digest (`<hex>.json`, `blobs/sha256/<hex>`) must
    /// match it, and every layer's uncompressed sha256 must match the config's `rootfs.diff_ids`.
    /// Members are copied to a scratch directory under `TMPDIR` first. On error the destination
    /// is left empty.
    public static func unpackDockerArchive(
        at archive: String, reference: String?, into destination: String,
        limits: UnpackLimits = .default
    ) throws(ImageLayersError) -> ImageConfig {
        let writer = try RootfsWriter(destination: destination, limits: limits)
        let scratch = try BlobFiles.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let image = try DockerArchive.extract(archive, reference: reference, scratch: scratch, limits: limits)
        return try apply(image.layers, config: image.config, compressedBytes: image.compressedBytes, writer: writer)
    }

    // MARK: - Shared

    static func apply(
        _ layers: [(path: String, label: String)], config raw: RawImageConfig, compressedBytes: UInt64,
        writer: RootfsWriter
    ) throws(ImageLayersError) -> ImageConfig {
        do throws(ImageLayersError) {
            for (index, layer) in layers.enumerated() {
                try writer.apply(layerAt: layer.path, label: layer.label, index: index)
            }
            try writer.finish()
        } catch {
            writer.clear()
            throw error
        }
        var config = ImageConfig(raw: raw)
        config.compressedBytes = compressedBytes
        config.uncompressedBytes = writer.bytesWritten
        config.layerCount = layers.count
        config.skippedEntries = writer.skipped
        config.layerFiles = writer.layerFiles
        config.setIDFiles = writer.setIDFiles
        config.standIns = writer.standIns
        return config
    }

    static func checkLayerMediaType(_ mediaType: String?, path: String) throws(ImageLayersError) {
        guard let mediaType else { return }
        if mediaType.contains("encrypted") {
            throw ImageLayersError(.unsupported, path: path, detail: "encrypted layer (\(mediaType))")
        }
        guard mediaType.contains(".layer.") || mediaType.contains("rootfs.diff") else {
            throw ImageLayersError(.unsupported, path: path, detail: "layer media type \(mediaType)")
        }
    }

    // MARK: - OCI manifest selection

    struct PlatformFilter {
        var os: String
        var architecture: String
        var variant: String?
        let text: String

        init(_ text: String) throws(ImageLayersError) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard (2...3).contains(parts.count), !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ImageLayersError(.selection, path: text, detail: "platform must look like linux/amd64 or linux/arm64/v8")
            }
            os = parts[0]
            architecture = parts[1]
            variant = parts.count == 3 && !parts[2].isEmpty ? parts[2] : nil
            self.text = text
        }

        func matches(_ platform: OCIPlatform) -> Bool {
            guard platform.os == os, platform.architecture == architecture else { return false }
            guard let variant else { return true }
            return platform.variant == variant
        }
    }

    static func selectManifest(
        _ descriptors: [OCIDescriptor], reference: String?, platform: PlatformFilter?, blobs: OCIBlobs,
        source: String, depth: Int
    ) throws(ImageLayersError) -> OCIDescriptor {
        guard depth < 4 else {
            throw ImageLayersError(.malformed, path: source, detail: "image indexes nested too deeply")
        }
        var candidates = descriptors
        if let reference {
            candidates = descriptors.filter { $0.referenceName == reference || $0.containerdName == reference }
            guard !candidates.isEmpty else {
                let names = Set(descriptors.compactMap(\.referenceName)).sorted()
                throw ImageLayersError(
                    .selection, path: source,
                    detail: "no manifest is named \(reference); names: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
            }
        }
        // Attestation manifests carry platform unknown/unknown.
        candidates = candidates.filter { $0.platform?.os != "unknown" }
        if let platform, candidates.contains(where: { $0.platform != nil }) {
            let matching = candidates.filter { $0.platform.map(platform.matches) ?? false }
            guard !matching.isEmpty else {
                throw ImageLayersError(
                    .selection, path: source,
                    detail: "no manifest for platform \(platform.text); platforms: \(candidates.compactMap(\.platform?.text).joined(separator: ", "))")
            }
            candidates = matching
        }
        guard candidates.count == 1, let chosen = candidates.first else {
            let names = candidates.map { $0.referenceName ?? $0.platform?.text ?? $0.digest }
            throw ImageLayersError(
                .selection, path: source,
                detail: candidates.isEmpty
                    ? "the index lists no image manifest"
                    : "\(candidates.count) manifests match (\(names.joined(separator: ", "))); choose with a reference or a platform")
        }
        var isIndex = chosen.mediaType == MediaType.ociIndex || chosen.mediaType == MediaType.dockerManifestList
        var nested: (path: String, data: Data)?
        if chosen.mediaType == nil {
            let document = try blobs.document(chosen, what: "manifest")
            let probe = try JSONDocument.decode(ManifestProbe.self, from: document.data, path: document.path, what: "manifest")
            isIndex = probe.manifests != nil && probe.layers == nil
            nested = document
        }
        guard isIndex else { return chosen }
        let document: (path: String, data: Data)
        if let nested { document = nested } else { document = try blobs.document(chosen, what: "image index") }
        let index = try JSONDocument.decode(OCIIndex.self, from: document.data, path: document.path, what: "image index")
        return try selectManifest(
            index.manifests, reference: nil, platform: platform, blobs: blobs, source: document.path, depth: depth + 1)
    }
}

/// Blobs of one OCI layout: `blobs/sha256/<hex>`.
struct OCIBlobs {
    let layout: URL

    func path(_ digest: Digest) -> String {
        layout.appendingPathComponent("blobs").appendingPathComponent("sha256").appendingPathComponent(digest.hex).path
    }

    /// Reads and verifies a small blob (manifest, index, config).
    func document(_ descriptor: OCIDescriptor, what: String) throws(ImageLayersError) -> (path: String, data: Data) {
        let digest = try Digest(descriptor.digest, path: layout.path)
        let path = path(digest)
        let data = try BlobFiles.readDocument(path, what: what)
        try BlobFiles.verify(data, path: path, against: descriptor, digest: digest)
        return (path, data)
    }
}
