import ArgumentParser
import Foundation
import ImageCatalog
import ImageMeasurement
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

    @Option(help: "The platform (linux/arm64, arm64, linux/arm/v7 …) when the root's ELF files do not tell it (scratch-like roots); must agree with them when they do.")
    var platform: String?

    @OptionGroup var global: GlobalOptions

    /// Docker platform architectures.
    static let architectures = ["amd64", "arm64", "arm/v5", "arm/v6", "arm/v7", "386", "ppc64le", "s390x", "riscv64", "mips64le", "loong64"]

    func run() throws {
        var requested: String?
        if let platform {
            let architecture = platform.hasPrefix("linux/") ? String(platform.dropFirst("linux/".count)) : platform
            guard Self.architectures.contains(architecture) else {
                throw CLIError.usage("--platform \(platform): not a Docker platform (\(Self.architectures.map { "linux/" + $0 }.joined(separator: ", ")))")
            }
            requested = architecture
        }
        let result = try RootfsMeasurer(root: rootfs).measure()
        if let requested, let measured = result.architecture, measured != requested {
            throw CLIError.usage("--platform linux/\(requested) disagrees with \(rootfs): \(result.machineEvidence ?? "its ELF files") is built for \(result.machine ?? measured) (linux/\(measured))")
        }
        guard let architecture = requested ?? result.architecture else {
            let why = result.machine.map { "its ELF files are \($0), which names no single Docker platform" } ?? "it holds no ELF file"
            throw CLIError.usage("cannot tell the architecture of \(rootfs): \(why); give --platform")
        }
        let source = "measured by basefit catalog measure" + (origin.map { " from \($0)" } ?? " --rootfs \(rootfs)")
        Output.standard(CatalogJSONFormatter.measured(
            RootfsImport.measuredData(result, reference: name, source: source, architecture: architecture)))
    }
}
