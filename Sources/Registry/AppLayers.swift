import Domain
import Foundation

/// The application's part of an image: the layers above its base. The base is named by the
/// `org.opencontainers.image.base.name` / `.base.digest` annotations (buildah and BuildKit
/// write them); its layers must be a prefix of the image's, compared by blob digest, else by
/// uncompressed digest (`diff_ids`) for base layers that were recompressed. An image without
/// the annotations is matched by its diff_ids against the layers a catalog recorded.
public enum AppLayers {
    /// How many of the image's first layers are its base's (the app layers are the rest; which
    /// files they wrote, the unpack tells: `ImageConfig.layerFiles`). The base's manifest is
    /// resolved from its registry, configs read through `cache`. `note` hears one line on how
    /// the layers split. Throws `.appLayersUnknown` when the split cannot be told (every message
    /// names the image), and the registry's errors as they are.
    public static func baseLayerCount(
        of manifest: ImageManifest, reference: ImageReference, platform: PlatformChoice, cache: BlobCache,
        options: RegistryOptions, catalogBase: (_ diffIDs: [String]) -> (name: String, layers: Int)? = { _ in nil },
        note: (String) -> Void = { _ in }
    ) throws(RegistryError) -> Int {
        let label = "docker://\(reference)"
        guard let baseName = manifest.annotations["org.opencontainers.image.base.name"] else {
            let diffIDs = try ImagePull.diffIDs(of: manifest, reference: reference, cache: cache, options: options)
            guard diffIDs.count == manifest.layers.count, let found = catalogBase(diffIDs), found.layers <= manifest.layers.count else {
                throw RegistryError(.appLayersUnknown, reference: label,
                                    detail: "the image does not name its base (no org.opencontainers.image.base.name annotation) and its first layers are no catalog image's, so its app layers are not known")
            }
            note("app layers: \(manifest.layers.count - found.layers) above the \(found.layers) of \(found.name) (matched by layer digests in the catalog)")
            return found.layers
        }
        var base: ImageReference
        do {
            base = try ImageReference(parsing: baseName)
        } catch {
            throw RegistryError(.appLayersUnknown, reference: label, detail: "--app-only: the base annotation \(baseName) is not a reference: \(error)")
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
            throw RegistryError(.appLayersUnknown, reference: label,
                                detail: "--app-only: the base \(baseName)'s layers are not the first layers of the image (\(shared) of \(baseManifest.layers.count) match)")
        }
        note("app layers: \(manifest.layers.count - shared) above the \(shared) of \(baseName)")
        return shared
    }
}
