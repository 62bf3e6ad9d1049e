import Advisor
import ArgumentParser
import ImageCatalog
import Reporting

struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Recommend the smallest base image the project's native code loads on."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    @Argument(help: "Project files or directories (node_modules, site-packages, wheels, binaries).")
    var paths: [String]

    @Option(help: "Output format: text, json or markdown.")
    var format: Format = .text

    @Option(help: "Target architecture (amd64, arm64 …); default: the project's.")
    var arch: String?

    @Option(help: "The runtime the image must carry: node, python or none (default: what the project needs).")
    var runtime: RuntimeChoice?

    @Flag(help: "Let images that a package install fixes compete at their size plus the packages'.")
    var allowInstalls = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one file or directory.") }
    }

    func run() throws {
        let report = try ProjectInput.scan(paths, global)
        let profile = try ProjectInput.profile(report, architecture: arch)
        let store = try CatalogAccess.open(global)
        let images: [Image]
        do {
            images = try store.images()
        } catch {
            Output.error(error.description)
            throw ExitCodes.usage
        }
        let choice = runtime ?? Recommender.defaultRuntime(for: profile.requirements)
        let recommendation = Recommender(evaluator: try ProjectInput.evaluator(store))
            .recommend(profile, images: images, runtime: choice, allowInstalls: allowInstalls)
        switch format {
        case .text: Output.standard(RecommendTextFormatter.format(recommendation))
        case .json: Output.standard(RecommendJSONFormatter.format(recommendation))
        case .markdown: Output.standard(RecommendMarkdownFormatter.format(recommendation))
        }
        if recommendation.recommended == nil { throw ExitCodes.incompatible }
    }
}

extension RuntimeChoice: ExpressibleByArgument {}
