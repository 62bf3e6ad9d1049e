import Advisor
import ELFInspection
import Foundation
import HTTPTransport
import ImageCatalog
import PackageIndexClient
import ProjectScan

/// Lockfiles as input: when the scanned paths hold no native code and nothing installed
/// (a fresh checkout), or a path names a lockfile, the lockfiles are read and Python pins
/// are looked up on the package index, so each candidate image can be judged before any install.
/// The binary wheels pip would pick on the candidate images are read too (their ELF members by
/// range requests, their METADATA by PEP 658) and carried in the requirements.
enum LockfileInput {
    /// The images whose platforms decide which wheels are read.
    enum WheelTargets {
        /// Every catalog image (built-in and `--catalog`) for this architecture: recommend, scan.
        /// `distributionPython` (`--runtime none`): the images without Python, for the Python
        /// their own python3 package gives.
        case catalog(String?, distributionPython: Bool = false)
        /// One image judged for one architecture: check. `installedOn`: the images of the
        /// Dockerfile stages that install the packages for it (their picks are what it gets);
        /// their pip runs on their python3 package's Python when they carry none, and so does
        /// the image's with `distributionPython` (`--runtime none`).
        case image(Image, String?, installedOn: [Image] = [], distributionPython: Bool = false)
    }

    static func attach(to requirements: Requirements, paths: [String], _ global: GlobalOptions, index: IndexOptions?,
                       targets: WheelTargets = .catalog(nil), requirementFiles: [String] = []) throws -> Requirements {
        // A lockfile named as a path is always read; in a directory, the lockfiles of an
        // ecosystem whose packages are installed are not (the installed files are judged).
        // Other native code beside them (a tool's binary, a Node app beside a Python
        // requirements file) does not stand in for their pins.
        // A Yarn Plug'n'Play install that unplugged none of its platform packages here: its
        // yarn.lock decides them per image, beside the zipped packages that were judged.
        let installed = (npm: requirements.node?.isInstalled == true && requirements.node?.lockfilesDecidingPlatformPackages.isEmpty != false,
                         python: requirements.python?.isInstalled == true)
        var locked = LockedDependencies.find(in: paths, installed: installed, requirementFiles: requirementFiles)
        if locked.isEmpty && locked.unreadable == nil { return requirements }
        guard !locked.isEmpty else {
            Output.warnings(locked.warnings.map { ScanWarning(path: "lockfile", message: $0) }, options: global)
            return requirements.adding(unjudged: locked.unjudged())  // a named lockfile that could not be parsed
        }
        let needsIndex = locked.python.contains { $0.pins.contains { $0.files == nil || $0.files?.isEmpty == true } }
        var platforms: [LockfilePlatform]?
        if !locked.python.isEmpty && index?.offline != true {
            let indexes = PackageIndexClient.indexes(
                indexURL: index?.indexURL, extraIndexURLs: index?.extraIndexURL ?? [],
                environment: ProcessInfo.processInfo.environment, lockfiles: locked.python)
            let given = index?.indexURL ?? ProcessInfo.processInfo.environment["PIP_INDEX_URL"].flatMap { $0.isEmpty ? nil : $0 }
            if let own = PackageIndexClient.requirementsIndex(locked.python), let given, !global.quiet,
               own.trimmingCharacters(in: ["/"]) != given.trimmingCharacters(in: ["/"]) {
                Output.warning("lockfile: the requirements file's -i \(own) is the index pip uses, over \(index?.indexURL != nil ? "--index-url" : "PIP_INDEX_URL") \(given); judged from \(own)")
            }
            let extras = (index?.extraIndexURL ?? []) + PackageIndexClient.environmentExtraIndexes(ProcessInfo.processInfo.environment)
            if let own = PackageIndexClient.requirementsIndex(locked.python), !extras.isEmpty, !global.quiet {
                Output.warning("lockfile: the requirements file's -i \(own) replaces every index pip was given, so pip does not ask "
                               + "\(extras.joined(separator: ", ")) (--extra-index-url, PIP_EXTRA_INDEX_URL); not asked")
            }
            Output.verbose("lockfiles: \(locked.paths.joined(separator: ", ")); asking \(indexes.joined(separator: ", "))", options: global)
            let targetPlatforms = try self.platforms(targets, requirements: requirements, global)
            platforms = targetPlatforms
            let fetcher = HTTPFetcher()
            let client = PackageIndexClient(indexes: indexes, fetcher: fetcher)
            let reader = LockedWheelReader(fetcher: fetcher, cache: WheelFactsCache.standard())
            let copy = locked
            let (resolved, stats) = try HTTPFetcher.blocking {
                var resolved = copy
                await client.resolve(&resolved)
                let stats = await reader.read(&resolved, platforms: targetPlatforms)
                await fetcher.shutdown()
                return (resolved, stats)
            }
            locked = resolved
            let share = stats.wheelBytes > 0 ? String(format: " (%.1f%% of %d)", 100 * Double(stats.bytesFetched) / Double(stats.wheelBytes), stats.wheelBytes) : ""
            Output.verbose("wheels: \(stats.picked) picked on \(Set(targetPlatforms).count) platforms, \(stats.cached) from the cache, "
                + "\(stats.bytesFetched) bytes fetched\(share), \(stats.partialMembers) big members by their start and end, \(stats.metadataFiles) METADATA files", options: global)
        } else if needsIndex {
            locked.warnings.append("--offline: pins of requirements files are not judged, nor those of a Pipfile.lock (their files come from the index)")
        }
        if index?.offline == true && locked.hasJudgeablePins && !locked.python.isEmpty {
            locked.warnings.append("--offline: the wheels each image would install are judged by their tags only (their ELF members are not read)")
        }
        Output.warnings(locked.warnings.map { ScanWarning(path: "lockfile", message: $0) }, options: global)
        // Fail closed: lockfiles of which nothing can be judged (an unreachable index, no pins)
        // are no evidence, and the caller says there is nothing to judge.
        // What they leave unjudged still stands beside installed files.
        guard locked.hasJudgeablePins else { return requirements.adding(unjudged: locked.unjudged(on: platforms)) }
        // A picked wheel's member that could not be judged leaves the project unjudged on every
        // image that installs that wheel (for `check`, the one image; for `recommend`, any).
        return Requirements(files: requirements.files, node: requirements.node, python: requirements.python, hints: requirements.hints,
                            lockfiles: locked, unjudged: requirements.unjudged + locked.unjudged(on: platforms) + locked.unjudgedWheelMembers)
    }

