import Domain
import Foundation
import ImageLayers
import Registry

/// The application's part of an image: the layers above its base. The base is named by the
/// `org.opencontainers.image.base.name` / `.base.digest` annotations (buildah and BuildKit
/// write them); its layers must be a prefix of the image's.
enum AppLayers {
    static func files(
        of manifest: ImageManifest, reference: ImageReference, platform: PlatformChoice, cache: BlobCache,
        options: RegistryOptions, global: GlobalOptions
    ) throws -> Set<String> {
        guard let baseName = manifest.annotations["org.opencontainers.image.base.name"] else {
            throw CLIError.usage("docker://\(reference): the image does not name its base (no org.opencontainers.image.base.name annotation), so its app layers are not known")
        }
        var base: ImageReference
        do {
            base = try ImageReference(parsing: baseName)
        } catch {
            throw CLIError.usage("docker://\(reference): --app-only: the base annotation \(baseName) is not a reference: \(error)")
        }
        if let digest = manifest.annotations["org.opencontainers.image.base.digest"], ImageReference.isDigest(digest) { base.digest = digest }
        let baseManifest = try ImagePull.resolve(base, platform: platform, options: options)
        var shared = 0
        while shared < min(baseManifest.layers.count, manifest.layers.count), baseManifest.layers[shared].digest == manifest.layers[shared].digest {
            shared += 1
        }
        if shared < baseManifest.layers.count {
            // Recompressed base layers keep their uncompressed digests (diff_ids).
            let image = try ImagePull.diffIDs(of: manifest, reference: reference, cache: cache, options: options)
            let baseIDs = try ImagePull.diffIDs(of: baseManifest, reference: base, cache: cache, options: options)
            if baseIDs.count == baseManifest.layers.count, image.count == manifest.layers.count,
               Array(image.prefix(baseIDs.count)) == baseIDs {
                shared = baseIDs.count
            }
        }
        guard shared == baseManifest.layers.count else {
            throw CLIError.usage("docker://\(reference): --app-only: the base \(baseName)'s layers are not the first layers of the image (\(shared) of \(baseManifest.layers.count) match)")
        }
        Output.verbose("app layers: \(manifest.layers.count - shared) above the \(shared) of \(baseName)", options: global)
        var files = Set<String>()
        for layer in manifest.layers[shared...] {
            let path = cache.path(hex: String(layer.digest.dropFirst("sha256:".count)))
            do {
                files.formUnion(try ImageLayers.addedFiles(inLayer: path))
            } catch {
                throw CLIError.usage("\(path): \(error.description)")
            }
        }
        return files
    }
}
