import ELFInspection
import ImageCatalog
import ProjectScan

/// Which runtime the candidate images must carry.
public enum RuntimeChoice: String, Sendable, CaseIterable {
    case node, python, none
}

/// Holds one image against a project profile and explains every mismatch.
public struct Evaluator: Sendable {
    public var hints: @Sendable (String) -> [PackageHint]
    /// The whole catalog, to name a sibling image that ships what this one lacks.
    public var catalog: [Image]

    public init(hints: @escaping @Sendable (String) -> [PackageHint] = { _ in [] }, catalog: [Image] = []) {
        self.hints = hints
        self.catalog = catalog
    }

    public func evaluate(_ profile: ProjectProfile, on image: Image, runtime: RuntimeChoice) -> Verdict {
        var problems: [Problem] = []
        var notes: [String] = []

        if !image.architectures.contains(profile.architecture) && !image.architectures.contains("any") {
            problems.append(Problem(
                kind: .architecture, artifact: nil, library: nil, version: nil, symbols: [],
                message: "\(image.reference) is not published for \(profile.architecture) (it has \(image.architectures.joined(separator: ", ")))",
                fix: Fix(install: nil, advice: "pick an image published for \(profile.architecture)")))
        }
        problems += libcProblems(profile, image)
        if image.libcFamily != "none" {
            for artifact in profile.artifacts where applies(artifact, to: image) {
                problems += versionProblems(artifact, image)
            }
            problems += libraryProblems(profile, image)
        }
        problems += runtimeProblems(profile, image, runtime: runtime)

        if let date = image.discontinuedDate { notes.append("discontinued since \(date): no more security updates") }
        if image.size(for: profile.architecture)?.estimate == true { notes.append("size is an estimate") }
        return Verdict(image: image, architecture: profile.architecture, problems: problems, notes: notes)
    }

    /// An artifact shipped in both libc flavours only binds the image to the flavour that matches it.
    private func applies(_ artifact: Artifact, to image: Image) -> Bool {
        guard artifact.hasOtherLibcVariant else { return true }
        return artifact.facts.libc.rawValue == image.libcFamily
    }

    // MARK: libc

    private func libcProblems(_ profile: ProjectProfile, _ image: Image) -> [Problem] {
        let requirements = profile.requirements
        let name = image.reference
        switch requirements.libc {
        case .conflict:
            let glibc = requirements.libcEvidence[.glibc]?.first ?? "?"
            let musl = requirements.libcEvidence[.musl]?.first ?? "?"
            return [Problem(kind: .libcConflict, artifact: glibc, library: nil, version: nil, symbols: [],
                            message: "the project needs both glibc (\(glibc)) and musl (\(musl)); no image has both",
                            fix: Fix(install: nil, advice: "install one libc's builds only (e.g. rebuild or reinstall the packages inside the target image)"))]
        case .glibc, .musl:
            let needed = requirements.libc.rawValue
            guard image.libcFamily != needed else { return [] }
            let evidence = (requirements.libcEvidence[requirements.libc == .glibc ? .glibc : .musl] ?? [])
            guard let first = evidence.first, let artifact = profile.artifacts.first(where: { $0.path == first }) else { return [] }
            let loader = artifact.facts.interpreter.map { PathText(fileName: $0) }
                ?? (requirements.libc == .glibc ? "libc.so.6" : "libc.musl-\(profile.machine).so.1")
            let more = evidence.count > 1 ? " (and \(evidence.count - 1) more)" : ""
            if image.libcFamily == "none" {
                return [Problem(kind: .noLibc, artifact: first, library: loader, version: nil, symbols: [],
                                message: "\(first)\(more) is dynamically linked against \(needed) and needs \(loader); \(name) has no libc and no dynamic loader",
                                fix: Fix(install: nil, advice: "use a base with \(needed) (e.g. a distroless base/cc image), or link statically"))]
            }
            let advice = requirements.libc == .glibc
                ? "install the musl builds of these packages (npm: the -musl platform packages; pip: musllinux wheels) or keep a glibc image; gcompat does not make glibc binaries safe on musl"
                : "use a musl image (alpine), or install the glibc builds"
            return [Problem(kind: .libcMismatch, artifact: first, library: loader, version: nil, symbols: [],
                            message: "\(first)\(more) needs \(needed) (\(loader)); \(name) has \(image.libcFamily)",
                            fix: Fix(install: nil, advice: advice))]
        case .either:
            guard image.libcFamily == "none" else { return [] }
            let first = requirements.libcEvidence[.either]?.first ?? "?"
            return [Problem(kind: .noLibc, artifact: first, library: nil, version: nil, symbols: [],
                            message: "\(first) is dynamically linked; \(name) has no libc and no dynamic loader",
                            fix: Fix(install: nil, advice: "use a base with a libc"))]
        case .none, .unknown:
            return []
        }
    }

