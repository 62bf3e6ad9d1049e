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
    static let systemDirectories = ["/lib/", "/lib64/", "/libx32/", "/usr/lib/", "/usr/lib64/", "/usr/libexec/", "/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/"]

    func isImageSystemFile(_ path: String) -> Bool {
        guard var root = imageFilesRoot else { return false }
        while root.hasSuffix("/") { root.removeLast() }
        guard path.hasPrefix(root + "/") else { return false }
        let inside = String(path.dropFirst(root.count))
        return Self.systemDirectories.contains { inside.hasPrefix($0) }
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
            for file in profile.files where file.isLoadable && applies(file, to: image) {
                problems += versionProblems(file, image, architecture)
            }
            problems += libcSonameProblems(profile, image)
            problems += executableStackProblems(profile, image)
            problems += interpreterProblems(profile, image)
            let libraries = libraryProblems(profile, image)
            problems += libraries.problems
            plan = libraries.plan
        }
        problems += runtimeProblems(profile, image, runtime: runtime)
        let files = systemFileProblems(profile, image, added: addedFiles)
        problems += files.problems
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
        if let floating = image.floating { notes.append("floating tag: \(floating)") }
        if !image.hasOwnLibraries(for: architecture) {
            notes.append("library set measured for \(image.architectureLibraries.keys.sorted().map(\.description).joined(separator: ", ")); assumed for \(architecture)")
        }
        if image.size(for: architecture.sizeKey(in: image))?.estimate == true { notes.append("size is an estimate") }
        if plan != nil && image.installedPackages == nil {
            notes.append("install size counts every dependency: \(image.reference)'s installed packages are not recorded")
        }
        return Verdict(image: image, architecture: architecture, problems: problems, notes: notes, status: status, installPlan: plan)
    }

    /// A file shipped in both libc flavours only binds the image to the flavour that matches it.
    private func applies(_ file: FileNeeds, to image: Image) -> Bool {
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

    /// glibc 2.41 and later refuse to dlopen a library that asks for an executable stack
    /// ("cannot enable executable stack as shared object requires: Invalid argument") unless
    /// the process's stack already is executable; Node and CPython's are not, so their addons,
    /// extension modules and every library those load fail (glibc NEWS 2.41; Debian's glibc
    /// 2.41-7 NEWS.Debian). A library a program loads at its start is still given one, so this
    /// is conservative for a library only a program of the project loads. musl does not refuse.
    private func executableStackProblems(_ profile: ProjectProfile, _ image: Image) -> [Problem] {
        guard image.libcFamily == .glibc, let have = image.libcVersion, have >= Self.glibcRefusingExecutableStacks else { return [] }
        let paths = profile.files.filter { $0.executableStack && $0.isLoadable && applies($0, to: image) && $0.libc != .musl }.map(\.path)
        guard let first = paths.first else { return [] }
        let more = paths.count > 1 ? " (and \(paths.count - 1) more)" : ""
        return [Problem(
            kind: .executableStack, artifact: first, artifacts: paths, library: nil, version: nil, symbols: [],
            message: "\(first)\(more) asks for an executable stack (PT_GNU_STACK with PF_X, or none); \(image.reference) has glibc \(have), whose dlopen refuses it: \"cannot enable executable stack as shared object requires\"",
            fix: Fix(advice: "relink it with -Wl,-z,noexecstack (or clear the flag: patchelf --clear-execstack), use an image with glibc older than 2.41, or set GLIBC_TUNABLES=glibc.rtld.execstack=2 in the image (an executable stack for the whole process)"))]
    }

    static let glibcRefusingExecutableStacks = VersionNumber([2, 41])

    /// A program whose PT_INTERP is not the psABI's loader path (built on NixOS, against a
    /// glibc in /opt, or changed with patchelf): images have their loader at that path only,
    /// and the kernel cannot start the program ("No such file or directory"). Judged against
    /// the psABI path for roots too (a root with a loader elsewhere is not looked into).
    private func interpreterProblems(_ profile: ProjectProfile, _ image: Image) -> [Problem] {
        profile.files.compactMap { file in
            guard file.isLoadable, applies(file, to: image), file.libc == image.libcFamily, let interpreter = file.interpreter,
                  let standard = LibcNames.standardLoaders(for: file.architecture), !standard.contains(interpreter) else { return nil }
            // Where the image's loader was measured (Debian's multiarch /lib/x86_64-linux-gnu/…) is a path it has too.
            let name = String(interpreter.split(separator: "/").last ?? "")
            if let measured = image.libraries(for: file.architecture)[name]?.path, measured == interpreter { return nil }
            let expected = standard.filter { LibcNames.family(ofLoader: $0) == file.libc }.sorted().first ?? standard.sorted()[0]
            return Problem(
                kind: .interpreterMissing, artifact: file.path, library: interpreter, version: nil, symbols: [],
                message: "\(file.path) names its loader \(interpreter); \(image.reference) has \(image.libcFamily.rawValue)'s loader at \(expected), so the kernel cannot start it (\"No such file or directory\")",
                fix: Fix(advice: "set the standard loader: patchelf --set-interpreter \(expected) (or link without --dynamic-linker)"))
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

    // MARK: Versions

    private func versionProblems(_ file: FileNeeds, _ image: Image, _ architecture: Architecture) -> [Problem] {
        var problems: [Problem] = []
        let libraries = image.libraries(for: architecture)
        for library in file.versionNeeds {
            if LibcNames.isLibc(library.library) {
                guard image.libcFamily == .glibc, let have = image.libcVersion else { continue }
                problems += glibcVersionProblems(file, library, image, have: have, defined: libraries[library.library]?.versions ?? [])
                // GLIBC_PRIVATE is defined by every glibc, but its symbols change from build to
                // build: what needs them (glibc's own libpthread or libm shipped with the project
                // and found through its RUNPATH) loads only with the glibc it came from.
                if !isImageSystemFile(file.path), let need = library.versions.first(where: { $0.version.name == "GLIBC_PRIVATE" && !$0.weak }),
                   !problems.contains(where: { $0.kind == .glibcPrivate && $0.artifact == file.path }) {
                    problems.append(Problem(
                        kind: .glibcPrivate, artifact: file.path, library: library.library, version: need.version.name, symbols: need.symbols,
                        message: "\(file.path) needs GLIBC_PRIVATE\(symbolText(need.symbols)) from \(library.library): glibc's internal interface, which only the glibc build it comes from has; \(image.reference)'s glibc \(have) cannot be confirmed to be that build",
                        fix: Fix(advice: "do not ship glibc's own libraries with the project (the image's are loaded otherwise), or rebuild without glibc internals")))
                }
                continue
            }
            guard let provided = libraries[library.library] else { continue }  // reported as missing below
            // Unnumbered versions (OPENSSL_1_1_1d, LIBSYSTEMD_PRIVATE…) can only be checked
            // where the image's version definitions were measured.
            let unnumbered = library.versions.filter {
                $0.version.number == nil && !$0.weak && !provided.versions.isEmpty
                    && provided.maxima[$0.version.family] == nil && !provided.versions.contains($0.version.name)
            }
            if let first = unnumbered.first {
                problems.append(Problem(
                    kind: .versionTooOld, artifact: file.path, library: library.library, version: first.version.name,
                    symbols: first.symbols,
                    message: "\(file.path) needs \(first.version.name)\(symbolText(first.symbols)) from \(library.library); \(image.reference)'s \(library.library) does not define it",
                    fix: Fix(advice: "use an image whose \(library.library) defines \(first.version.name), or rebuild against the image's version")))
            }
            let missing = library.versions.filter { $0.version.number != nil && !provided.provides($0.version) }
            guard let worst = missing.max(by: { ($0.version.number ?? VersionNumber([0])) < ($1.version.number ?? VersionNumber([0])) }) else { continue }
            let highest = provided.highest(worst.version.family).map { "up to \(worst.version.family)_\($0)" } ?? "no \(worst.version.family) versions"
            problems.append(Problem(
                kind: .versionTooOld, artifact: file.path, library: library.library, version: worst.version.name,
                symbols: worst.symbols,
                message: "\(file.path) needs \(worst.version.name)\(symbolText(worst.symbols)) from \(library.library); \(image.reference)'s \(library.library) provides \(highest)",
                fix: Fix(advice: "use an image with a newer \(library.library), or rebuild with an older toolchain")))
        }
        return problems
    }

    /// What a glibc library's version needs ask of an image with glibc `have`. Numbered
    /// versions against the release; GLIBC_PRIVATE (every glibc defines it) is not checked.
    /// A feature marker (`GLIBC_ABI_DT_RELR`: the loader refuses the file without it) against
    /// the library's measured version definitions (`defined`) where there are any, else against
    /// the first release that defines it; a marker neither settles is a problem too, as a gate
    /// must not pass what it cannot confirm.
    private func glibcVersionProblems(_ file: FileNeeds, _ library: LibraryVersionNeeds, _ image: Image, have: VersionNumber,
                                      defined: Set<String>) -> [Problem] {
        var problems: [Problem] = []
        let worst = library.versions.compactMap { need -> (VersionNeed, VersionNumber)? in
            if need.version.family == "GLIBC", let number = need.version.number { return (need, number) }
            guard GlibcFeatureVersion.isMarker(need.version), !need.weak, defined.isEmpty,
                  let release = GlibcFeatureVersion.firstRelease(of: need.version) else { return nil }
            return (need, release)
        }.filter { $0.1 > have }.max { $0.1 < $1.1 }
        if let (need, number) = worst {
            let feature = GlibcFeatureVersion.isMarker(need.version) ? markerText(need.version) : symbolText(need.symbols)
            problems.append(Problem(
                kind: .glibcTooOld, artifact: file.path, library: library.library, version: need.version.name,
                symbols: need.symbols,
                message: "\(file.path) needs \(need.version.name)\(feature) from \(library.library); \(image.reference) has glibc \(have)",
                fix: Fix(advice: GlibcFeatureVersion.isMarker(need.version)
                    ? "use an image with glibc ≥ \(number), or relink without the feature"
                    : "use an image with glibc ≥ \(number), or rebuild against an older glibc")))
        }
        let marker = library.versions.first { need in
            guard GlibcFeatureVersion.isMarker(need.version), !need.weak else { return false }
            if !defined.isEmpty { return !defined.contains(need.version.name) }
            return GlibcFeatureVersion.firstRelease(of: need.version) == nil
        }
        if let marker {
            let name = marker.version.name
            let why = defined.isEmpty
                ? "whether \(image.reference)'s \(library.library) (glibc \(have)) defines it is not known: its version definitions were not measured"
                : "\(image.reference)'s \(library.library) (glibc \(have)) does not define it: its loader refuses the file (or, where the linker wrote no marker, ignores the feature and the file crashes)"
            problems.append(Problem(
                kind: .glibcTooOld, artifact: file.path, library: library.library, version: name, symbols: marker.symbols,
                message: "\(file.path) needs \(name)\(markerText(marker.version)) from \(library.library); \(why)",
                fix: Fix(advice: defined.isEmpty
                    ? "check the image itself (--image or --rootfs), or use an image whose glibc is known to define \(name)"
                    : "use an image whose glibc defines \(name) (a newer glibc), or relink without the feature")))
        }
        return problems
    }

    /// " (packed relative relocations …)", or " (a loader feature)" for a marker not known by name.
    private func markerText(_ version: SymbolVersion) -> String {
        " (\(GlibcFeatureVersion.feature(of: version) ?? "a loader feature, not a symbol"))"
    }

    private func symbolText(_ symbols: [String]) -> String {
        guard !symbols.isEmpty else { return "" }
        let shown = symbols.prefix(3).joined(separator: ", ")
        return " (\(shown)\(symbols.count > 3 ? ", …" : ""))"
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
        if image.packageManager != nil {
            let needs = missing.map { entry in
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
            if let plan {
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
            return RuntimeNeeds.nodeProblems(node, carried: carried, image: image, today: today, newest: newestNodeMajor)
        case .python:
            let lockedPython = profile.requirements.lockfiles.map { !$0.python.isEmpty } == true
            guard let python = profile.requirements.python ?? (lockedPython ? PythonRuntime() : nil) else { return [] }
            guard let carried = image.runtime, carried.kind == .python else {
                return [runtimeMissing(.python, image: image, needed: RuntimeNeeds.pythonLines(python).map { "CPython \($0)" }.joined(separator: " or "))]
            }
            return RuntimeNeeds.pythonProblems(python, carried: carried, image: image)
        }
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

private func fileName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}
