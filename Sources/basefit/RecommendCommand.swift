import Advisor
import ArgumentParser
import Domain
import Foundation
import ELFInspection
import ImageCatalog
import ProjectScan
import Registry
import Reporting

struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Recommend the smallest base image the project's native code loads on."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown, patch

        /// nil for `patch`, which needs the Dockerfile too.
        var formatter: ((Recommendation) -> String)? {
            switch self {
            case .text: return RecommendTextFormatter.format
            case .json: return RecommendJSONFormatter.format
            case .markdown: return RecommendMarkdownFormatter.format
            case .patch: return nil
            }
        }
    }

    @Argument(help: "Project files or directories (node_modules, site-packages, wheels, binaries).")
    var paths: [String] = []

    @Option(help: "Read what the project needs from this file (basefit scan --format json output) instead of scanning.")
    var requirements: String?

    @Option(help: "Output format: text, json, markdown, or patch (a unified diff of --dockerfile moving its FROM to the recommendation).")
    var format: Format = .text

    @Option(help: "The Dockerfile to move to the recommendation (its final stage, or --stage); its --platform sets the architecture.")
    var dockerfile: String?

    @Option(help: "With --dockerfile: the stage whose FROM to move.")
    var stage: String?

    @Option(name: .customLong("build-arg"), help: BuildArguments.help)
    var buildArgs: [String] = []

    @Option(help: "Target architecture (amd64, arm64, arm/v7 …); default: the project's.")
    var arch: String?

    @Option(help: "The runtime the image must carry: node, python or none (default: what the project needs).")
    var runtime: RuntimeChoice?

    @Flag(help: "Let images that a package install fixes compete at their size plus the packages'.")
    var allowInstalls = false

    @Flag(help: "Recommend without what could not be judged (unreadable or damaged files and wheel members, macOS/Windows builds, lockfile lines that pin nothing): it is listed, and no longer makes the answer inconclusive (exit 2).")
    var allowUnjudged = false

    @OptionGroup var index: IndexOptions

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
        if format == .patch && dockerfile == nil { throw ValidationError("--format patch needs --dockerfile FILE.") }
        if stage != nil && dockerfile == nil { throw ValidationError("--stage goes with --dockerfile.") }
        if !buildArgs.isEmpty && dockerfile == nil { throw ValidationError("--build-arg goes with --dockerfile.") }
        _ = try BuildArguments.parse(buildArgs)
    }

    func run() throws {
        var needs: Requirements
        var inputs = requirements.map { [$0] } ?? paths
        var architecture = arch
        let buildArguments = try BuildArguments.parse(buildArgs)
        let base = try dockerfile.map { path throws(DockerfileError) in try Dockerfile.base(file: path, stage: stage, buildArgs: buildArguments) }
        if architecture == nil { architecture = base?.platformArchitecture }
        if let reference = imageOptions.image {
            // The app's own files: the layers above the base when the image names it, else all.
            let platform = "linux/" + (architecture.flatMap { Architecture($0)?.platformName } ?? "amd64")
            let measured = try ImageInput.measure(reference, platform: platform, options: imageOptions, scanContents: true,
                                                  appIfKnown: true, global: global)
            needs = measured.contents ?? Requirements(files: [], node: nil, python: nil, hints: [])
            inputs = [measured.label]
        } else {
            // The requirements files the Dockerfile's pip installs read are judged as well.
            let named = zip(dockerfile.map { [$0] } ?? [], base.map { [$0] } ?? []).flatMap { file, base in
                DockerfileInstall.requirementFiles(base.installs, dockerfile: file, paths: paths).found
            }
            needs = try ProjectInput.requirements(paths: paths, file: requirements, global, index: index,
                                                  targets: .catalog(architecture, distributionPython: runtime == RuntimeChoice.none),
                                                  requirementFiles: named)
        }
        var profile = try ProjectInput.profile(needs, architecture: architecture, inputs: inputs)
        let catalog = try CatalogAccess.open(global, registry: imageOptions.registry)
        var evaluator = try ProjectInput.evaluator(catalog, today: try ProjectInput.today())
        if let dockerfile, let base {
            // The packages are judged as the Dockerfile's installs pick them: a build stage's
            // picks come along whatever the judged stage is moved to.
            let stages = InstallStages(base.installs, resolver: ImageResolver(catalog: catalog), dockerfile: dockerfile, paths: paths)
            evaluator.installSites = stages.sites(dockerfile: dockerfile, architecture: profile.architecture)
            evaluator.shellUses = (dockerfile, base.shellUses, base.command)
            profile.requirements = profile.requirements.adding(
                unjudged: stages.unjudged(dockerfile: dockerfile, architecture: profile.architecture, lockfiles: profile.requirements.lockfiles))
        }
        // Without a known base the image's own glibc comes along with the app's files.
        if imageOptions.image != nil { evaluator.imageFilesRoot = "" }
        let choice = runtime ?? RuntimeChoice.implied(by: profile.requirements)
        var recommendation = Recommender(evaluator: evaluator)
            .recommend(profile, images: evaluator.catalog, runtime: choice, allowInstalls: allowInstalls)
        recommendation.allowUnjudged = allowUnjudged
        for warning in recommendation.warnings where !global.quiet { Output.warning(warning) }
        if let formatter = format.formatter {
            Output.standard(formatter(recommendation))
        } else if let dockerfile, let base, let best = recommendation.recommended {
            // A patch is applied, not read: none is written on an incomplete judgement.
            guard recommendation.conclusive else {
                throw CLIError.inconclusive("no patch: \(UnjudgedFile.counted(recommendation.unjudged.count)) could not be judged "
                    + "(\(recommendation.unjudged.map(\.path).joined(separator: ", "))); fix or remove them, or --allow-unjudged")
            }
            Output.standard(try patch(dockerfile, base: base, to: best, buildArguments: buildArguments))
        }
        if recommendation.recommended == nil { throw ExitCodes.incompatible }
        if !recommendation.conclusive { throw ExitCodes.inconclusive }
    }
}

