import Domain
import ELFInspection
import ImageCatalog
import ProjectScan

/// What the project needs of a runtime an image carries, and every way a carried
/// runtime falls short: ABI-pinned Node addons, classic addons whose ABI cannot be
/// confirmed, version files, CPython versions, free-threaded builds.
enum RuntimeNeeds {
    // MARK: Node

    /// The Node majors the addons and version files name (for messages).
    static func nodeMajors(_ node: NodeRuntime) -> [Int] {
        var majors = Set(node.pinnedMajors)
        for text in [node.nvmrc, node.nodeVersionFile].compactMap({ $0 }) {
            if let major = NodeVersionConstraint.major(text) { majors.insert(major) }
        }
        return majors.sorted()
    }

    /// `maintained`: the Node majors some maintained catalog image carries; the fix never sends a
    /// user to a Node past its end of life.
    /// Rebuild for the image's Node; move to the addon's Node only while that Node is maintained.
    static func nodeAdvice(needed: Int?, carried: Image.Runtime, maintained: Set<Int>) -> String {
        let rebuild = "rebuild the addon (npm rebuild) for Node \(carried.version)"
        guard let needed else { return "use the Node it was built for, or \(rebuild)" }
        if maintained.contains(needed) { return "use a node:\(needed) image, or \(rebuild)" }
        return "\(rebuild) (Node \(needed), which it was built for, is past its end of life: no maintained image carries it)"
    }

    static func nodeProblems(_ node: NodeRuntime, carried: Image.Runtime, image: Image, today: Day, newest: Int?,
                             maintained: Set<Int> = []) -> [Problem] {
        var problems: [Problem] = []
        let major = carried.major
        for (moduleVersion, addons) in node.pinnedModuleVersions.sorted(by: { $0.key < $1.key }) {
            let needed = NodeABI.major(forModuleVersion: moduleVersion)
            let confirmed = carried.moduleVersion.map { $0 == moduleVersion } ?? (needed != nil && needed == major)
            guard !confirmed else { continue }
            let what = needed.map { "Node \($0)" }
                ?? (NodeABI.isNewerThanKnown(moduleVersion) ? "a Node newer than this basefit knows (NODE_MODULE_VERSION \(moduleVersion))"
                    : "an unofficial Node (NODE_MODULE_VERSION \(moduleVersion))")
            let more = addons.count > 1 ? " (and \(addons.count - 1) more)" : ""
            problems.append(Problem(
                kind: .runtimeMismatch, artifact: addons.first, artifacts: addons, library: nil, version: "NODE_MODULE_VERSION \(moduleVersion)",
                symbols: ["node_register_module_v\(moduleVersion)"],
                message: "\(addons[0])\(more) is built for \(what) (exports node_register_module_v\(moduleVersion)); \(image.reference) has Node \(carried.version)",
                fix: Fix(advice: Self.nodeAdvice(needed: needed, carried: carried, maintained: maintained))))
        }
        if !node.unconfirmedAddons.isEmpty {
            let addons = node.unconfirmedAddons
            let more = addons.count > 1 ? " (and \(addons.count - 1) more)" : ""
            problems.append(Problem(
                kind: .runtimeMismatch, artifact: addons[0], artifacts: addons, library: nil, version: nil, symbols: ["node_module_register"],
                message: "\(addons[0])\(more) is a classic NODE_MODULE addon: it loads only on the Node it was built for, and the file does not record which; its ABI cannot be confirmed for \(image.reference) (Node \(carried.version))",
                fix: Fix(advice: "rebuild it inside \(image.reference) (npm rebuild) and scan the result, or move the package to an N-API release")))
        }
        for (addon, version) in node.libnodeAddons.sorted(by: { $0.key < $1.key }) {
            problems.append(Problem(
                kind: .libnodeAddon, artifact: addon, library: "libnode.so.\(version)", version: nil, symbols: [],
                message: "\(addon) needs libnode.so.\(version): it was built for a distribution's shared Node, and the official node image links Node statically",
                fix: Fix(advice: "rebuild the addon inside the node image (npm rebuild)")))
        }
        for (file, text) in [(".nvmrc", node.nvmrc), (".node-version", node.nodeVersionFile), ("engines.node", node.enginesRange)] {
            guard let text, let major, let constraint = NodeVersionConstraint(text, file: file, today: today, newest: newest) else { continue }
            guard !constraint.allows(major: major) else { continue }
            problems.append(Problem(
                kind: .runtimeMismatch, artifact: file, library: nil, version: text, symbols: [],
                message: "\(file) asks for Node \(text); \(image.reference) has Node \(carried.version)",
                fix: Fix(advice: "use a node image of \(constraint.summary), or change \(file)")))
        }
        return problems
    }

