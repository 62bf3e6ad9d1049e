import ELFInspection
import Foundation

/// Attributes ELF files to npm packages and reads what Node-specific naming and
/// metadata say: prebuild tags, napi-rs/sharp platform packages, `libc`/`cpu`
/// fields, the Node runtime the addons need.
struct NodeProjectAnalyzer {
    private let roots: [String]
    private var manifests: [String: FoundFile] = [:]    // display directory → its package.json
    private var parsed: [String: PackageJSON?] = [:]    // display directory → parsed manifest (nil: malformed)
    private var versionFiles: [String: String] = [:]    // display path of .nvmrc/.node-version → file system path
    private(set) var warnings: [ScanWarning] = []
    private(set) var findings: [Finding] = []
    private(set) var runtime = NodeRuntime()
    /// The names of the installed packages, read once when a foreign build asks.
    private var installedNames: Set<String>?

    init(files: [FoundFile], roots: [String]) {
        self.roots = roots.map(PathText.normalize)
        for file in files {
            let name = PathText.fileName(of: file.displayPath)
            if name == "package.json" {
                manifests[PathText.normalize(PathText.directory(of: file.displayPath))] = file
            } else if name == ".nvmrc" || name == ".node-version" {
                versionFiles[PathText.normalize(file.displayPath)] = file.fileSystemPath
            }
        }
    }

    var hasNodeContent: Bool { !manifests.isEmpty }

    mutating func analyze(_ artifacts: inout [Artifact]) {
        readProjectHints()
        runtime.installedPackages = manifests.keys.filter { $0.contains("node_modules/") || $0.hasPrefix("node_modules") }.count
        var variants: [String: [(index: Int, libc: LibcFamily)]] = [:]
        var platformPackages: [String: (name: NodePlatformName, packageName: String, artifact: String)] = [:]
        var allOptionalDependencies: Set<String> = []
        for directory in manifests.keys {
            if let manifest = manifest(at: directory) { allOptionalDependencies.formUnion(manifest.optionalDependencies) }
        }

        for index in artifacts.indices where !PathText.isWheelMember(artifacts[index].path) {
            let path = PathText.normalize(artifacts[index].path)
            let isAddon = path.hasSuffix(".node")
            let manifestHit = nearestManifest(above: path)
            let inPackage = manifestHit != nil && (isAddon || path.contains("/node_modules/") || path.hasPrefix("node_modules/"))
            guard isAddon || inPackage else { continue }
            let directory = manifestHit?.0 ?? PathText.directory(of: path)
            var origin: PackageOrigin?
            if inPackage, let (manifestDirectory, manifest) = manifestHit {
                var found = PackageOrigin(ecosystem: .npm, name: manifest.name ?? PathText.fileName(of: manifestDirectory),
                                          version: manifest.version, manifest: PathText.join(manifestDirectory, "package.json"))
                found.declaredOS = manifest.os
                found.declaredCPU = manifest.cpu
                found.declaredLibc = manifest.libc
                found.declaredGlibcRange = manifest.configGlibc
                found.declaredMuslRange = manifest.configMusl
                artifacts[index].origin = found
                origin = found
                checkMetadata(found, facts: artifacts[index].facts, path: artifacts[index].path)
            }
            let facts = artifacts[index].facts

            if isAddon {
                let addon = NodeAddon(facts: facts, path: path)
                artifacts[index].nodeAddon = addon
                recordRuntime(addon, path: artifacts[index].path)
                if let named = addon.mislabeledFor, let platform = addon.prebuildPlatform {
                    findings.append(Finding(
                        kind: .metadataMismatch, path: artifacts[index].path,
                        message: "prebuild directory \(platform) holds a build for \(facts.machine): node-gyp-build loads it on \(named.joined(separator: "/")), where it fails"))
                }
                if let platform = addon.prebuildPlatform, platform.hasPrefix("linux") {
                    let otherTags = addon.prebuildTags.filter { $0 != "glibc" && $0 != "musl" }
                    let key = "prebuild:" + directory + "|" + platform + "|" + otherTags.joined(separator: ".")
                    if facts.libc == .glibc || facts.libc == .musl { variants[key, default: []].append((index, facts.libc)) }
                    if let tagged = addon.taggedLibc, (facts.libc == .glibc || facts.libc == .musl), tagged != facts.libc {
                        findings.append(Finding(
                            kind: .metadataMismatch, path: artifacts[index].path,
                            message: "prebuild is tagged \(tagged.rawValue) but the file is linked against \(facts.libc.rawValue)"))
                    } else if addon.taggedLibc == nil && facts.libc == .glibc {
                        findings.append(Finding(
                            kind: .untaggedPrebuild, path: artifacts[index].path,
                            message: "prebuild has no libc tag, so node-gyp-build also picks it on musl (Alpine), where this glibc build fails to load",
                            fix: "rebuild the prebuilds with prebuildify --tag-libc, or add a musl prebuild"))
                    }
                }
            }
            if let origin, let platform = NodePlatformName(packageName: origin.name), facts.libc == .glibc || facts.libc == .musl {
                variants["package:" + platform.family + "|" + platform.cpu, default: []].append((index, facts.libc))
                platformPackages[origin.name] = (platform, origin.name, artifacts[index].path)
            }
        }

        // Packages that ship both a glibc and a musl build load on either libc.
        for (_, members) in variants {
            let families = Set(members.map(\.libc))
            guard families.contains(.glibc), families.contains(.musl) else { continue }
            for member in members { artifacts[member.index].hasOtherLibcVariant = true }
            if let first = members.first {
                findings.append(Finding(
                    kind: .bothLibcVariants, path: artifacts[first.index].path,
                    message: "both a glibc and a musl build are installed (\(members.map { artifacts[$0.index].path }.sorted().joined(separator: ", "))): this package loads on either libc"))
            }
        }
        // Only the glibc platform package is installed, but the family publishes a musl one.
        for (packageName, entry) in platformPackages.sorted(by: { $0.key < $1.key }) where entry.name.libc == .glibc {
            let sibling = entry.name.sibling(libc: .musl, originalName: packageName)
            guard platformPackages[sibling] == nil, allOptionalDependencies.contains(sibling) else { continue }
            findings.append(Finding(
                kind: .muslVariantAvailable, path: entry.artifact,
                message: "only the glibc build \(packageName) is installed; the package also publishes \(sibling)",
                fix: "install \(sibling) for musl images (run npm ci or yarn install inside the musl image, or add it explicitly)"))
        }
    }