    // MARK: Versions

    private func versionProblems(_ artifact: Artifact, _ image: Image) -> [Problem] {
        var problems: [Problem] = []
        let facts = artifact.facts
        for library in facts.versionNeeds where artifact.bundled[library.library] == nil {
            if LibcSonames.isLibc(library.library) {
                guard image.libcFamily == "glibc", let have = image.libcVersion else { continue }
                // GLIBC_PRIVATE and unnumbered versions cannot be checked against a release.
                let worst = library.versions.filter { $0.version.family == "GLIBC" }
                    .compactMap { need in need.version.number.map { (need, $0) } }
                    .filter { $0.1 > have }.max { $0.1 < $1.1 }
                if let (need, number) = worst {
                    problems.append(Problem(
                        kind: .glibcTooOld, artifact: artifact.path, library: library.library, version: need.version.name,
                        symbols: need.symbols,
                        message: "\(artifact.path) needs \(need.version.name)\(symbolText(need.symbols)) from \(library.library); \(image.reference) has glibc \(have)",
                        fix: Fix(install: nil, advice: "use an image with glibc ≥ \(number), or rebuild against an older glibc")))
                }
                continue
            }
            guard let provided = image.libraries[library.library] else { continue }  // reported as missing below
            // Unnumbered versions (OPENSSL_1_1_1d, LIBSYSTEMD_PRIVATE…) can only be checked
            // where the image's version definitions were measured.
            let unnumbered = library.versions.filter {
                $0.version.number == nil && !$0.weak && !provided.versions.isEmpty
                    && provided.maxima[$0.version.family] == nil && !provided.versions.contains($0.version.name)
            }
            if let first = unnumbered.first {
                problems.append(Problem(
                    kind: .versionTooOld, artifact: artifact.path, library: library.library, version: first.version.name,
                    symbols: first.symbols,
                    message: "\(artifact.path) needs \(first.version.name)\(symbolText(first.symbols)) from \(library.library); \(image.reference)'s \(library.library) does not define it",
                    fix: Fix(install: nil, advice: "use an image whose \(library.library) defines \(first.version.name), or rebuild against the image's version")))
            }
            let missing = library.versions.filter { $0.version.number != nil && !provided.provides($0.version) }
            guard let worst = missing.max(by: { ($0.version.number ?? VersionNumber([0])) < ($1.version.number ?? VersionNumber([0])) }) else { continue }
            let highest = provided.highest(worst.version.family).map { "up to \(worst.version.family)_\($0)" } ?? "no \(worst.version.family) versions"
            problems.append(Problem(
                kind: .versionTooOld, artifact: artifact.path, library: library.library, version: worst.version.name,
                symbols: worst.symbols,
                message: "\(artifact.path) needs \(worst.version.name)\(symbolText(worst.symbols)) from \(library.library); \(image.reference)'s \(library.library) provides \(highest)",
                fix: Fix(install: nil, advice: "use an image with a newer \(library.library), or rebuild with an older toolchain")))
        }
        return problems
    }

    private func symbolText(_ symbols: [String]) -> String {
        guard !symbols.isEmpty else { return "" }
        let shown = symbols.prefix(3).joined(separator: ", ")
        return " (\(shown)\(symbols.count > 3 ? ", …" : ""))"
    }

    // MARK: Libraries

    private func libraryProblems(_ profile: ProjectProfile, _ image: Image) -> [Problem] {
        var problems: [Problem] = []
        for soname in profile.requirements.sonames where image.libraries[soname.soname] == nil {
            if let only = soname.onlyFor, only.rawValue != image.libcFamily { continue }
            // On musl, glibc-only needs are already a libc mismatch.
            let users = soname.neededBy.filter { path in
                guard let artifact = profile.artifacts.first(where: { $0.path == path }) else { return true }
                return applies(artifact, to: image) && (artifact.facts.libc.rawValue == image.libcFamily || artifact.facts.libc == .either)
            }
            guard let first = users.first else { continue }
            let more = users.count > 1 ? " (and \(users.count - 1) more)" : ""
            var fix = Fix(install: nil, advice: nil)
            if let manager = image.packageManager, let hint = hint(for: soname.soname, image: image, manager: manager) {
                fix.install = Fix.Install(manager: manager, package: hint.package, bytes: hint.installedBytes, estimate: hint.estimate)
            } else if image.packageManager == nil {
                if let sibling = sibling(of: image, providing: soname.soname) {
                    fix.advice = "use \(sibling.reference) instead: it ships \(soname.soname) (\(image.reference) has no package manager)"
                } else {
                    fix.advice = "\(image.reference) has no package manager: pick an image that ships \(soname.soname), or copy it in from a build stage"
                }
            } else {
                fix.advice = "install the package that provides \(soname.soname)"
            }
            problems.append(Problem(
                kind: .missingLibrary, artifact: first, library: soname.soname, version: nil, symbols: [],
                message: "\(first)\(more) needs \(soname.soname); \(image.reference) does not provide it",
                fix: fix))
        }
        return problems
    }

