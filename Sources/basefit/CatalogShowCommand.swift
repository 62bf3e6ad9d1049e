import ArgumentParser
import ImageCatalog
import Reporting

struct CatalogShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one image: libc, runtime, sizes, libraries.")

    @Argument(help: "Image reference, e.g. node:22-bookworm-slim.")
    var image: String

    @Option(help: "Output format: text or json.")
    var format: TextOrJSON = .text

    @OptionGroup(title: "Reaching a docker:// catalog") var registry: RegistryAccessOptions

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let catalog = try CatalogAccess.open(global, registry: registry)
        let resolution = try ImageResolver(catalog: catalog).resolve(image)
        for note in resolution.notes where !global.quiet { Output.warning(note) }
        let today = try ProjectInput.today()
        Output.standard(format == .json ? CatalogJSONFormatter.show(resolution.image, today: today) : CatalogTextFormatter.show(resolution.image, today: today))
    }
}