    // MARK: Pieces

    /// Warnings for macOS and Windows builds where a Linux one belongs. Not counted: a
    /// prebuild for another system (`prebuilds/darwin-x64/`), which node-gyp-build passes
    /// over on Linux, and a file of a package whose `os` leaves Linux out (fsevents), which
    /// npm does not install there.
    mutating func warnings(for builds: [ForeignBuild], artifacts: [Artifact]) -> [ScanWarning] {
        builds.compactMap { build in
            // A prebuild for another system is passed over only when its package has an ELF
            // build beside it (`prebuilds/linux-x64/`, `build/Release/`) for the loader to pick.
            if let system = build.prebuildSystem, system != "linux", let package = build.prebuildPackage,
               artifacts.contains(where: { $0.path.hasPrefix(package + "/") }) {
                return nil
            }
            if let (_, manifest) = nearestManifest(above: PathText.normalize(build.path)), let os = manifest.os,
               !os.contains("linux"), os.contains(where: { !$0.hasPrefix("!") }) || os.contains("!linux") {
                // Unless it is the platform package of a family that publishes Linux ones
                // (sharp, napi-rs, esbuild …) and none of those is installed: then node_modules
                // was installed on another system, and the family's package cannot load here.
                guard let name = manifest.name, let family = linuxFamily(of: name) else { return nil }
                return ScanWarning(
                    path: build.path,
                    message: "a \(build.format.system) build (\(build.format.rawValue)) of \(name), one of \(family.parent)'s platform packages, and none of its "
                        + "Linux ones (\(family.linux.prefix(3).joined(separator: ", "))\(family.linux.count > 3 ? " …" : "")) is installed: the packages were "
                        + "installed on \(build.format.system), and \(family.parent) loads on no Linux image (install them on Linux, npm ci or yarn install, "
                        + "e.g. in the image's build stage)",
                    effect: .unjudged)
            }
            return build.warning
        }
    }

    /// For a package another one lists among its optionalDependencies beside packages named
    /// for Linux (`@img/sharp-darwin-arm64` beside `@img/sharp-linux-x64`): that parent and
    /// its Linux platform packages, when none of those is installed.
    private mutating func linuxFamily(of name: String) -> (parent: String, linux: [String])? {
        if installedNames == nil {
            installedNames = Set(manifests.keys.compactMap { manifest(at: $0)?.name })
        }
        let installed = installedNames ?? []
        for directory in manifests.keys.sorted() {
            guard let parent = manifest(at: directory), parent.optionalDependencies.contains(name) else { continue }
            let linux = parent.optionalDependencies.filter { $0.contains("linux") }.sorted()
            if !linux.isEmpty, !linux.contains(where: installed.contains) {
                return (parent.name ?? PathText.fileName(of: directory), linux)
            }
        }
        return nil
    }

