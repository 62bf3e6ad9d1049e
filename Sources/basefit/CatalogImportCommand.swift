import ArgumentParser
import Foundation
import ImageCatalog

struct CatalogImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Measure a real root filesystem and write it into the --catalog database."
    )

    @Option(help: "A root filesystem directory (e.g. from debootstrap).")
    var rootfs: String?

    @Option(help: "The reference to record the image under, e.g. debian:bookworm-slim.")
    var name: String

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard rootfs != nil else { throw ValidationError("Give --rootfs DIR.") }
        guard global.catalog != nil else {
            throw ValidationError("catalog import writes to your own database: give --catalog PATH.")
        }
    }

    func run() throws {
        let source = "measured by basefit catalog import --rootfs \(rootfs!)"
        do {
            let result = try RootfsMeasurer(root: rootfs!).measure()
            let image = RootfsImport.image(result, reference: name, source: source)
            let store = CatalogStore(database: try CatalogDatabase(path: global.catalog!, mode: .readWrite))
            try store.write(images: [image])
            Output.standard("imported \(name): \(result.libcFamily) \(result.libcVersion?.description ?? "-"), \(result.libraries.count) libraries, \(result.totalBytes) bytes → \(global.catalog!)\n")
        } catch {
            Output.error(error.description)
            throw ExitCodes.usage
        }
    }
}
