import Domain
import ELFInspection
import ImageCatalog
import PackageKnowledge
import ProjectScan

/// Which runtime the candidate images must carry.
public enum RuntimeChoice: String, Sendable, CaseIterable {
    case node, python, none

    public var kind: RuntimeKind? {
        switch self {
        case .node: return .node
        case .python: return .python
        case .none: return nil
        }
    }

    /// The runtime a project implies: node with installed Node packages or addons,
    /// python with extension modules or a virtualenv, else none.
    public static func implied(by requirements: Requirements) -> RuntimeChoice {
        if requirements.node?.isInstalled == true { return .node }
        if requirements.python?.isInstalled == true { return .python }
        if requirements.node != nil { return .node }
        if requirements.python != nil { return .python }
        if let locked = requirements.lockfiles { return locked.npm.isEmpty ? .python : .node }
        return .none
    }
}

/// Holds one image against a project profile and explains every mismatch.
public struct Evaluator: Sendable {
    public var hints: @Sendable (String) -> [PackageHint]
    /// The whole catalog, to name a sibling image that ships what this one lacks.
    public var catalog: [Image]
    /// The day end-of-life decisions are made on.
    public var today: Day
    /// Where the image's own files lie among the judged ones, when some are (`""`: files named by
    /// their path inside the image, `check --image`; a root's path: `check --rootfs ROOT` of files
    /// in it). Those in its system directories are its distribution's: its glibc's libraries,
    /// gconv modules and tools need GLIBC_PRIVATE of that same build, so that is not held
    /// against them; a copy of glibc's libraries anywhere else (an app's `lib/`) still is.
    public var imageFilesRoot: String?
    /// The files of a real root or image (`check --rootfs`, `check PATH --image`): the
    /// libraries the project loads from it are then held to it too. nil: a catalog image.
    public var imageFiles: ImageFiles?
    /// Where a Dockerfile installs the locked packages (`check --dockerfile`): a lockfile is
    /// then judged as installed there, and what the install picked must load on the image.
    /// Empty: each image is judged as the place of the install.
    public var installSites: [InstallSite] = []
    /// The Dockerfile's instructions that need a shell in the judged image (`check`/`recommend
    /// --dockerfile`), and the Dockerfile's path for messages.
    /// Its exec-form CMD, which an image's ENTRYPOINT receives.
    public var shellUses: (dockerfile: String, uses: [DockerfileShellUse], command: DockerfileCommand?) = ("", [], nil)

    public struct ImageFiles: Sendable {
        /// How the image's files are named among judged ones (`imageFilesRoot`).
        public var root: String
        /// What the file at a path inside the image (as `ProvidedLibrary.path` names it) needs,
        /// named `root` + path; nil when it cannot be read.
        public var needs: @Sendable (String) -> FileNeeds?

        public init(root: String, needs: @escaping @Sendable (String) -> FileNeeds?) {
            self.root = root
            self.needs = needs
        }
    }

    public init(hints: @escaping @Sendable (String) -> [PackageHint] = { _ in [] }, catalog: [Image] = [], today: Day) {
        self.hints = hints
        self.catalog = catalog
        self.today = today
    }