    private mutating func manifest(at directory: String) -> PackageJSON? {
        if let cached = parsed[directory] { return cached }
        guard let file = manifests[directory] else { return nil }
        var result: PackageJSON?
        do throws(PackageJSON.LoadError) {
            if let bytes = file.contents {
                result = try PackageJSON.parse(Data(bytes))
            } else {
                result = try PackageJSON.load(fileSystemPath: file.fileSystemPath)
            }
        } catch {
            let message: String
            switch error {
            case .unreadable(let detail), .malformed(let detail): message = detail
            }
            warnings.append(ScanWarning(path: PathText.join(directory, "package.json"), message: message))
        }
        parsed[directory] = result
        return result
    }

    /// The closest package.json above `path`, not above the scan root it came from.
    private mutating func nearestManifest(above path: String) -> (String, PackageJSON)? {
        var directory = PathText.directory(of: path)
        let root = roots.filter { path == $0 || path.hasPrefix($0 == "/" ? "/" : $0 + "/") || $0 == "." }
            .max(by: { $0.count < $1.count })
        for _ in 0..<256 {
            if manifests[directory] != nil, let manifest = manifest(at: directory) { return (directory, manifest) }
            if directory == root || directory == "." || directory == "/" { return nil }
            let parent = PathText.directory(of: directory)
            if parent == directory { return nil }
            directory = parent
        }
        return nil
    }

    private mutating func checkMetadata(_ origin: PackageOrigin, facts: BinaryFacts, path: String) {
        if let declared = origin.declaredLibc, facts.libc == .glibc || facts.libc == .musl {
            let allowed = declared.filter { !$0.hasPrefix("!") }
            let denied = declared.filter { $0.hasPrefix("!") }.map { String($0.dropFirst()) }
            if (!allowed.isEmpty && !allowed.contains(facts.libc.rawValue)) || denied.contains(facts.libc.rawValue) {
                findings.append(Finding(
                    kind: .metadataMismatch, path: path,
                    message: "\(origin.name) declares libc \(declared) in package.json but this file is linked against \(facts.libc.rawValue)"))
            }
        }
        if let declared = origin.declaredCPU, let cpu = NodePlatformName.npmCPU(for: facts.architecture) {
            let allowed = declared.filter { !$0.hasPrefix("!") }
            if !allowed.isEmpty && !allowed.contains(cpu) {
                findings.append(Finding(
                    kind: .metadataMismatch, path: path,
                    message: "\(origin.name) declares cpu \(declared) in package.json but this file is \(facts.machine)"))
            }
        }
    }

    private mutating func recordRuntime(_ addon: NodeAddon, path: String) {
        switch addon.binding {
        case .napi: runtime.napiAddons.append(path)
        case .abi(let version): runtime.pinnedModuleVersions[version, default: []].append(path)
        case .unconfirmed:
            runtime.unconfirmedAddons.append(path)
            findings.append(Finding(
                kind: .unconfirmedNodeABI, path: path,
                message: "a classic NODE_MODULE addon (imports Node's C++ API, exports neither napi_register_module_v1 nor node_register_module_v<N>): it loads only on the Node it was built for, which the file does not record",
                fix: "rebuild it inside the target image (npm rebuild), or move the package to an N-API release"))
        case .unknown: break
        }
        if let version = addon.libnodeModuleVersion {
            runtime.libnodeAddons[path] = version
            findings.append(Finding(
                kind: .libnodeAddon, path: path,
                message: "needs libnode.so.\(version): built against a distribution's shared Node (apt's nodejs), it will not load on the official node images",
                fix: "rebuild it against the official Node headers (npm rebuild inside the node image)"))
        }
    }

    /// engines.node of the root package.json, .nvmrc and .node-version in the roots.
    private mutating func readProjectHints() {
        for root in roots {
            if runtime.enginesRange == nil, manifests[root] != nil { runtime.enginesRange = manifest(at: root)?.enginesNode }
            // `basefit recommend .` gives the root "." (normalised to ""): its files are ".nvmrc".
            func inRoot(_ name: String) -> String { PathText.normalize(root.isEmpty || root == "." ? name : PathText.join(root, name)) }
            if runtime.nvmrc == nil, let file = versionFiles[inRoot(".nvmrc")] { runtime.nvmrc = Self.firstLine(file) }
            if runtime.nodeVersionFile == nil, let file = versionFiles[inRoot(".node-version")] {
                runtime.nodeVersionFile = Self.firstLine(file)
            }
        }
    }

    /// The version a `.nvmrc` or `.node-version` names, as nvm reads it: the first line that
    /// is not empty once a `#` comment is cut off (`20 # pinned`, a comment line first).
    private static func firstLine(_ fileSystemPath: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: fileSystemPath) else { return nil }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 4096)) ?? Data()
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let value = line.prefix { $0 != "#" }.trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { return value }
        }
        return nil
    }
}
