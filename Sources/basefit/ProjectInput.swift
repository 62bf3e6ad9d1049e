import Advisor
import ImageCatalog
import ProjectScan

/// Scanning and catalog access shared by recommend and check.
enum ProjectInput {
    /// Scans the paths, prints warnings, and maps a bad path to exit code 2.
    static func scan(_ paths: [String], _ global: GlobalOptions) throws -> ScanReport {
        do {
            let report = try Scanner().scan(paths)
            Output.warnings(report.warnings, options: global)
            if report.nothingReadable {
                Output.error("nothing could be read under \(paths.joined(separator: ", "))")
                throw ExitCodes.usage
            }
            return report
        } catch let error as ScanError {
            Output.error(error.description)
            throw ExitCodes.usage
        }
    }

    static func profile(_ report: ScanReport, architecture: String?) throws -> ProjectProfile {
        do {
            return try ProjectProfile(report: report, architecture: architecture)
        } catch {
            Output.error(error.description)
            throw ExitCodes.usage
        }
    }

    static func evaluator(_ store: CatalogStore) throws -> Evaluator {
        do {
            let hints = try store.allHints()
            return Evaluator(hints: { hints[$0] ?? [] }, catalog: try store.images())
        } catch {
            Output.error(error.description)
            throw ExitCodes.usage
        }
    }
}
