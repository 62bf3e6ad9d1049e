import ELFInspection
import Foundation

/// Attributes extension modules to PyPI distributions (site-packages RECORD files,
/// wheels), reads their file-name suffixes, and holds each wheel's platform tag
/// against what its files really need, as auditwheel does.
struct PythonProjectAnalyzer {
    private var recordOwners: [String: (name: String, version: String?, record: String)] = [:]
    /// `Tag:` lines of each installed distribution's `WHEEL`, by its `*.dist-info` directory.
    private var installedTags: [String: [String]] = [:]
    private var virtualenvConfig: String?
    private(set) var warnings: [ScanWarning] = []
    private(set) var findings: [Finding] = []
    private(set) var runtime = PythonRuntime()

    /// RECORD files larger than this are not parsed.
    static let recordSizeLimit = 64 * 1024 * 1024

    init(files: [FoundFile]) {
        for file in files {
            let name = PathText.fileName(of: file.displayPath)
            if name == "RECORD", PathText.directory(of: file.displayPath).hasSuffix(".dist-info") {
                readRecord(file)
            } else if WheelMetadataFile.isWheelFile(name: name, parent: PathText.directory(of: file.displayPath)) {
                if let data = FileManager.default.contents(atPath: file.fileSystemPath), data.count <= 65_536 {
                    installedTags[PathText.normalize(PathText.directory(of: file.displayPath))] = WheelMetadataFile.tags(data)
                }
            } else if name == "pyvenv.cfg", virtualenvConfig == nil {
                virtualenvConfig = file.fileSystemPath
            }
        }
        if let virtualenvConfig {
            let config = Self.venvConfig(virtualenvConfig)
            runtime.virtualenvVersion = config["version"] ?? config["version_info"]
            // python3.13t: a free-threaded interpreter made the venv.
            runtime.virtualenvFreeThreaded = (config["executable"] ?? config["home"] ?? "").range(of: #"python3\.\d+t$"#, options: .regularExpression) != nil
        }
        runtime.installedDistributions = Set(recordOwners.values.map(\.record)).count
    }

    mutating func analyze(_ artifacts: inout [Artifact], wheels: [WheelSummary]) {
        let wheelsByPath = Dictionary(wheels.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        for wheel in wheels where wheel.elfMembers > 0 {
            runtime.wheelPlatformTags[wheel.path] = wheel.name?.platformTags
                ?? Array(Set(wheel.declaredTags.compactMap { $0.split(separator: "-").last.map(String.init) })).sorted()
        }
        for index in artifacts.indices {
            let path = artifacts[index].path
            let facts = artifacts[index].facts
            let owner = recordOwners[PathText.normalize(path)]
            if let owner {
                artifacts[index].origin = PackageOrigin(ecosystem: .pypi, name: owner.name, version: owner.version,
                                                        manifest: owner.record)
            }
            var wheel: WheelSummary?
            if let bang = path.range(of: "!/") {
                wheel = wheelsByPath[String(path[..<bang.lowerBound])]
                if let wheel, let name = wheel.name {
                    artifacts[index].origin = PackageOrigin(ecosystem: .pypi, name: name.distribution,
                                                            version: name.version, manifest: wheel.path)
                }
            }
            if var module = PythonExtension(fileName: PathText.fileName(of: path)) {
                if module.abi == "abi3", let floor = stableABIFloor(wheel: wheel, record: owner?.record) {
                    module.minimumPythonVersion = floor.description
                    runtime.abi3MinimumVersions[floor.description, default: []].append(path)
                }
                artifacts[index].pythonExtension = module
                if let version = module.pythonVersion {
                    let key = module.abi.hasSuffix("t") ? version + "t" : version
                    runtime.versions[key, default: []].append(path)
                }
                if module.abi == "abi3" { runtime.abi3Modules.append(path) }
                checkSuffix(module, facts: facts, path: path)
            }
            if let wheel { checkTag(wheel, artifact: artifacts[index]) }
        }
    }

    /// The oldest CPython an `abi3` module loads on, by the tags of the wheel it is read from,
    /// or of the installed distribution whose RECORD lists it (`StableABITag`).
    private func stableABIFloor(wheel: WheelSummary?, record: String?) -> VersionNumber? {
        if let wheel { return StableABITag.minimumPython(name: wheel.name, declared: wheel.declaredTags) }
        guard let record, let tags = installedTags[PathText.normalize(PathText.directory(of: record))] else { return nil }
        return StableABITag.minimumPython(name: nil, declared: tags)
    }

    // MARK: Checks

    private mutating func checkSuffix(_ module: PythonExtension, facts: BinaryFacts, path: String) {
        if let architecture = module.architecture, let machine = module.machine, !facts.architecture.runs(on: architecture) {
            findings.append(Finding(kind: .extensionSuffixMismatch, path: path,
                                    message: "the file name says \(module.platform ?? machine) but the file is \(facts.machine)"))
        }
        if let libc = module.libc, facts.libc == .glibc || facts.libc == .musl, libc != facts.libc {
            findings.append(Finding(kind: .extensionSuffixMismatch, path: path,
                                    message: "the file name says \(libc.rawValue) (\(module.platform ?? "")) but the file is linked against \(facts.libc.rawValue)"))
        }
    }

    /// A wheel's platform tags promise where it installs; its files must keep that promise.
    private mutating func checkTag(_ wheel: WheelSummary, artifact: Artifact) {
        let tags = Set((wheel.name?.platformTags ?? []) + wheel.declaredTags.compactMap { $0.split(separator: "-").last.map(String.init) })
            .map(PlatformTag.init)
        let facts = artifact.facts
        let manylinux = tags.compactMap { tag -> (VersionNumber, String)? in
            if case .manylinux(let glibc, let arch) = tag { return (glibc, arch) }
            return nil
        }
        let musllinux = tags.contains { if case .musllinux = $0 { return true } else { return false } }
        let tagMachines = Set(tags.compactMap(\.machine))
        if !tagMachines.isEmpty, !tags.contains(where: { $0.architecture.map(facts.architecture.runs(on:)) == true }) {
            findings.append(Finding(kind: .wheelTagViolation, path: artifact.path,
                                    message: "the wheel is tagged for \(tagMachines.sorted().joined(separator: ", ")) but this file is \(facts.machine)"))
        }
        if musllinux && manylinux.isEmpty && facts.libc == .glibc {
            findings.append(Finding(kind: .wheelTagViolation, path: artifact.path,
                                    message: "the wheel is tagged musllinux but this file is linked against glibc (needs \(facts.interpreter ?? "libc.so.6"))",
                                    fix: "rebuild it in a musllinux build image (cibuildwheel / auditwheel repair)"))
        }
        if !manylinux.isEmpty && !musllinux && facts.libc == .musl {
            findings.append(Finding(kind: .wheelTagViolation, path: artifact.path,
                                    message: "the wheel is tagged manylinux but this file is linked against musl"))
        }
        // The weakest manylinux promise made is the one the files must keep.
        guard facts.libc == .glibc || facts.libc == .either,
              let promise = manylinux.min(by: { $0.0 < $1.0 }) else { return }
        let ceilings = ManylinuxPolicy.ceilings(forGlibc: promise.0, machine: facts.machine)
        let tagName = "manylinux_\(promise.0.components.map(String.init).joined(separator: "_"))"
        for family in ["GLIBC", "GLIBCXX", "CXXABI", "GCC"] {
            guard let ceiling = ceilings[family], let need = facts.minimum[family], need.version > ceiling else { continue }
            let symbols = need.symbols.isEmpty ? "" : " (\(need.symbols.prefix(3).joined(separator: ", ")))"
            findings.append(Finding(
                kind: .wheelTagViolation, path: artifact.path,
                message: "the wheel is tagged \(tagName) (\(family) up to \(ceiling)) but this file needs \(need.versionName)\(symbols)",
                fix: "tag it manylinux_\(family == "GLIBC" ? need.version.components.prefix(2).map(String.init).joined(separator: "_") : "…") or rebuild on an older toolchain"))
        }
    }

    // MARK: Files

    private mutating func readRecord(_ file: FoundFile) {
        guard let data = FileManager.default.contents(atPath: file.fileSystemPath) else {
            warnings.append(ScanWarning(path: file.displayPath, message: "cannot read"))
            return
        }
        guard data.count <= Self.recordSizeLimit else {
            warnings.append(ScanWarning(path: file.displayPath, message: "larger than \(Self.recordSizeLimit) bytes; not parsed"))
            return
        }
        let distInfo = PathText.directory(of: file.displayPath)
        let sitePackages = PathText.directory(of: distInfo)
        // name-version.dist-info; the name never contains '-' (PEP 427 escaping).
        let stem = PathText.fileName(of: distInfo).dropLast(".dist-info".count)
        let pieces = stem.split(separator: "-", maxSplits: 1).map(String.init)
        let name = pieces.first ?? String(stem)
        let version = pieces.count > 1 ? pieces[1] : nil
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            guard let recorded = Self.firstCSVField(line), !recorded.isEmpty else { continue }
            let path = PathText.normalize(PathText.join(sitePackages, recorded))
            recordOwners[path] = (name, version, file.displayPath)
        }
    }

    /// The first field of a RECORD line (CSV: a field may be quoted, with "" for a quote).
    static func firstCSVField(_ line: Substring) -> String? {
        if line.first == "\"" {
            var field = ""
            var index = line.index(after: line.startIndex)
            while index < line.endIndex {
                let character = line[index]
                if character == "\"" {
                    let next = line.index(after: index)
                    if next < line.endIndex, line[next] == "\"" {
                        field.append("\"")
                        index = line.index(after: next)
                        continue
                    }
                    return field
                }
                field.append(character)
                index = line.index(after: index)
            }
            return nil
        }
        return line.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
    }

    /// `key = value` lines of pyvenv.cfg (the first of each key).
    private static func venvConfig(_ fileSystemPath: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: fileSystemPath), data.count < 65_536 else { return [:] }
        var config: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, config[parts[0]] == nil { config[parts[0]] = parts[1] }
        }
        return config
    }
}
