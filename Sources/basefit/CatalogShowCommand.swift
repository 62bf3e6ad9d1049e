import ArgumentParser
import ImageCatalog
import Reporting

struct CatalogShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one image: libc, runtime, sizes, libraries.")

    @Argument(help: "Image reference, e.g. node:22-bookworm-slim.")
    var image: String

    @Option(help: "Output format: text or json.")
    var format: TextOrJSON = .text

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try CatalogAccess.open(global)
        let found: Image?
        do {
            found = try store.image(image)
        } catch {
            Output.error(error.description)
            throw ExitCodes.usage
        }
        guard let found else {
            let known = (try? store.images().map(\.reference)) ?? []
            let close = known.filter { $0.hasPrefix(image.split(separator: ":").first.map(String.init) ?? image) }.prefix(8)
            Output.error("\(image): not in the catalog" + (close.isEmpty ? "" : "; similar: " + close.joined(separator: ", ")))
            throw ExitCodes.usage
        }
        switch format {
        case .text: Output.standard(CatalogTextFormatter.show(found))
        case .json: Output.standard(CatalogJSONFormatter.show(found))
        }
    }
}
