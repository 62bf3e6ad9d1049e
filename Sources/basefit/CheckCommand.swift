import Advisor
import ArgumentParser
import ELFInspection
import Foundation
import ImageCatalog
import ImageMeasurement
import ProjectScan
import Reporting

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Gate a base image in CI: exit 0 when the project loads on it, 1 when not, 2 on error, when nothing was judged, or when something that may hold native code could not be judged."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown, sarif, github

        var formatter: (CheckResult) -> String {
            switch self {
            case .text: return CheckTextFormatter.format
            case .json: return CheckJSONFormatter.format
            case .markdown: return CheckMarkdownFormatter.format
            case .sarif: return { CheckSARIFFormatter.format($0, toolVersion: Basefit.configuration.version) }
            case .github: return CheckGitHubFormatter.format
            }
        }
    }

    @Argument(help: "Project files or directories.")
    var paths: [String] = []

    @Option(help: "Read what the project needs from this file (basefit scan --format json output) instead of scanning.")
    var requirements: String?

    @Option(help: "The image reference to check, e.g. node:22-bookworm-slim or python:3.12-slim.")
    var base: String?

    @Option(help: "Take the base image from this Dockerfile's final stage (or --stage).")
    var dockerfile: String?

    @Option(help: "With --dockerfile: the stage whose base to check.")
    var stage: String?

    @Option(name: .customLong("build-arg"), help: BuildArguments.help)
    var buildArgs: [String] = []

    @Option(help: "Check against a real root filesystem directory instead of the catalog.")
    var rootfs: String?

    @OptionGroup var imageOptions: ImageOptions

    @Flag(help: "With --image and no paths: judge only the files of the layers above the base image.")
    var appOnly = false

    @Option(help: "Output format: text, json, markdown, sarif or github.")
    var format: Format = .text

    @Option(help: "Target architecture (amd64, arm64, arm/v7 …); default: the project's.")
    var arch: String?

    @Option(help: "The runtime the image must carry: node, python or none (none: the Dockerfile adds it). Default: what the project needs.")
    var runtime: RuntimeChoice?

    @Flag(help: "Problems a package install fixes are warnings (exit 0); the install line is printed.")
    var allowInstalls = false

    @Flag(help: "Judge without what could not be judged (unreadable or damaged files and wheel members, macOS/Windows builds, lockfile lines that pin nothing): it is listed, and no longer makes the check inconclusive (exit 2).")
    var allowUnjudged = false

    @OptionGroup var index: IndexOptions

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if paths.isEmpty && requirements == nil && imageOptions.image == nil {
            throw ValidationError("Give at least one file or directory, or --requirements FILE (or --image REF alone to judge the image's own files).")
        }
        if !paths.isEmpty && requirements != nil { throw ValidationError("Give paths or --requirements FILE, not both.") }
        let sources = [base, dockerfile, rootfs, imageOptions.image].compactMap { $0 }.count
        if sources != 1 { throw ValidationError("Give exactly one of --base, --dockerfile, --rootfs or --image.") }
        if appOnly && !(imageOptions.image != nil && paths.isEmpty && requirements == nil) {
            throw ValidationError("--app-only goes with --image and no paths.")
        }
        if stage != nil && dockerfile == nil { throw ValidationError("--stage goes with --dockerfile.") }
        if !buildArgs.isEmpty && dockerfile == nil { throw ValidationError("--build-arg goes with --dockerfile.") }
        _ = try BuildArguments.parse(buildArgs)
    }

    func run() throws {
        if let reference = imageOptions.image { return try runOnImage(reference) }
        let today = try ProjectInput.today()
        var architecture = arch
        let image: Image
        var source: String
        var line: Int?
        var requested: String?
        var notes: [String] = []
        var addedFiles = Set<SystemFile>()
        var stages = InstallStages()
        var evaluator = Evaluator(today: today)
        if let rootfs {
            let measurer = try RootfsMeasurer(root: rootfs)
            let measured = measurer.measure()
            image = RootfsImport.image(measured, reference: rootfs, source: "--rootfs \(rootfs)", architecture: arch.flatMap(Architecture.init))
            source = "root filesystem"
            // Files of the root itself, named through it, are its own (as the scan names them).
            evaluator.imageFilesRoot = rootfs
            // The root's libraries the project loads are read from it, as the loader would.
            evaluator.imageFiles = Evaluator.ImageFiles(root: rootfs) { inside in
                ImageContents.libraryNeeds(inside, named: measurer.root + inside, in: measurer)
            }
        } else {
            let catalog = try CatalogAccess.open(global, registry: imageOptions.registry)
            evaluator = try ProjectInput.evaluator(catalog, today: today)
            var reference = base ?? ""
            source = "--base"
            if let dockerfile {
                let found = try Dockerfile.base(file: dockerfile, stage: stage, buildArgs: BuildArguments.parse(buildArgs))
                reference = found.image
                line = found.line
                source = "\(dockerfile):\(found.line)" + (found.stage.map { ", stage \($0)" } ?? "")
                if architecture == nil { architecture = found.platformArchitecture }
                for warning in found.warnings where !global.quiet { Output.warning(warning) }
                addedFiles = found.addedSystemFiles
                stages = InstallStages(found.installs, resolver: ImageResolver(catalog: catalog), dockerfile: dockerfile, paths: paths)
                // A debugging tag (distroless :debug, Chainguard :latest-dev) adds a shell (and apk) the row does not record.
                if !["debug", "debug-nonroot", "latest-dev"].contains(where: { found.image.hasSuffix(":" + $0) }) {
                    evaluator.shellUses = (dockerfile, found.shellUses, found.command)
                }
            }
            let resolution = try PinnedDigest.confirm(ImageResolver(catalog: catalog).resolve(reference), options: imageOptions, offline: index.offline)
            image = resolution.image
            notes = resolution.notes
            if resolution.image.reference != reference { requested = reference }
        }
        // After the image: a lockfile's wheels are read for the image's platform only.
        // The requirements files the Dockerfile's pip installs read are judged as well.
        let needs = try ProjectInput.requirements(paths: paths, file: requirements, global, index: index,
                                                  targets: .image(image, architecture, installedOn: Array(stages.images.values),
                                                                  distributionPython: runtime == RuntimeChoice.none),
                                                  requirementFiles: stages.requirementFiles)
        var profile = try ProjectInput.profile(needs, architecture: architecture, inputs: requirements.map { [$0] } ?? paths)
        if let dockerfile {
            // The packages are judged as the Dockerfile's installs pick them (a build stage's, when it runs there).
            evaluator.installSites = stages.sites(dockerfile: dockerfile, architecture: profile.architecture)
            profile.requirements = profile.requirements.adding(
                unjudged: stages.unjudged(dockerfile: dockerfile, architecture: profile.architecture, lockfiles: profile.requirements.lockfiles))
        }
        if let caveat = profile.requirements.lockfiles?.unreadBuildsCaveat, profile.requirements.node?.isInstalled != true { notes.append(caveat) }
        let choice = runtime ?? RuntimeChoice.implied(by: profile.requirements)
        let verdict = evaluator.evaluate(profile, on: image, runtime: choice, addedFiles: addedFiles)
        let result = CheckResult(verdict: verdict, profile: profile, source: source, dockerfile: dockerfile, dockerfileLine: line,
                                 requested: requested, notes: notes, allowInstalls: allowInstalls, allowUnjudged: allowUnjudged)
        try finish(result)
    }

    /// Prints the result and ends with its exit code: 0 passes, 1 incompatible, 2 inconclusive.
    func finish(_ result: CheckResult) throws {
        Output.standard(format.formatter(result))
        switch result.outcome {
        case .passes: return
        case .fails: throw ExitCodes.incompatible
        case .inconclusive: throw ExitCodes.inconclusive
        }
    }
}

extension RuntimeChoice: ExpressibleByArgument {}
