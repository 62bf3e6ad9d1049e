import Domain
import ELFInspection
import Foundation
import ImageCatalog
import Registry

/// `catalog refresh` for one Data/ row: the row's reference is resolved in its registry
/// (through mirrors), and every platform the row lists that the registry offers is pulled into
/// the blob cache and measured. The result is what the Data/ writer needs: the index digest,
/// sizes, layers, the measured root per platform, the new provenance.
public enum RegistryRowMeasurement {
    /// Why a row could not be measured (the registry's own errors pass through as they are).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// `only`: Docker platform names to limit to (empty: every platform the row lists).
    /// `note` hears what was skipped (verbose), `warn` the pull's progress lines.
    public static func measure(
        _ row: CatalogDataImage, options: RegistryOptions, cache: BlobCache, today: String, only: [String],
        note: (String) -> Void = { _ in }, warn: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> CatalogRowRefresh {
        let reference: ImageReference
        do {
            reference = try ImageReference(parsing: row.reference)
        } catch {
            throw Failure(description: "not a reference a registry serves (\(error))")
        }
        let named = String(ImageLocation.registry(reference).description.dropFirst("docker://".count))
        let repository = String(ImageLocation.registry(ImageReference(registry: reference.registry, repository: reference.repository, tag: nil))
            .description.dropFirst("docker://".count))
        if let mirror = options.mirrors.target(for: reference) {
            note("\(named) via mirror \(mirror)")
        }
        let top = try ImagePull.top(reference, options: options)
        let listed = row.architectures.filter { only.isEmpty || only.contains($0) }
        var chosen: [String]
        if top.isIndex {
            chosen = listed.filter { architecture in PlatformChoice("linux/" + architecture).map(top.offers) ?? false }
            for architecture in listed where !chosen.contains(architecture) {
                note("\(named) offers no linux/\(architecture); its recorded figures stay")
            }
        } else {
            chosen = Array(listed.prefix(1))
        }
        guard !chosen.isEmpty else {
            throw Failure(description: "\(named) (\(top.digest)) offers none of the platforms \(listed.map { "linux/" + $0 }.joined(separator: ", "))"
                          + (top.isIndex ? "; it has \(top.platforms.joined(separator: ", "))" : ""))
        }
        var platforms: [CatalogRowRefresh.Platform] = []
        for architecture in chosen {
            guard let choice = PlatformChoice("linux/" + architecture) else {
                throw Failure(description: "linux/\(architecture) is not a platform")
            }
            let manifest = try ImagePull.pull(reference.withDigest(top.digest), platform: choice, cache: cache, options: options, progress: warn)
            cache.prune(maxBytes: BlobCache.sizeCap(), keep: ImagePull.blobs(of: manifest))
            let layout = try ImagePull.layout(for: manifest, cache: cache)
            defer { try? FileManager.default.removeItem(atPath: layout) }
            let (result, config) = try ImageImport.measureRoot(from: .ociLayout(path: layout, reference: nil, platform: nil))
            let configured = config.architecture.flatMap { Architecture([$0, config.variant].compactMap { $0 }.joined(separator: "/")) ?? Architecture($0) }
            let measured = configured?.platformName ?? result.architecture ?? architecture
            if measured != architecture || (result.architecture.map { $0 != architecture } ?? false) {
                throw Failure(description: "\(manifest.digest) is linux/\(measured) (its config says \(config.platform ?? "nothing"), its files \(result.architecture ?? "nothing")), not linux/\(architecture)")
            }
            let measuredName = CatalogRowRefresh.measuredName(reference: row.reference, architecture: architecture)
            let source = "measured from \(manifest.digest) on \(today) by basefit catalog refresh of \(named) (linux/\(architecture) of \(top.digest))"
            let size = CatalogDataImage.Size(
                architecture: architecture, compressedBytes: manifest.compressedBytes, uncompressedBytes: result.totalBytes, estimate: false,
                source: "measured from \(repository)@\(manifest.digest) on \(today) (basefit catalog refresh): compressed = sum of the "
                    + "manifest's \(manifest.layers.count) layer sizes; uncompressed = bytes of the regular files in the root after applying the layers",
                date: today)
            platforms.append(CatalogRowRefresh.Platform(
                architecture: architecture, size: size, measuredName: measuredName,
                measured: RootfsImport.measuredData(result, reference: row.reference, source: source, architecture: architecture),
                diffIDs: config.diffIDs))
        }
        let provenance = "measured from \(top.digest) on \(today) by basefit catalog refresh of \(named): digest, sizes, layers, libc and "
            + "libraries per platform (measured/\(platforms.map(\.measuredName).joined(separator: ", measured/")))"
        return CatalogRowRefresh(reference: row.reference, digest: top.digest, platforms: platforms, provenance: provenance)
    }
}
