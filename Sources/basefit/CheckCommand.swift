import Advisor
import ArgumentParser
import Foundation
import ImageCatalog
import ProjectScan
import Reporting

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Gate a base image in CI: exit 0 when the project loads on it, 1 when not, 2 on error."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown, sarif, github
    }

    @Argument(help: "Project files or directories.")
    var paths: [String]

    @Option(help: "The image reference to check, e.g. node:22-bookworm-slim.")
    var base: String?

    @Option(help: "Take the base image from this Dockerfile's final stage (or --stage).")
    var dockerfile: String?

    @Option(help: "With --dockerfile: the stage whose base to check.")
    var stage: String?

    @Option(help: "Check against a real root filesystem directory instead of the catalog.")
    var rootfs: String?

    @Option(help: "Output format: text, json, markdown, sarif or github.")
    var format: Format = .text

    @Option(help: "Target architecture (amd64, arm64 …); default: the project's.")
    var arch: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one file or directory.") }
        let sources = [base, dockerfile, rootfs].compactMap { $0 }.count
        if sources != 1 { throw ValidationError("Give exactly one of --base, --dockerfile or --rootfs.") }
        if stage != nil && dockerfile == nil { throw ValidationError("--stage goes with --dockerfile.") }
    }

    func run() throws {
        let report = try ProjectInput.scan(paths, global)
        var architecture = arch
        var image: Image
        var source: String
        var line: Int?
        var evaluator = Evaluator()
        if let rootfs {
            do {
                let measured = try RootfsMeasurer(root: rootfs).measure()
                image = RootfsImport.image(measured, reference: rootfs, source: "--rootfs \(rootfs)")
            } catch {
                Output.error(error.description)
                throw ExitCodes.usage
            }
            source = "root filesystem"
        } else {
            let store = try CatalogAccess.open(global)
            evaluator = try ProjectInput.evaluator(store)
            var reference = base ?? ""
            source = "--base"
            if let dockerfile {
                let found = try readDockerfile(dockerfile)
                reference = found.reference
                line = found.line
                source = "\(dockerfile):\(found.line)" + (found.stage.map { " (stage \($0))" } ?? "")
                if architecture == nil, let platform = found.platform, let arch = platform.split(separator: "/").dropFirst().first {
                    architecture = String(arch)
                }
                for warning in found.warnings where !global.quiet { Output.warning(warning) }
            }
            image = try lookUp(reference, in: store)
        }
        let profile = try ProjectInput.profile(report, architecture: architecture)
        // The image's own runtime is checked when the project needs that runtime;
        // a runtime-less base is judged on its libraries alone (the Dockerfile adds the runtime).
        var runtime = RuntimeChoice.none
        if let kind = image.runtime?.kind {
            if kind == "node" && profile.requirements.node != nil { runtime = .node }
            if kind == "python" && profile.requirements.python != nil { runtime = .python }
        }
        let verdict = evaluator.evaluate(profile, on: image, runtime: runtime)
        let result = CheckResult(verdict: verdict, profile: profile, source: source, dockerfile: dockerfile, dockerfileLine: line)
        switch format {
        case .text: Output.standard(CheckTextFormatter.format(result))
        case .json: Output.standard(CheckJSONFormatter.format(result))
        case .markdown: Output.standard(CheckMarkdownFormatter.format(result))
        case .sarif: Output.standard(CheckSARIFFormatter.format(result, toolVersion: Basefit.configuration.version))
        case .github: Output.standard(CheckGitHubFormatter.format(result))
        }
        if !verdict.compatible { throw ExitCodes.incompatible }
    }

    private func readDockerfile(_ path: String) throws -> DockerfileBase {
        do {
            return try Dockerfile.base(file: path, stage: stage)
        } catch {
            Output.error(error.description)
            throw ExitCodes.usage
        }
    }

    private func lookUp(_ reference: String, in store: CatalogStore) throws -> Image {
        let (normalized, _) = Dockerfile.normalize(reference)
        do {
            for candidate in [reference, normalized] {
                if let image = try store.image(candidate) { return image }
            }
            let stem = normalized.split(separator: ":").first.map(String.init) ?? normalized
            let similar = try store.images().map(\.reference).filter { $0.hasPrefix(stem + ":") || $0 == stem }.prefix(8)
            Output.error("\(reference): not in the catalog" + (similar.isEmpty ? "" : "; similar: \(similar.joined(separator: ", "))")
                         + ". Import it (basefit catalog import) or check a root filesystem with --rootfs.")
            throw ExitCodes.usage
        } catch let error as CatalogError {
            Output.error(error.description)
            throw ExitCodes.usage
        }
    }
}
