import ArgumentParser
import Foundation
import ImageCatalog
import Reporting

struct CatalogMeasureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure",
        abstract: "Measure a root filesystem and print it in the Data/measured format (how Data/ rows are regenerated)."
    )

    @Option(help: "A root filesystem directory.")
    var rootfs: String

    @Option(help: "The reference the measurement describes.")
    var name: String

    @Option(help: "How the root filesystem was made, recorded as provenance.")
    var origin: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let result = try RootfsMeasurer(root: rootfs).measure()
        let source = "measured by basefit catalog measure" + (origin.map { " from \($0)" } ?? " --rootfs \(rootfs)")
        Output.standard(CatalogJSONFormatter.measured(RootfsImport.measuredData(result, reference: name, source: source)))
    }
}
