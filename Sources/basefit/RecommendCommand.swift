import Advisor
import ArgumentParser
import ProjectScan
import ELFInspection
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

    @OptionGroup var imageOptions: ImageOptions

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if imageOptions.image != nil && (!paths.isEmpty || requirements != nil) {
            throw ValidationError("--image takes the app from the image: give no paths or --requirements with it.")
        }
        if paths.isEmpty && requirements == nil && imageOptions.image == nil {
            throw ValidationError("Give at least one file or directory, --requirements FILE, or --image REF.")
        }
        if !paths.isEmpty && requirements != nil { throw ValidationError("Give paths or --requirements FILE, not both.") }
    }

    func run() throws {
        var needs: Requirements
        var inputs = requirements.map { [$0] } ?? paths
        if let reference = imageOptions.image {
            // The app's own files: the layers above the base when the image names it, else all.
            let platform = "linux/" + (arch.flatMap { Architecture($0)?.platformName } ?? "amd64")
            let measured = try ImageInput.measure(reference, platform: platform, options: imageOptions, scanContents: true,
                                                  appIfKnown: true, global: global)
            needs = measured.contents ?? Requirements(files: [], node: nil, python: nil, hints: [])
            inputs = [measured.label]
        } else {
            needs = try ProjectInput.requirements(paths: paths, file: requirements, global)
        }
        let profile = try ProjectInput.profile(needs, architecture: arch, inputs: inputs)
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