extension RecommendCommand {
    /// The Dockerfile moved to `best`, pinned by the digest its registry serves now (through
    /// mirrors; not with --offline), else the one the catalog recorded (with a note), else
    /// unpinned with a warning; with the install line when --allow-installs chose an install.
    func patch(_ path: String, base: DockerfileBase, to best: Verdict, buildArguments: [String: String]) throws -> String {
        let text = try Dockerfile.text(file: path)
        var reference = best.image.reference
        var lookupFailure: String?
        var registryDigest: String?
        var mirror: String?
        if !index.offline, !best.image.forAnyArchitecture, let parsed = try? ImageReference(parsing: reference) {
            do {
                var options = try imageOptions.registryOptions()
                options.timeout = 5
                mirror = options.mirrors.target(for: parsed)
                registryDigest = try ImagePull.top(parsed, options: options).digest
            } catch {
                lookupFailure = "\(error)"
            }
        }
        if let registryDigest {
            reference += "@" + registryDigest
            Output.verbose("patch: \(best.image.reference) pinned to \(registryDigest), the digest its registry serves now"
                           + (mirror.map { " (via mirror \($0))" } ?? ""), options: global)
            if let recorded = best.image.digest, recorded != registryDigest, !global.quiet {
                Output.warning("the registry now serves \(registryDigest) for \(best.image.reference); the catalog recorded \(recorded)")
            }
        } else if let digest = best.image.digest {
            reference += "@" + digest
            if !global.quiet {
                Output.warning("pinned \(best.image.reference) with the digest the catalog recorded"
                               + (lookupFailure.map { ", since the registry could not be asked (\($0))" } ?? " (--offline: the registry was not asked)"))
            }
        } else if !global.quiet {
            if let lookupFailure { Output.warning("could not ask the registry for the digest of \(reference): \(lookupFailure)") }
            Output.warning("the catalog records no digest for \(reference): pin it yourself (skopeo inspect docker://\(reference)) before you merge")
        }
        if !global.quiet, let argument = base.imageArguments.first(where: { buildArguments[$0] != nil }) {
            Output.warning("the build sets \(argument) with --build-arg, and the patch changes only the default of ARG \(argument): change the --build-arg to \(reference) too")
        }
        let run = best.compatible ? [] : best.installCommands
        let patched = try Dockerfile.switchingBase(text, line: base.line, to: reference, run: run, path: path)
        let name = DiffFileName(path: path, currentDirectory: FileManager.default.currentDirectoryPath)
        if let directory = name.directory, !global.quiet {
            Output.note("\(path) lies outside the current directory: the diff names it \(name.name); apply it in \(directory) (patch -p1)")
        }
        return UnifiedDiff.diff(text, patched, path: name.name)
    }
}