    /// - Parameter addedFiles: system files the Dockerfile's final stage copies in itself.
    public func evaluate(_ profile: ProjectProfile, on image: Image, runtime: RuntimeChoice, addedFiles: Set<SystemFile> = []) -> Verdict {
        let profile = withPickedWheels(profile, image, runtime: runtime)  // lockfile pins: the wheels this image would install
        var problems: [Problem] = []
        var notes: [String] = []
        var plan: InstallPlan?
        let architecture = profile.architecture

        if !image.isPublished(for: architecture) {
            let published = image.architectures.map(\.description).joined(separator: ", ")
            problems.append(Problem(
                kind: .architecture, artifact: nil, library: nil, version: nil, symbols: [],
                message: "\(image.reference) is not published for \(architecture) (it has \(published.isEmpty ? "no platform" : published))",
                fix: Fix(advice: architecture.platformName == nil
                    ? "no container platform runs \(architecture) files: build the project for linux/amd64 or linux/arm64"
                    : "pick an image published for \(architecture)")))
        }
        problems += foreignProblems(profile, image)
        problems += libcProblems(profile, image)
        if image.libcFamily != .none {
            let loads = runtimeLoads(image, architecture)
            for file in profile.files where file.isLoadable && applies(file, to: image) {
                problems += versionProblems(file, image, architecture)
                problems += hostedLibraryProblems(file, image, architecture, loads: loads)
                problems += noDefaultLibraryProblems(file, image, architecture)
                problems += projectLibraryProblems(file, image)
            }
            problems += libcSonameProblems(profile, image)
            problems += executableStackProblems(profile, image)
            problems += interpreterProblems(profile, image)
            let libraries = libraryProblems(profile, image)
            problems += libraries.problems
            problems += setIDProblems(profile, image)
            plan = libraries.plan
            if let imageFiles { problems += loadedLibraryProblems(profile, image, files: imageFiles) }
        }
        problems += runtimeProblems(profile, image, runtime: runtime)
        problems += wheelPlatformProblems(profile, image)
        if runtime == .node, let carried = image.runtime, carried.kind == .node {
            notes += RuntimeNeeds.nodeAPINotes(nodeAPIAddons(profile, image), carried: carried, image: image)
        }
        let files = systemFileProblems(profile, image, added: addedFiles)
        problems += files.problems
        problems += shellProblems(image)
        notes += files.notes
        let locked = lockfileProblems(profile, image, runtime: runtime)
        problems += locked.problems
        notes += locked.notes

        let status = image.status(on: today)
        switch status {
        case .discontinued(let event): notes.append("discontinued since \(event.date): no more security updates")
        case .endOfLife(let event): notes.append("end of life since \(event.date) (\(event.source)): no more security updates")
        case .maintained: break
        }
        if let floating = image.floating {
            // The catalog's text is sentences; the note is one clause among others.
            notes.append("floating tag: \(floating.hasSuffix(".") ? String(floating.dropLast()) : floating)")
        }
        if !image.hasOwnLibraries(for: architecture) {
            notes.append("library set measured for \(image.architectureLibraries.keys.sorted().map(\.description).joined(separator: ", ")); assumed for \(architecture)")
        }
        if image.size(for: architecture.sizeKey(in: image))?.estimate == true { notes.append(Verdict.sizeEstimateNote) }
        if plan != nil && image.installedPackages == nil {
            notes.append("install size counts every dependency: \(image.reference)'s installed packages are not recorded")
        }
        var verdict = Verdict(image: image, architecture: architecture, problems: problems, notes: notes, status: status, installPlan: plan)
        verdict.unjudged = unjudgedPins(profile, image, runtime: runtime)
        return verdict
    }

    /// A file shipped in both libc flavours only binds the image to the flavour that matches it.
    func applies(_ file: FileNeeds, to image: Image) -> Bool {
        guard file.hasOtherLibcVariant else { return true }
        return file.libc == image.libcFamily
    }

    // MARK: Architecture

    /// Files the project needs that are built for another architecture than the one judged.
    private func foreignProblems(_ profile: ProjectProfile, _ image: Image) -> [Problem] {
        let groups = Dictionary(grouping: profile.foreignFiles, by: \.architecture)
        return groups.keys.sorted().map { built in
            let paths = groups[built]!.map(\.path)
            let more = paths.count > 1 ? " (and \(paths.count - 1) more)" : ""
            return Problem(
                kind: .architecture, artifact: paths[0], artifacts: paths, library: nil, version: nil, symbols: [],
                message: "\(paths[0])\(more) is built for \(built.elfName); \(image.reference) is judged for \(profile.architecture)",
                fix: Fix(advice: "install the project's packages for \(profile.architecture) (npm ci / pip install on that platform, or --platform in the build)"
                    + (built.platformName == nil ? "" : ", or judge with --arch \(built)")))
        }
    }

