import ArgumentParser
import Domain
import ELFInspection
import Foundation
import ImageCatalog
import ImageMeasurement
import Registry

/// `catalog refresh [REF...]`: re-measures catalog rows from their registries (digest, sizes
/// per platform, library sets) and rewrites the Data/ files in their own format. All or
/// nothing: every row is measured before anything is written.
struct CatalogRefreshCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Re-measure catalog rows from their registries and rewrite the Data/ JSON files."
    )

    @Argument(help: "Rows to refresh, by any tag that resolves to them (default: every row with a pullable, still published reference).")
    var references: [String] = []

    @Option(help: "The catalog data directory to rewrite.")
    var data: String = "Data"

    @Option(help: "Only these platforms (linux/amd64, arm64 …; repeatable); default every platform the row lists and the registry offers.")
    var platform: [String] = []

    @OptionGroup var registry: RegistryAccessOptions

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let dataSet: CatalogDataSet
        let images: [Image]
        do {
            dataSet = try CatalogDataSet.load(directory: data)
            images = try CatalogBuilder.images(from: dataSet)
        } catch {
            throw CLIError.usage("catalog refresh: \(error.description)")
        }
        let rows = Dictionary(dataSet.families.flatMap(\.images).map { ($0.reference, $0) }, uniquingKeysWith: { first, _ in first })
        let wanted = try platform.map { text -> String in
            let name = text.hasPrefix("linux/") ? String(text.dropFirst("linux/".count)) : text
            guard CatalogMeasureCommand.architectures.contains(name) else {
                throw CLIError.usage("--platform \(text): not a Docker platform (\(CatalogMeasureCommand.architectures.map { "linux/" + $0 }.joined(separator: ", ")))")
            }
            return name
        }
        var selected: [CatalogDataImage] = []
        if references.isEmpty {
            for image in images.sorted(by: { $0.reference < $1.reference }) {
                guard let row = rows[image.reference], row.discontinued == nil, row.architectures != ["any"],
                      (try? ImageReference(parsing: row.reference)) != nil else { continue }
                selected.append(row)
            }
        } else {
            let resolver = ImageResolver(catalog: ImageList(images))
            for text in references {
                let resolution: ImageResolver.Resolution
                do {
                    resolution = try resolver.resolve(text)
                } catch {
                    throw CLIError.usage("catalog refresh \(text): \(error)")
                }
                guard let row = rows[resolution.image.reference] else { throw CLIError.usage("catalog refresh \(text): no row") }
                if !selected.contains(where: { $0.reference == row.reference }) { selected.append(row) }
            }
        }
        let options = try registry.registryOptions()
        let today = try Clock.today().description
        var refreshes: [CatalogRowRefresh] = []
        for row in selected {
            do {
                refreshes.append(try refresh(row, options: options, today: today, only: wanted))
            } catch let error as CLIError {
                throw CLIError.usage("catalog refresh \(row.reference): \(error.message ?? "failed"); nothing in \(data) was changed")
            } catch {
                throw CLIError.usage("catalog refresh \(row.reference): \(error); nothing in \(data) was changed")
            }
        }
        let writer = CatalogDataWriter(directory: data)
        let plan: CatalogDataWriter.Plan
        do {
            plan = try writer.plan(refreshes)
            try writer.write(plan)
        } catch {
            throw CLIError.usage("catalog refresh: \(error.description)")
        }
        var text = ""
        for refresh in refreshes {
            text += "\(refresh.reference): \(refresh.digest) (\(refresh.platforms.map { "linux/" + $0.architecture }.joined(separator: ", ")))\n"
            for change in plan.changes where change.row == refresh.reference {
                text += "  \(change.field): \(change.old) → \(change.new)\n"
            }
        }
        text += plan.files.isEmpty ? "nothing changed in \(data)\n"
            : "wrote \(plan.files.keys.sorted().joined(separator: ", ")) in \(data)\n"
        Output.standard(text)
    }

    /// Measures one row in its registry: every platform it lists that the registry offers.
    private func refresh(_ row: CatalogDataImage, options: RegistryOptions, today: String, only: [String]) throws -> CatalogRowRefresh {
        let reference: ImageReference
        do {
            reference = try ImageReference(parsing: row.reference)
        } catch {
            throw CLIError.usage("not a reference a registry serves (\(error))")
        }
        let named = String(ImageLocation.registry(reference).description.dropFirst("docker://".count))
        let repository = String(ImageLocation.registry(ImageReference(registry: reference.registry, repository: reference.repository, tag: nil))
            .description.dropFirst("docker://".count))
        if let mirror = options.mirrors.target(for: reference) {
            Output.verbose("refresh: \(named) via mirror \(mirror)", options: global)
        }
        let top = try ImagePull.top(reference, options: options)
        let listed = row.architectures.filter { only.isEmpty || only.contains($0) }
        var chosen: [String]
        if top.isIndex {
            chosen = listed.filter { architecture in PlatformChoice("linux/" + architecture).map(top.offers) ?? false }
            for architecture in listed where !chosen.contains(architecture) {
                Output.verbose("refresh: \(named) offers no linux/\(architecture); its recorded figures stay", options: global)
            }
        } else {
            chosen = Array(listed.prefix(1))
        }
        guard !chosen.isEmpty else {
            throw CLIError.usage("\(named) (\(top.digest)) offers none of the platforms \(listed.map { "linux/" + $0 }.joined(separator: ", "))"
                                 + (top.isIndex ? "; it has \(top.platforms.joined(separator: ", "))" : ""))
        }
        let cache = BlobCache(directory: DefaultCatalog.cacheDirectory)
        var platforms: [CatalogRowRefresh.Platform] = []
        for architecture in chosen {
            let choice = PlatformChoice("linux/" + architecture)!
            let manifest = try ImagePull.pull(reference.withDigest(top.digest), platform: choice, cache: cache, options: options) { line in
                if !global.quiet { Output.warning("\(row.reference): \(line)") }
            }
            cache.prune(maxBytes: BlobCache.sizeCap(), keep: ImagePull.blobs(of: manifest))
            let layout = try ImagePull.layout(for: manifest, cache: cache)
            defer { try? FileManager.default.removeItem(atPath: layout) }
            let (result, config) = try ImageImport.measureRoot(from: .ociLayout(path: layout, reference: nil, platform: nil))
            let configured = config.architecture.flatMap { Architecture([$0, config.variant].compactMap { $0 }.joined(separator: "/")) ?? Architecture($0) }
            let measured = configured?.platformName ?? result.architecture ?? architecture
            if measured != architecture || (result.architecture.map { $0 != architecture } ?? false) {
                throw CLIError.usage("\(manifest.digest) is linux/\(measured) (its config says \(config.platform ?? "nothing"), its files \(result.architecture ?? "nothing")), not linux/\(architecture)")
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
