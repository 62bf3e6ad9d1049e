import ArgumentParser
import Foundation
import ImageCatalog
import ImageMeasurement

struct CatalogImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Measure a real root filesystem and write it into the --catalog database."
    )

    @Option(help: "A root filesystem directory (e.g. from debootstrap).")
    var rootfs: String?

    @Option(help: "An OCI image layout directory (index.json, blobs/); the same as --image oci:DIR.")
    var oci: String?

    @Option(help: "A `docker save` archive; the same as --image docker-archive:FILE.")
    var dockerArchive: String?

    @OptionGroup var imageOptions: ImageOptions

    @Option(help: "With --oci or --docker-archive: which image inside (ref name annotation or repo:tag).")
    var imageRef: String?

    @Option(help: "With --image or --oci: the platform to pick from an image index, e.g. linux/arm64 (default linux/amd64 for --image).")
    var platform: String?

    @Option(help: "The reference to record the image under, e.g. debian:bookworm-slim.")
    var name: String

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard [rootfs, oci, dockerArchive, imageOptions.image].compactMap({ $0 }).count == 1 else {
            throw ValidationError("Give exactly one of --rootfs DIR, --image TRANSPORT:REF, --oci DIR or --docker-archive TAR.")
        }
        guard global.catalogPath != nil else {
            throw ValidationError("catalog import writes to your own database: give --catalog PATH.")
        }
    }

    func run() throws {
        let image: Image
        var skipped: [String] = []
        if let reference = imageOptions.image {
            var measured = try ImageInput.measure(reference, platform: platform ?? "linux/amd64", options: imageOptions,
                                                  scanContents: false, global: global)
            measured.image.reference = name
            measured.image.family = RootfsImport.familyName(name)
            image = measured.image
        } else if let rootfs {
            let result = try RootfsMeasurer(root: rootfs).measure()
            image = RootfsImport.image(result, reference: name, source: "measured by basefit catalog import --rootfs \(rootfs)")
        } else if let oci {
            let imported = try ImageImport.image(from: .ociLayout(path: oci, reference: imageRef, platform: platform), name: name)
            (image, skipped) = (imported.image, imported.config.skippedEntries.map(\.description))
        } else {
            let imported = try ImageImport.image(from: .dockerArchive(path: dockerArchive!, reference: imageRef), name: name)
            (image, skipped) = (imported.image, imported.config.skippedEntries.map(\.description))
        }
        for entry in skipped where !global.quiet { Output.warning(entry) }
        let store = CatalogStore(database: try CatalogDatabase(path: global.catalog!, mode: .readWrite))
        try store.write(images: [image])
        let size = image.sizes.first
        Output.standard("imported \(name): \(image.libcFamily.rawValue) \(image.libcVersion?.description ?? "-"), \(image.libraries.count) libraries, "
                        + "\(size?.uncompressedBytes.map(String.init) ?? "?") bytes unpacked"
                        + (size?.compressedBytes.map { ", \($0) bytes of layers" } ?? "") + " → \(global.catalog!)\n")
    }
}