    // MARK: libc

    private func libcProblems(_ profile: ProjectProfile, _ image: Image) -> [Problem] {
        let requirements = profile.requirements
        let name = image.reference
        switch requirements.libc {
        case .conflict:
            let glibc = requirements.libcEvidence[.glibc] ?? []
            let musl = requirements.libcEvidence[.musl] ?? []
            return [Problem(kind: .libcConflict, artifact: glibc.first, artifacts: glibc + musl, library: nil, version: nil, symbols: [],
                            message: "the project needs both glibc (\(glibc.first ?? "?")) and musl (\(musl.first ?? "?")); no image has both",
                            fix: Fix(advice: "install one libc's builds only (e.g. rebuild or reinstall the packages inside the target image)"))]
        case .glibc, .musl:
            let needed: LibcFamily = requirements.libc == .glibc ? .glibc : .musl
            guard image.libcFamily != needed else { return [] }
            let evidence = requirements.libcEvidence[needed] ?? []
            guard let first = evidence.first, let file = profile.files.first(where: { $0.path == first }) else { return [] }
            let loader = file.interpreter.map(fileName)
                ?? (needed == .glibc ? "libc.so.6" : "libc.musl-\(profile.architecture.elfName).so.1")
            let more = evidence.count > 1 ? " (and \(evidence.count - 1) more)" : ""
            if image.libcFamily == .none {
                return [Problem(kind: .noLibc, artifact: first, artifacts: evidence, library: loader, version: nil, symbols: [],
                                message: "\(first)\(more) is dynamically linked against \(needed.rawValue) and needs \(loader); \(name) has no libc and no dynamic loader",
                                fix: Fix(advice: "use a base with \(needed.rawValue) (e.g. a distroless base/cc image), or link statically"))]
            }
            let advice = needed == .glibc
                ? "install the musl builds of these packages (npm: the -musl platform packages; pip: musllinux wheels) or keep a glibc image; gcompat does not make glibc binaries safe on musl"
                : "use a musl image (alpine), or install the glibc builds"
            return [Problem(kind: .libcMismatch, artifact: first, artifacts: evidence, library: loader, version: nil, symbols: [],
                            message: "\(first)\(more) needs \(needed.rawValue) (\(loader)); \(name) has \(image.libcFamily.rawValue)",
                            fix: Fix(advice: advice))]
        case .either:
            guard image.libcFamily == .none else { return [] }
            let evidence = requirements.libcEvidence[.either] ?? []
            let first = evidence.first ?? "?"
            return [Problem(kind: .noLibc, artifact: first, artifacts: evidence, library: nil, version: nil, symbols: [],
                            message: "\(first) is dynamically linked; \(name) has no libc and no dynamic loader",
                            fix: Fix(advice: "use a base with a libc"))]
        case .none, .unknown:
            return []
        }
    }

    /// The libc's own sonames (`libdl.so.2` …) an image lacks although its libc is right.
    private func libcSonameProblems(_ profile: ProjectProfile, _ image: Image) -> [Problem] {
        var users: [String: [String]] = [:]
        for file in profile.files where file.isLoadable && applies(file, to: image) && file.libc == image.libcFamily {
            for soname in file.libcSonames where !image.providesLibcSoname(soname, on: profile.architecture) {
                users[soname, default: []].append(file.path)
            }
        }
        return users.keys.sorted().map { soname in
            let paths = users[soname]!
            let more = paths.count > 1 ? " (and \(paths.count - 1) more)" : ""
            return Problem(
                kind: .missingLibrary, artifact: paths[0], artifacts: paths, library: soname, version: nil, symbols: [],
                message: "\(paths[0])\(more) needs \(soname); \(image.reference) ships only part of \(image.libcFamily.rawValue) and not \(soname)",
                fix: Fix(advice: siblingAdvice(image, soname, profile.architecture)
                    ?? "\(image.reference) has no \(soname): use an image with the whole C library (a distroless base or a Debian slim image)"))
        }
    }