    /// Addons calling Node-API functions a Node of the image does not export: with BIND_NOW
    /// (Rust and most prebuilt addons) `require` fails ("undefined symbol: node_api_…"), else
    /// the call does. Judged where the Nodes' own files were read (`--rootfs`, `--image`), against
    /// each Node found there; the catalog does not record a Node's exports.
    static func nodeAPIProblems(_ addons: [FileNeeds], carried: Image.Runtime, image: Image) -> [Problem] {
        nodes(carried, image).flatMap { node -> [Problem] in
            guard let exports = node.nodeAPIExports else { return [] }
            return addons.compactMap { addon in
                let missing = addon.nodeAPIFunctions.filter { !exports.contains($0) }
                guard !missing.isEmpty else { return nil }
                return Problem(
                    kind: .nodeAPIMissing, artifact: addon.path, library: nil, version: nil, symbols: missing,
                    message: "\(addon.path) calls \(missing.joined(separator: ", ")), which \(name(node)) in \(image.reference) does not export: "
                        + "the addon fails to load (\"undefined symbol\") or at that call",
                    fix: Fix(advice: "use an image with a newer Node, or a release of the package built for an older Node-API version"))
            }
        }
    }

    /// The functions from Node-API 9 on (`node_api_*`, which Nodes still in use differ on) that
    /// addons call, named as not checked for a Node whose exports are not known: a catalog
    /// image's (or one imported into the catalog), or a measured one's that could not be read.
    static func nodeAPINotes(_ addons: [FileNeeds], carried: Image.Runtime, image: Image) -> [String] {
        let later = Set(addons.flatMap { $0.nodeAPIFunctions.filter { $0.hasPrefix("node_api_") } }).sorted()
        guard let first = later.first else { return [] }
        let more = later.count > 1 ? " and \(later.count - 1) more" : ""
        return nodes(carried, image).filter { $0.nodeAPIExports == nil }.map { node in
            "not checked: whether \(name(node)) exports \(first)\(more) (Node-API 9+): not known for this image (--rootfs or --image reads it)"
        }
    }

    private static func nodes(_ carried: Image.Runtime, _ image: Image) -> [Image.Runtime] {
        [carried] + image.otherNodes.filter { $0 != carried }
    }

    private static func name(_ node: Image.Runtime) -> String {
        "Node \(node.version)" + (node.path.map { " (\($0))" } ?? "")
    }

    // MARK: Python

    /// The CPython lines the project is bound to (`3.12`, `3.13t`).
    static func pythonLines(_ python: PythonRuntime) -> [String] {
        var lines = Set(python.versions.keys)
        if let line = python.virtualenvLine { lines.insert(line) }
        return lines.sorted()
    }

    static func pythonProblems(_ python: PythonRuntime, carried: Image.Runtime, image: Image) -> [Problem] {
        var problems: [Problem] = []
        let line = carried.line
        let have = carried.freeThreaded ? "free-threaded Python \(carried.version)" : "Python \(carried.version)"
        for (key, modules) in python.versions.sorted(by: { $0.key < $1.key }) {
            let freeThreaded = key.hasSuffix("t")
            let version = freeThreaded ? String(key.dropLast()) : key
            guard version != line || freeThreaded != carried.freeThreaded else { continue }
            let more = modules.count > 1 ? " (and \(modules.count - 1) more)" : ""
            let built = freeThreaded ? "free-threaded CPython \(version) (cp\(version.replacingOccurrences(of: ".", with: ""))t)" : "CPython \(version)"
            let advice: String
            if version == line {
                advice = freeThreaded
                    ? "use a free-threaded \(version) interpreter (python\(version)t), or install the regular cp\(version.replacingOccurrences(of: ".", with: "")) wheels"
                    : "use a regular (not free-threaded) \(version) interpreter, or install the cp\(version.replacingOccurrences(of: ".", with: ""))t wheels"
            } else if freeThreaded {
                advice = "use an image with a free-threaded CPython \(version) (python\(version)t), or reinstall the wheels for the image's Python \(line)"
            } else {
                advice = "use a python:\(version) image, or reinstall the wheels for Python \(line)"
            }
            problems.append(Problem(
                kind: .runtimeMismatch, artifact: modules.first, artifacts: modules, library: nil, version: "CPython \(key)", symbols: [],
                message: "\(modules[0])\(more) is built for \(built); \(image.reference) has \(have)",
                fix: Fix(advice: advice)))
        }
        problems += stableABIProblems(python, carried: carried, image: image)
        if let venv = python.virtualenvLine, venv != line, !python.versions.keys.contains(where: { $0.hasPrefix(venv) }) {
            problems.append(Problem(
                kind: .runtimeMismatch, artifact: "pyvenv.cfg", library: nil, version: "CPython \(venv)", symbols: [],
                message: "the virtualenv was made by Python \(python.virtualenvVersion ?? venv) (pyvenv.cfg); \(image.reference) has Python \(carried.version), and a venv's site-packages only load on its own Python line",
                fix: Fix(advice: "use a python:\(venv) image, or recreate the virtualenv with Python \(line)")))
        }
        return problems
    }
}

