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

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one file or directory to scan.") }
    }

    func run() throws {
        try Self.scan(paths, format: format, global)
    }

    /// The command's work, shared with `ScanFastPath`.
    static func scan(_ paths: [String], format: Format, _ global: GlobalOptions) throws {
        let report = try ProjectInput.scan(paths, global, exitWhenNothingReadable: false)
        Output.standard(format == .json ? ScanJSONFormatter.format(report) : ScanTextFormatter.format(report))
        if report.nothingReadable { throw ExitCodes.usage }
    }
}
