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

        var formatter: (Recommendation) -> String {
            switch self {
            case .text: return RecommendTextFormatter.format
            case .json: return RecommendJSONFormatter.format
            case .markdown: return RecommendMarkdownFormatter.format
            }
        }
    }

    @Argument(help: "Project files or directories (node_modules, site-packages, wheels, binaries).")
    var paths: [String] = []

    @Option(help: "Read what the project needs from this file (basefit scan --format json output) instead of scanning.")
    var requirements: String?

    @Option(help: "Output format: text, json or markdown.")
    var format: Format = .text

    @Option(help: "Target architecture (amd64, arm64, arm/v7 …); default: the project's.")
    var arch: String?

    @Option(help: "The runtime the image must carry: node, python or none (default: what the project needs).")
    var runtime: RuntimeChoice?

    @Flag(help: "Let images that a package install fixes compete at their size plus the packages'.")
    var allowInstalls = false

    @OptionGroup var index: IndexOptions

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if paths.isEmpty && requirements == nil { throw ValidationError("Give at least one file or directory, or --requirements FILE.") }
        if !paths.isEmpty && requirements != nil { throw ValidationError("Give paths or --requirements FILE, not both.") }
    }

    func run() throws {
        let needs = try ProjectInput.requirements(paths: paths, file: requirements, global, index: index)
        let profile = try ProjectInput.profile(needs, architecture: arch, inputs: requirements.map { [$0] } ?? paths)
        let catalog = try CatalogAccess.open(global)
        let evaluator = try ProjectInput.evaluator(catalog, today: try ProjectInput.today())
        let choice = runtime ?? RuntimeChoice.implied(by: profile.requirements)
        let recommendation = Recommender(evaluator: evaluator)
            .recommend(profile, images: evaluator.catalog, runtime: choice, allowInstalls: allowInstalls)
        for warning in recommendation.warnings where !global.quiet { Output.warning(warning) }
        Output.standard(format.formatter(recommendation))
        if recommendation.recommended == nil { throw ExitCodes.incompatible }
    }
}
