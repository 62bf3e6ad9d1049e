import Domain
import ELFInspection
import Foundation
import ImageCatalog
import ImageMeasurement
import ImageLayers
import ProjectScan
import Registry

/// A real image, measured: `--image docker://…`, `oci:…` or `docker-archive:…`. Registry
/// images are pulled into the blob cache and their measurement (and, for the image's own
/// files, their scan) kept by manifest digest, so a second check of the same digest neither
/// downloads nor unpacks anything.
struct MeasuredImage {
    /// The measured image; its reference names the digest when there is one.
    var image: Image
    /// `docker://host/repo:tag@sha256:…`, `oci:DIR`, …
    var label: String
    /// The manifest digest (registry images).
    var digest: String?
    /// What the image's own ELF files need (when asked for), paths absolute in the image.
    var contents: Requirements?
    /// What each of the image's libraries needs (when asked for), by `ProvidedLibrary.path`.
    var libraryNeeds: [String: FileNeeds]?
    /// True when measurement and scan came from the cache.
    var cached = false
    /// Per layer, the files it wrote, where the unpack put them (`ImageConfig.layerFiles`).
    var layerFiles: [Set<String>]?
}

/// `measured/<hex>.nodeapi-v1.json`: the Node-API functions the image's Nodes export (`exports`
/// null where they could not be read): its runtime's (null without a Node) and every other Node's.
struct NodeAPIDocument: Codable {
    struct Node: Codable {
        var path: String?
        var version: String
        var moduleVersion: Int?
        var exports: [String]?
    }

    var runtime: Node?
    var others: [Node]

    init(_ image: Image) {
        func node(_ runtime: Image.Runtime) -> Node {
            Node(path: runtime.path, version: runtime.version, moduleVersion: runtime.moduleVersion, exports: runtime.nodeAPIExports?.sorted())
        }
        runtime = image.runtime.flatMap { $0.kind == .node ? node($0) : nil }
        others = image.otherNodes.map(node)
    }

    /// Puts the exports back on an image read from the cache.
    func restore(into image: inout Image) {
        if image.runtime?.kind == .node { image.runtime?.nodeAPIExports = runtime?.exports.map(Set.init) }
        image.otherNodes = others.map {
            Image.Runtime(kind: .node, version: $0.version, path: $0.path, moduleVersion: $0.moduleVersion, nodeAPIExports: $0.exports.map(Set.init))
        }
    }
}