    /// A requirements file read back (`--requirements`): a wheel pip would pick on a target
    /// image that its scan did not read (another architecture, libc or Python than the scan
    /// asked about) would be judged by its tag alone, so it is not judged. Nothing is added
    /// when the scan read no wheel at all (`--offline`, which judges by tags by choice).
    ///
    /// What the lockfiles themselves leave unjudged is derived again too: a file written before
    /// basefit listed it under `unjudged` still has the lines and wheels it comes from.
    static func unreadWheels(_ requirements: Requirements, targets: WheelTargets, _ global: GlobalOptions) throws -> [UnjudgedFile] {
        guard let locked = requirements.lockfiles else { return [] }
        let platforms = locked.python.isEmpty ? [] : try self.platforms(targets, requirements: requirements, global)
        var found = (locked.unjudged(on: platforms) + locked.unjudgedWheelMembers).filter { !requirements.unjudged.contains($0) }
        guard let read = locked.wheels else { return found }
        found += locked.pickedWheels(on: platforms).filter { read[$0.file.filename] == nil }.map { picked in
            UnjudgedFile(path: picked.file.filename, reason: "\(picked.project): the requirements file's scan did not read this wheel "
                         + "(it was not picked for the images that scan asked about); scan again for this image, or judge the lockfile directly")
        }
        return found
    }

    /// The install platforms (libc, architecture, CPython) of the target images.
    static func platforms(_ targets: WheelTargets, requirements: Requirements, _ global: GlobalOptions) throws -> [LockfilePlatform] {
        switch targets {
        case .image(let image, let arch, let stages, let distributionPython):
            let architecture = try targetArchitecture(arch, requirements)
            var platforms: [LockfilePlatform] = []
            for (candidate, distribution) in [(image, distributionPython)] + stages.map({ ($0, true) }) {
                if let platform = Evaluator.lockfilePlatform(candidate, architecture: architecture, distributionPython: distribution),
                   !platforms.contains(platform) { platforms.append(platform) }
            }
            return platforms
        case .catalog(let arch, let distributionPython):
            let architecture = try targetArchitecture(arch, requirements)
            var quiet = global
            quiet.quiet = true  // the command opens the catalog again and warns then
            quiet.verbose = false
            let images = try CatalogAccess.open(quiet).images()
            let judged = images.filter { $0.runtime?.kind == .python || (distributionPython && $0.runtime == nil) }
            return Array(Set(judged.compactMap { Evaluator.lockfilePlatform($0, architecture: architecture, distributionPython: distributionPython) })
                .filter { $0.python != nil }).sorted()
        }
    }

    /// The architecture the profile will be judged for (`--arch`, else the project's, else amd64),
    /// as `ProjectProfile` picks it.
    static func targetArchitecture(_ arch: String?, _ requirements: Requirements) throws -> Architecture {
        if let arch {
            guard let parsed = Architecture(arch), parsed.platformName != nil else { throw CLIError.usage("unknown architecture \(arch)") }
            return parsed
        }
        let machines = Set(requirements.files.filter(\.isLoadable).map(\.architecture))
        if machines.count == 1 { return machines.first! }
        if machines.contains(.amd64) || machines.isEmpty { return .amd64 }
        return machines.sorted().first!
    }
}
