import ArgumentParser
import ImageCatalog
import Reporting

struct CatalogListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the images in the catalog.")

    @Option(help: "Only this family (node, python, debian, alpine, distroless …).")
    var family: String?

    @Option(help: "Only images with this libc (glibc, musl, none).")
    var libc: String?

    @Option(help: "Only images published for this architecture (amd64, arm64 …).")
    var arch: String?

    @Option(help: "Output format: text or json.")
    var format: TextOrJSON = .text

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let libc, !["glibc", "musl", "none"].contains(libc) {
            throw ValidationError("--libc takes glibc, musl or none.")
        }
    }

    func run() throws {
        let store = try CatalogAccess.open(global)
        let images: [Image]
        do {
            images = try store.images(.init(family: family, libc: libc, architecture: arch))
        } catch {
            Output.error(error.description)
            throw ExitCodes.usage
        }
        switch format {
        case .text: Output.standard(CatalogTextFormatter.list(images))
        case .json: Output.standard(CatalogJSONFormatter.list(images))
        }
    }
}