enum ImageInput {
    /// Measures `text` (a transport reference). `platform` picks from an index
    /// (`linux/amd64`); `scanContents` also scans the image's own files as a project, and
    /// `readLibraries` its libraries (what a project loading them holds the image to).
    static func measure(
        _ text: String, platform: String, options: ImageOptions, scanContents: Bool, readLibraries: Bool = false,
        appOnly: Bool = false, appIfKnown: Bool = false, global: GlobalOptions
    ) throws -> MeasuredImage {
        let location = try ImageLocation(parsing: text)
        guard let choice = PlatformChoice(platform) else {
            throw CLIError.usage("\(platform): not a platform (linux/amd64, linux/arm64/v8 …)")
        }
        switch location {
        case .registry(let reference):
            let cache = BlobCache(directory: DefaultCatalog.cacheDirectory)
            let registryOptions = try options.registryOptions()
            if let mirror = registryOptions.mirrors.target(for: reference) { Output.verbose("image: \(location) via mirror \(mirror)", options: global) }
            // The manifest first (a few hundred bytes): a digest measured before needs no blob.
            let resolved = try ImagePull.resolve(reference, platform: choice, options: registryOptions)
            let hex = String(resolved.digest.dropFirst("sha256:".count))
            let name = "\(reference.withoutDigest.description)@\(resolved.digest)"
            let label = "\(location.description.split(separator: "@").first ?? "")@\(resolved.digest)"
            func onlyApp(_ measured: MeasuredImage, _ manifest: ImageManifest) throws -> MeasuredImage {
                guard appOnly || appIfKnown, let contents = measured.contents else { return measured }
                var result = measured
                let split = Result { () throws(RegistryError) in
                    try AppLayers.baseLayerCount(
                        of: manifest, reference: reference, platform: choice, cache: cache, options: registryOptions,
                        catalogBase: { diffIDs in
                            // A catalog that cannot be read finds no base: --app-only then stops (exit 2).
                            guard let architecture = measured.image.architectures.first,
                                  let found = try? CatalogAccess.open(global, registry: options.registry).base(ofLayers: diffIDs, architecture: architecture) else { return nil }
                            return (found.image.reference, found.layers)
                        }, note: { line in Output.verbose(line, options: global) })
                }
                switch split {
                case .success(let baseLayers):
                    guard let layerFiles = measured.layerFiles, layerFiles.count == manifest.layers.count, baseLayers <= layerFiles.count else {
                        throw CLIError.usage("--app-only: \(label): which files each layer wrote is not known")
                    }
                    result.contents = ImageContents.restrict(contents, to: layerFiles[baseLayers...].reduce(into: Set()) { $0.formUnion($1) })
                case .failure(let error) where error.kind == .appLayersUnknown && appIfKnown && !appOnly:
                    if !global.quiet { Output.warning("\(error.description); every file of the image is taken as the app's") }
                case .failure(let error) where error.kind == .appLayersUnknown:
                    throw CLIError.usage("--app-only: \(error.description)")
                case .failure(let error):
                    throw error
                }
                return result
            }
            let measurements = MeasuredImageCache(cacheDirectory: cache.directory)
            var documents: Set<MeasuredImageCache.Document> = [.uncached, .refused, .preloads, .setID, .nodeAPI]
            if appOnly || appIfKnown { documents.insert(.layerFiles) }
            if scanContents { documents.insert(.contents) }
            if readLibraries { documents.insert(.libraries) }
            let hit = measurements.read(hex: hex, name: name, documents: documents)
            let cachedContents = hit?.documents[.contents].flatMap { try? Requirements.read(json: $0) }
            let cachedLibraries = hit?.documents[.libraries].flatMap { try? JSONDecoder().decode([String: FileNeeds].self, from: $0) }
            let cachedUncached = hit?.documents[.uncached].flatMap { try? JSONDecoder().decode([String: String].self, from: $0) }
            let cachedNodeAPI = hit?.documents[.nodeAPI].flatMap { try? JSONDecoder().decode(NodeAPIDocument.self, from: $0) }
            let cachedRefused = hit?.documents[.refused].flatMap { try? JSONDecoder().decode([String: RefusedLibrary].self, from: $0) }
            let cachedPreloads = hit?.documents[.preloads].flatMap { try? JSONDecoder().decode([String].self, from: $0) }
            let cachedSetID = hit?.documents[.setID].flatMap { try? JSONDecoder().decode(SetIDPrograms.self, from: $0) }
            let cachedLayerFiles = hit?.documents[.layerFiles].flatMap { try? JSONDecoder().decode([[String]].self, from: $0) }
            if var hit, !scanContents || cachedContents != nil, !readLibraries || cachedLibraries != nil, let cachedUncached,
               let cachedRefused, let cachedPreloads, let cachedSetID, let cachedNodeAPI, !(appOnly || appIfKnown) || cachedLayerFiles != nil {
                hit.image.uncachedLibraries = cachedUncached
                hit.image.refusedLibraries = cachedRefused
                hit.image.preloads = cachedPreloads
                hit.image.setID = cachedSetID
                cachedNodeAPI.restore(into: &hit.image)
                Output.verbose("image: \(label) measured earlier (cache)", options: global)
                return try onlyApp(MeasuredImage(image: hit.image, label: label, digest: resolved.digest, contents: cachedContents,
                                                 libraryNeeds: cachedLibraries, cached: true, layerFiles: cachedLayerFiles?.map(Set.init)),
                                   resolved)
            }
            let manifest = try ImagePull.pull(reference.withDigest(resolved.digest), platform: choice, cache: cache, options: registryOptions) { line in
                if !global.quiet { Output.warning(line) }
            }
            cache.prune(maxBytes: BlobCache.sizeCap(), keep: ImagePull.blobs(of: manifest))
            let layout = try ImagePull.layout(for: manifest, cache: cache)
            defer { try? FileManager.default.removeItem(atPath: layout) }
            var measured = try unpackAndMeasure(
                source: .ociLayout(path: layout, reference: nil, platform: nil), name: name,
                description: "measured from \(manifest.digest) (\(label))", scanContents: scanContents, readLibraries: readLibraries,
                global: global)
            measured.label = label
            measured.digest = manifest.digest
            do {
                var written: [MeasuredImageCache.Document: Data] = [:]
                written[.contents] = try measured.contents.map { try JSONEncoder().encode($0) }
                written[.libraries] = try measured.libraryNeeds.map { try JSONEncoder().encode($0) }
                written[.uncached] = try JSONEncoder().encode(measured.image.uncachedLibraries)
                written[.refused] = try JSONEncoder().encode(measured.image.refusedLibraries)
                written[.preloads] = try JSONEncoder().encode(measured.image.preloads)
                written[.setID] = try JSONEncoder().encode(measured.image.setID)
                written[.layerFiles] = try measured.layerFiles.map { try JSONEncoder().encode($0.map { $0.sorted() }) }
                written[.nodeAPI] = try JSONEncoder().encode(NodeAPIDocument(measured.image))
                try measurements.write(hex: hex, image: measured.image, documents: written)
            } catch {
                if !global.quiet { Output.warning("could not keep the measurement in \(measurements.directory): \(error)") }
            }
            return try onlyApp(measured, manifest)
        case .ociLayout(let path, let tag):
            if appOnly { throw CLIError.usage("--app-only needs a docker:// image (its base is found through the registry)") }
            return try unpackAndMeasure(source: .ociLayout(path: path, reference: tag, platform: platform), name: location.description,
                                        description: "measured from \(location)", scanContents: scanContents, readLibraries: readLibraries,
                                        global: global)
        case .dockerArchive(let path, let reference):
            if appOnly { throw CLIError.usage("--app-only needs a docker:// image (its base is found through the registry)") }
            return try unpackAndMeasure(source: .dockerArchive(path: path, reference: reference), name: location.description,
                                        description: "measured from \(location)", scanContents: scanContents, readLibraries: readLibraries,
                                        global: global)
        }
    }

    private static func unpackAndMeasure(
        source: ImageImport.Source, name: String, description: String, scanContents: Bool, readLibraries: Bool, global: GlobalOptions
    ) throws -> MeasuredImage {
        var contents: Requirements?
        var libraryNeeds: [String: FileNeeds]?
        let image: Image, config: ImageConfig
        do {
            (image, config) = try ImageImport.image(from: source, name: name, description: description) { root, measured in
                if scanContents { contents = try ImageContents.scan(root: root, global: global) }
                if readLibraries { libraryNeeds = try ImageContents.libraryNeeds(root: root, measured: measured) }
            }
        } catch let error as CatalogError where error.kind == .invalidData {
            // The layout of a pulled image is a temporary directory: name the image instead.
            throw CLIError.usage("\(name): \(error.detail)")
        }
        for entry in config.skippedEntries where global.verbose { Output.verbose(entry.description, options: global) }
        return MeasuredImage(image: image, label: name, digest: nil, contents: contents, libraryNeeds: libraryNeeds,
                             layerFiles: config.layerFiles)
    }
}