    /// The smallest image of the same family, libc, release and runtime that ships `soname`.
    private func sibling(of image: Image, providing soname: String) -> Image? {
        catalog.filter {
            $0.reference != image.reference && $0.family == image.family && $0.libcFamily == image.libcFamily
                && $0.osVersion == image.osVersion && $0.runtime?.kind == image.runtime?.kind
                && $0.libraries[soname] != nil && $0.discontinuedDate == nil
        }.min { ($0.sizes.first?.compressedBytes ?? .max) < ($1.sizes.first?.compressedBytes ?? .max) }
    }

    private func hint(for soname: String, image: Image, manager: String) -> PackageHint? {
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
        var problems: [Problem] = []
        if let node = profile.requirements.node, runtime == .node {
            guard let carried = image.runtime, carried.kind == "node" else {
                return [Problem(kind: .runtimeMissing, artifact: nil, library: nil, version: nil, symbols: [],
                                message: "\(image.reference) carries no Node.js", fix: Fix(install: nil, advice: "use a node image, or --runtime none to add Node yourself"))]
            }
            let major = Int(carried.version.split(separator: ".").first ?? "")
            for (moduleVersion, addons) in node.pinnedModuleVersions.sorted(by: { $0.key < $1.key }) {
                let needed = NodeABI.major(forModuleVersion: moduleVersion)
                if needed == nil || needed != major {
                    let what = needed.map { "Node \($0)" } ?? "an unofficial Node (NODE_MODULE_VERSION \(moduleVersion))"
                    problems.append(Problem(
                        kind: .runtimeMismatch, artifact: addons.first, library: nil, version: "NODE_MODULE_VERSION \(moduleVersion)",
                        symbols: ["node_register_module_v\(moduleVersion)"],
                        message: "\(addons.first!) is built for \(what) (exports node_register_module_v\(moduleVersion)); \(image.reference) has Node \(carried.version)",
                        fix: Fix(install: nil, advice: "use a node:\(needed.map(String.init) ?? "?") image, or rebuild the addon (npm rebuild) for Node \(carried.version)")))
                }
            }
            for (addon, version) in node.libnodeAddons.sorted(by: { $0.key < $1.key }) {
                problems.append(Problem(
                    kind: .libnodeAddon, artifact: addon, library: "libnode.so.\(version)", version: nil, symbols: [],
                    message: "\(addon) needs libnode.so.\(version): it was built for a distribution's shared Node, and the official node image links Node statically",
                    fix: Fix(install: nil, advice: "rebuild the addon inside the node image (npm rebuild)")))
            }
        }
        if let python = profile.requirements.python, runtime == .python {
            guard let carried = image.runtime, carried.kind == "python" else {
                return [Problem(kind: .runtimeMissing, artifact: nil, library: nil, version: nil, symbols: [],
                                message: "\(image.reference) carries no Python", fix: Fix(install: nil, advice: "use a python image, or --runtime none"))]
            }
            let imageVersion = carried.version.split(separator: ".").prefix(2).joined(separator: ".")
            for (version, modules) in python.versions.sorted(by: { $0.key < $1.key }) where version != imageVersion {
                problems.append(Problem(
                    kind: .runtimeMismatch, artifact: modules.first, library: nil, version: "CPython \(version)", symbols: [],
                    message: "\(modules.first!)\(modules.count > 1 ? " (and \(modules.count - 1) more)" : "") is built for CPython \(version); \(image.reference) has Python \(carried.version)",
                    fix: Fix(install: nil, advice: "use a python:\(version) image, or reinstall the wheels for Python \(imageVersion)")))
            }
        }
        return problems
    }
}

private func PathText(fileName path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}
