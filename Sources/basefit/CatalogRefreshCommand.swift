import ArgumentParser
import Domain
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
                refreshes.append(try RegistryRowMeasurement.measure(
                    row, options: options, cache: BlobCache(directory: DefaultCatalog.cacheDirectory), today: today, only: wanted,
                    note: { Output.verbose("refresh: \($0)", options: global) },
                    warn: { if !global.quiet { Output.warning("\(row.reference): \($0)") } }))
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
}
