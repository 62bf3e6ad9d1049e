import ArgumentParser
import Domain
import ELFInspection
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

    @Flag(help: "Show the tags that point at each image.")
    var tags = false

    @Option(help: "Output format: text or json.")
    var format: TextOrJSON = .text

    @OptionGroup(title: "Reaching a docker:// catalog") var registry: RegistryAccessOptions

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let libc, !["glibc", "musl", "none"].contains(libc) {
            throw ValidationError("--libc takes glibc, musl or none.")
        }
        if let arch, Architecture(arch)?.platformName == nil {
            throw ValidationError("--arch \(arch) is not a platform name (amd64, arm64, arm/v7, 386, ppc64le, s390x, riscv64 …).")
        }
    }

    func run() throws {
        let catalog = try CatalogAccess.open(global, registry: registry)
        let today = try ProjectInput.today()
        let images = try catalog.images(.init(family: family, libc: libc.flatMap(LibcFamily.init(rawValue:)), architecture: arch.flatMap(Architecture.init)))
        if let family, images.isEmpty {
            let families = Set(try catalog.images().map(\.family)).sorted()
            if !families.contains(family) {
                throw CLIError.usage("no family \(family) in the catalog; families: \(families.joined(separator: ", "))")
            }
        }
        Output.standard(format == .json ? CatalogJSONFormatter.list(images, today: today) : CatalogTextFormatter.list(images, today: today, tags: tags))
    }
}
