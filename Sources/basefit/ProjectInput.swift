import Advisor
import Dispatch
import Domain
import Foundation
import ImageCatalog
import ProjectScan

/// The inputs recommend and check share: what the project needs (scanned, or read
/// from a requirements file), the catalog, the clock.
enum ProjectInput {
    /// Scans the paths and prints warnings. With `exitWhenNothingReadable` false the
    /// caller decides (scan still prints its report).
    static func scan(_ paths: [String], _ global: GlobalOptions, exitWhenNothingReadable: Bool = true) throws -> ScanReport {
        let start = DispatchTime.now()
        let report = try ProjectScan.Scanner(progress: ProgressLine.make(global)).scan(paths)
        ProgressLine.finish(global)
        Output.warnings(report.warnings, options: global)
        Output.verbose(summary(report, since: start), options: global)
        if report.nothingReadable && exitWhenNothingReadable {
            throw CLIError.usage("nothing could be read under \(paths.joined(separator: ", "))")
        }
        return report
    }

    /// The requirements of the paths, or of `--requirements FILE` (`scan --format json` output).
    /// `requirementFiles`: the requirements files a Dockerfile's pip installs name, read whatever their names.
    static func requirements(paths: [String], file: String?, _ global: GlobalOptions, index: IndexOptions? = nil,
                             targets: LockfileInput.WheelTargets = .catalog(nil), requirementFiles: [String] = []) throws -> Requirements {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError.usage("\(file): cannot read the requirements file")
            }
            let requirements: Requirements
            do {
                requirements = try Requirements.read(json: data)
            } catch let error as Requirements.ReadError {
                throw CLIError.usage("\(file): \(error.description)")
            }
            Output.verbose("requirements: \(file) (\(requirements.files.count) files, \(requirements.digest))", options: global)
            // The file's digest still names it: the wheels added are this run's, not the file's.
            var judged = requirements.adding(unjudged: try LockfileInput.unreadWheels(requirements, targets: targets, global))
            judged.digest = requirements.digest
            return judged
        }
        return try LockfileInput.attach(to: scan(paths, global).requirements, paths: paths, global, index: index, targets: targets,
                                        requirementFiles: requirementFiles)
    }

    /// "scanned 59990 files (1811 ELF, 0 wheels) in 1.12 s".
    static func summary(_ report: ScanReport, since start: DispatchTime) -> String {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let rounded = (seconds * 100).rounded() / 100
        return "scanned \(report.filesExamined) files (\(report.artifacts.count) ELF, \(report.wheels.count) wheels) in \(rounded) s"
    }

    static func profile(_ requirements: Requirements, architecture: String?, inputs: [String]) throws -> ProjectProfile {
        try ProjectProfile(requirements: requirements, architecture: architecture, inputs: inputs)
    }

    static func today() throws -> Day {
        try Clock.today()
    }

    static func evaluator(_ catalog: CatalogLayers, today: Day) throws -> Evaluator {
        let hints = try catalog.allHints()
        return Evaluator(hints: { hints[$0] ?? [] }, catalog: try catalog.images(), today: today)
    }
}