    // MARK: Libraries

    /// Missing sonames, each with its fix: where the distribution's own package index is
    /// embedded, one install closure for all of them (the packages to name, the bytes the
    /// whole closure adds to this image); elsewhere the package hints.
    private func libraryProblems(_ profile: ProjectProfile, _ image: Image) -> (problems: [Problem], plan: InstallPlan?) {
        var problems: [Problem] = []
        let libraries = image.libraries(for: profile.architecture)
        let byPath = Dictionary(profile.files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var missing: [(soname: String, users: [String])] = []
        for soname in profile.requirements.sonames where libraries[soname.soname] == nil {
            if let only = soname.onlyFor, only != image.libcFamily { continue }
            // On musl, glibc-only needs are already a libc mismatch.
            let users = soname.neededBy.filter { path in
                guard let file = byPath[path] else { return true }
                return applies(file, to: image) && (file.libc == image.libcFamily || file.libc == .either)
            }
            if !users.isEmpty { missing.append((soname.soname, users)) }
        }
        guard !missing.isEmpty else { return ([], nil) }
        var plan: InstallPlan?
        // A library that is there but not in ld.so.cache needs ldconfig, not a package; one the
        // loader stops at before it reaches a package's copy needs that file gone.
        func installable(_ soname: String) -> Bool { image.uncachedLibraries[soname] == nil && image.refusedLibraries[soname] == nil }
        if image.packageManager != nil, missing.contains(where: { installable($0.soname) }) {
            let needs = missing.filter { installable($0.soname) }.map { entry in
                let versions = entry.users.compactMap { byPath[$0] }.flatMap(\.versionNeeds)
                    .filter { $0.library == entry.soname }.flatMap(\.versions).map(\.version.name)
                return MissingLibrary(soname: entry.soname, versions: Array(Set(versions)).sorted())
            }
            plan = installPlan(needs, image: image, architecture: profile.architecture)
        }
        for (soname, users) in missing {
            let first = users[0]
            let more = users.count > 1 ? " (and \(users.count - 1) more)" : ""
            var fix = Fix()
            if let refusal = image.refusedLibraries[soname] {
                let explanation = LibraryFailure.Reason(rawValue: refusal.reason)?.explanation ?? refusal.reason
                fix.advice = "put the real \(soname) at \(refusal.path), or remove what is there: the loader does not search past it"
                problems.append(Problem(
                    kind: .missingLibrary, artifact: first, artifacts: users, library: soname, version: nil, symbols: [],
                    message: "\(first)\(more) needs \(soname); in \(image.reference) the loader finds \(refusal.path) first and stops there: it \(explanation)",
                    fix: fix))
                continue
            }
            if let path = image.uncachedLibraries[soname] {
                fix.advice = "\(path) is there, but not in /etc/ld.so.cache, where the loader looks: run ldconfig after copying it in (RUN ldconfig)"
            } else if let plan {
                if let package = plan.providers[soname] {
                    fix.install = Fix.Install(manager: plan.manager, package: package, bytes: nil, estimate: false)
                } else {
                    let reason = plan.unresolved.first { $0.soname == soname }?.reason ?? "no package provides it"
                    fix.advice = "\(reason); pick an image that ships \(soname), or copy it in from a build stage"
                }
            } else if let manager = image.packageManager, let hint = hint(for: soname, image: image, manager: manager) {
                fix.install = Fix.Install(manager: manager, package: hint.package, bytes: hint.installedBytes, estimate: hint.estimate)
            } else if image.packageManager == nil {
                fix.advice = siblingAdvice(image, soname, profile.architecture)
                    ?? "\(image.reference) has no package manager: pick an image that ships \(soname), or copy it in from a build stage"
            } else {
                fix.advice = "install the package that provides \(soname) (basefit has no package index for \(image.osName) \(image.osVersion ?? ""))"
            }
            problems.append(Problem(
                kind: .missingLibrary, artifact: first, artifacts: users, library: soname, version: nil, symbols: [],
                message: "\(first)\(more) needs \(soname); \(image.reference) does not provide it",
                fix: fix))
        }
        return (problems, plan)
    }

    /// The install closure on the image's distribution and architecture, from the embedded
    /// package index (nil where none is embedded: Alpine, RHEL, Wolfi, Ubuntu arm64 …).
    private func installPlan(_ missing: [MissingLibrary], image: Image, architecture: Architecture) -> InstallPlan? {
        guard let release = Release(osReleaseID: image.osName, versionID: image.osVersion, codename: image.osCodename),
              let name = architecture.platformName else { return nil }
        return try? PackageKnowledge.plan(missing: missing, release: release, architecture: name,
                                          installed: image.installedPackages ?? [])
    }

    private func siblingAdvice(_ image: Image, _ soname: String, _ architecture: Architecture) -> String? {
        guard let sibling = sibling(of: image, providing: soname, architecture) else { return nil }
        let why = image.packageManager == nil ? " (\(image.reference) has no package manager)" : ""
        return "use \(sibling.reference) instead: it ships \(soname)\(why)"
    }

    /// The smallest maintained image of the same family, libc, release and runtime that ships `soname`.
    private func sibling(of image: Image, providing soname: String, _ architecture: Architecture) -> Image? {
        catalog.filter {
            $0.reference != image.reference && $0.family == image.family && $0.libcFamily == image.libcFamily
                && $0.osVersion == image.osVersion && $0.runtime?.kind == image.runtime?.kind
                && $0.libraries(for: architecture)[soname] != nil && $0.providesLibcSoname(soname, on: architecture)
                && $0.status(on: today).isMaintained && $0.isPublished(for: architecture)
        }.min { ($0.size(for: architecture)?.compressedBytes ?? .max) < ($1.size(for: architecture)?.compressedBytes ?? .max) }
    }

    private func hint(for soname: String, image: Image, manager: PackageManager) -> PackageHint? {
        let release = Self.release(of: image)
        let candidates = hints(soname).filter { $0.manager == manager }
        return candidates.first { $0.release == release } ?? candidates.first { release.hasPrefix($0.release) }
    }

    /// The release key package hints use (`debian12`, `ubuntu22.04`, `alpine`, `wolfi`, `ubi9` …).
    static func release(of image: Image) -> String {
        switch image.osName {
        case "debian": return "debian" + (image.osVersion ?? "")
        case "ubuntu": return "ubuntu" + (image.osVersion ?? "")
        case "alpine": return "alpine" + (image.osVersion ?? "")
        case "rhel": return "ubi" + (image.osVersion ?? "")
        case "amazonlinux": return "amazonlinux" + (image.osVersion ?? "")
        default: return image.osName
        }
    }

    /// The image's own setuid and setgid programs (`check --image` with no paths) that need a
    /// name only the configuration's LD_LIBRARY_PATH gives: glibc's secure mode ignores it
    /// for them (unless the program's own user runs it, which basefit does not count on).
    private func setIDProblems(_ profile: ProjectProfile, _ image: Image) -> [Problem] {
        guard !image.setID.libraryPathOnly.isEmpty, imageFilesRoot != nil else { return [] }
        let programs = Set(image.setID.programs)
        var problems: [Problem] = []
        for file in profile.files where file.isLoadable && programs.contains(file.path) && applies(file, to: image) {
            for soname in file.external.sorted() {
                guard let copy = image.setID.libraryPathOnly[soname] else { continue }
                problems.append(Problem(
                    kind: .missingLibrary, artifact: file.path, artifacts: [file.path], library: soname, version: nil, symbols: [],
                    message: "\(file.path) is setuid or setgid and needs \(soname), which \(image.reference) gives it only through LD_LIBRARY_PATH (\(copy)); the loader ignores LD_LIBRARY_PATH for such a program",
                    fix: Fix(advice: "put \(soname) where the loader finds it without LD_LIBRARY_PATH (a system directory, then RUN ldconfig), or drop the setuid/setgid bit")))
            }
        }
        return problems
    }

    // MARK: Runtime

    private func runtimeProblems(_ profile: ProjectProfile, _ image: Image, runtime: RuntimeChoice) -> [Problem] {
        switch runtime {
        case .none: return []
        case .node:
            // A lockfile alone still needs the runtime it installs into.
            let lockedNode = profile.requirements.lockfiles.map { !$0.npm.isEmpty } == true
            guard let node = profile.requirements.node ?? (lockedNode ? NodeRuntime() : nil) else { return [] }
            guard let carried = image.runtime, carried.kind == .node else {
                return [runtimeMissing(.node, image: image, needed: RuntimeNeeds.nodeMajors(node).map { "Node \($0)" }.joined(separator: " or "))]
            }
            return RuntimeNeeds.nodeProblems(node, carried: carried, image: image, today: today, newest: newestNodeMajor,
                                             maintained: node.pinnedModuleVersions.isEmpty ? [] : maintainedNodeMajors)
                + RuntimeNeeds.nodeAPIProblems(nodeAPIAddons(profile, image), carried: carried, image: image)
        case .python:
            let lockedPython = profile.requirements.lockfiles.map { !$0.python.isEmpty } == true
            guard let python = profile.requirements.python ?? (lockedPython ? PythonRuntime() : nil) else { return [] }
            guard let carried = image.runtime, carried.kind == .python else {
                return [runtimeMissing(.python, image: image, needed: RuntimeNeeds.pythonLines(python).map { "CPython \($0)" }.joined(separator: " or "))]
            }
            return RuntimeNeeds.pythonProblems(python, carried: carried, image: image)
                + RuntimeNeeds.suffixProblems(python, files: profile.files, carried: carried, image: image)
        }
    }

    /// The project's files that call Node-API functions and load on this image.
    func nodeAPIAddons(_ profile: ProjectProfile, _ image: Image) -> [FileNeeds] {
        profile.files.filter { $0.isLoadable && applies($0, to: image) && !$0.nodeAPIFunctions.isEmpty }
    }

    /// The Node majors some catalog image maintained today carries.
    var maintainedNodeMajors: Set<Int> {
        Set(catalog.compactMap { $0.runtime?.kind == .node && $0.status(on: today).isMaintained ? $0.runtime?.major : nil })
    }

    /// The newest Node major any catalog image carries (what `node`/`latest` in .nvmrc mean).
    var newestNodeMajor: Int? {
        catalog.compactMap { $0.runtime?.kind == .node ? $0.runtime?.major : nil }.max()
    }

    /// The image carries no runtime at all: name the package that would add it, and
    /// whether its version fits.
    private func runtimeMissing(_ kind: RuntimeKind, image: Image, needed: String) -> Problem {
        var advice = "use a \(kind.rawValue) image, or --runtime none if the Dockerfile adds \(kind.displayName) itself"
        if let manager = image.packageManager, let offer = DistributionRuntime.offer(kind, image: image, manager: manager) {
            let fits = needed.isEmpty ? "" : (needed.contains(offer.version) ? " (fits)" : "; the project needs \(needed)")
            advice = "\(Fix.Install.command(manager, packages: [offer.package])) gives \(kind.displayName) \(offer.version)\(fits); or use a \(kind.rawValue) image"
        }
        return Problem(kind: .runtimeMissing, artifact: nil, library: nil, version: needed.isEmpty ? nil : needed, symbols: [],
                       message: "\(image.reference) carries no \(kind.displayName)" + (needed.isEmpty ? "" : "; the project needs \(needed)"),
                       fix: Fix(advice: advice))
    }
}

func fileName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}
