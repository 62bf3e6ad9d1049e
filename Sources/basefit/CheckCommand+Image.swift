import Advisor
import ELFInspection
import Foundation
import ProjectScan
import Reporting

extension CheckCommand {
    /// `check PATH... --image REF`: the project against the real image, measured on the fly.
    /// `check --image REF`: the image's own ELF files against the image itself (the gate after
    /// `docker build`), or with `--app-only` only those of the layers above its base.
    func runOnImage(_ reference: String) throws {
        let judgingContents = paths.isEmpty && requirements == nil
        var projectNeeds: Requirements?
        var architecture = arch
        if !judgingContents {
            let needs = try ProjectInput.requirements(paths: paths, file: requirements, global)
            projectNeeds = needs
            if architecture == nil {
                architecture = try ProjectInput.profile(needs, architecture: nil, inputs: paths).architecture.platformName
            }
        }
        let platform = "linux/" + (architecture.flatMap { Architecture($0)?.platformName } ?? Architecture.amd64.platformName!)
        var measured = try ImageInput.measure(reference, platform: platform, options: imageOptions, scanContents: judgingContents,
                                              readLibraries: !judgingContents, appOnly: appOnly, global: global)
        let today = try ProjectInput.today()
        var needs: Requirements
        var inputs = paths
        if let projectNeeds {
            needs = projectNeeds
            // What the image's LD_PRELOAD maps is loaded into every program of the project too.
            let preloaded = measured.image.preloads.compactMap { measured.libraryNeeds?[$0] }
            if !preloaded.isEmpty {
                needs = Requirements(files: needs.files + preloaded, node: needs.node, python: needs.python, hints: needs.hints,
                                     lockfiles: needs.lockfiles, unjudged: needs.unjudged)
            }
        } else {
            needs = measured.contents ?? Requirements(files: [], node: nil, python: nil, hints: [])
            inputs = [measured.label]
            if needs.files.isEmpty {
                throw CLIError.usage("\(measured.label): the image holds no ELF file to judge\(appOnly ? " above its base" : "")")
            }
        }
        measured.image.reference = measured.label.hasPrefix("docker://") ? String(measured.label.dropFirst("docker://".count)) : measured.label
        let profile = try ProjectInput.profile(needs, architecture: architecture ?? measured.image.architectures.first?.platformName, inputs: inputs)
        let choice = runtime ?? RuntimeChoice.implied(by: profile.requirements)
        var evaluator = Evaluator(today: today)
        if judgingContents { evaluator.imageFilesRoot = "" }
        // The image's libraries the project loads are held to the image too.
        if let libraryNeeds = measured.libraryNeeds {
            evaluator.imageFiles = Evaluator.ImageFiles(root: "") { libraryNeeds[$0] }
        }
        var verdict = evaluator.evaluate(profile, on: measured.image, runtime: choice)
        let preloads = Set(measured.image.preloads)
        for index in verdict.problems.indices where !judgingContents && verdict.problems[index].artifact.map(preloads.contains) == true {
            verdict.problems[index].message += " (the image's LD_PRELOAD loads it into every program)"
        }
        var notes: [String] = []
        if measured.cached, let digest = measured.digest { notes.append("\(digest) was measured earlier (cache); nothing was downloaded") }
        let result = CheckResult(verdict: verdict, profile: profile, source: judgingContents ? "its own files" : "--image", notes: notes,
                                 allowInstalls: allowInstalls, allowUnjudged: allowUnjudged)
        try finish(result)
    }
}