extension RuntimeNeeds {
    /// `abi3` modules whose wheel is tagged `cpXY-abi3` on a CPython older than X.Y: pip does not
    /// install the wheel there, and the module calls what that CPython lacks ("undefined symbol").
    static func stableABIProblems(_ python: PythonRuntime, carried: Image.Runtime, image: Image) -> [Problem] {
        guard let have = VersionNumber(carried.line) else { return [] }
        return python.abi3MinimumVersions.sorted(by: { $0.key < $1.key }).compactMap { floor, modules in
            guard let needed = VersionNumber(floor), have < needed, let first = modules.first else { return nil }
            let more = modules.count > 1 ? " (and \(modules.count - 1) more)" : ""
            let tag = "cp\(floor.replacingOccurrences(of: ".", with: ""))-abi3"
            return Problem(
                kind: .runtimeMismatch, artifact: first, artifacts: modules, library: nil, version: "CPython >= \(floor)", symbols: [],
                message: "\(first)\(more) is a stable-ABI module of a wheel tagged \(tag): it needs CPython \(floor) or newer; \(image.reference) has Python \(carried.version)",
                fix: Fix(advice: "use a python:\(floor) (or newer) image, or install a release of the package tagged for an older cpXY-abi3"))
        }
    }

    /// Modules whose name carries a platform triplet the image's CPython does not import
    /// (`_x.cpython-311-x86_64-linux-musl.so` under a glibc CPython): `import` never opens them
    /// ("No module named"). A glibc CPython's names end `-linux-gnu`; a musl CPython's end
    /// `-linux-musl` from 3.11 on (bpo-43112) and `-linux-gnu` before. A module linked against
    /// the other libc is left to the libc check (`libc-mismatch`), which names the real fix.
    static func suffixProblems(_ python: PythonRuntime, files: [FileNeeds], carried: Image.Runtime, image: Image) -> [Problem] {
        guard let have = VersionNumber(carried.line) else { return [] }
        let imported: LibcFamily
        switch image.libcFamily {
        case .glibc: imported = .glibc
        case .musl: imported = have >= VersionNumber([3, 11]) ? .musl : .glibc
        default: return []
        }
        let otherLibc = Set(files.filter { ($0.libc == .glibc || $0.libc == .musl) && $0.libc != image.libcFamily }.map(\.path))
        let named = python.versions.values.flatMap { $0 }.sorted().filter { path in
            !otherLibc.contains(path)
                && PythonExtension(fileName: String(path.split(separator: "/").last ?? "")).flatMap(\.libc).map { $0 != imported } == true
        }
        guard let first = named.first else { return [] }
        let more = named.count > 1 ? " (and \(named.count - 1) more)" : ""
        let suffix = imported == .musl ? "-linux-musl" : "-linux-gnu"
        return [Problem(
            kind: .runtimeMismatch, artifact: first, artifacts: named, library: nil, version: nil, symbols: [],
            message: "\(first)\(more) is named for another platform than \(image.reference)'s Python \(carried.version) (\(image.libcFamily.rawValue)) imports: "
                + "it imports only extension modules named …\(suffix).so, .abi3.so or .so, so this one is never loaded (\"No module named\")",
            fix: Fix(advice: "install the package's wheel for \(image.libcFamily.rawValue) (\(imported == .musl ? "musllinux" : "manylinux")), or use an image whose Python imports this name"))]
    }
}

/// Which Python and Node a distribution's own packages give, for the fix of a
/// `runtime-missing` problem on a base without the runtime. Versions are those of
/// each release's `python3` and `nodejs` packages (packages.debian.org, Ubuntu
/// Launchpad, Alpine's aports for the release branch).
enum DistributionRuntime {
    struct Offer {
        var package: String
        var version: String
    }

    static func offer(_ kind: RuntimeKind, image: Image, manager: PackageManager) -> Offer? {
        let key = "\(image.osName) \(image.osVersion ?? "")"
        let table: [String: (python: String, node: String)] = [
            "debian 11": ("3.9", "12"), "debian 12": ("3.11", "18"), "debian 13": ("3.13", "20"),
            "ubuntu 20.04": ("3.8", "10"), "ubuntu 22.04": ("3.10", "12"), "ubuntu 24.04": ("3.12", "18"),
            "alpine 3.18": ("3.11", "18"), "alpine 3.19": ("3.11", "20"), "alpine 3.20": ("3.12", "20"),
            "alpine 3.21": ("3.12", "22"), "alpine 3.22": ("3.12", "22"),
        ]
        guard let versions = table[key] else { return nil }
        switch (kind, manager) {
        case (.python, .apt), (.python, .apk): return Offer(package: "python3", version: versions.python)
        case (.node, .apt), (.node, .apk): return Offer(package: "nodejs", version: versions.node)
        default: return nil
        }
    }
}
