import ArgumentParser
import ProjectScan
import Reporting

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Report the ELF facts of every file under the paths and what they need from an image."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "Files or directories to scan (recursively).")
    var paths: [String]

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @OptionGroup var index: IndexOptions

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one file or directory to scan.") }
    }

    func run() throws {
        var report = try ProjectInput.scan(paths, global, exitWhenNothingReadable: false)
        // Lockfiles (a fresh checkout, or named): their pins and the wheels the catalog's images would install.
        report.requirements = try LockfileInput.attach(to: report.requirements, paths: paths, global, index: index)
        Output.standard(format == .json ? ScanJSONFormatter.format(report) : ScanTextFormatter.format(report))
        if report.nothingReadable && report.requirements.lockfiles == nil { throw ExitCodes.usage }
    }
}
