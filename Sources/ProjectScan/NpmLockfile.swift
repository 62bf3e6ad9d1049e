import Domain
import Foundation

/// The packages an npm, pnpm or Yarn Berry lockfile pins, with the platform fields
/// that decide where each one installs (`os`, `cpu`, `libc`), whether it is
/// optional, and whether it runs an install script (node-gyp or a download).
public struct NpmLockfile: Sendable, Hashable, Codable {
    public enum Format: String, Sendable, Hashable, Codable {
        case packageLock = "package-lock.json"
        case pnpm = "pnpm-lock.yaml"
        case yarnBerry = "yarn.lock"
    }

    public struct Package: Sendable, Hashable, Codable {
        public var name: String
        public var version: String
        /// npm's `os`/`cpu`/`libc` lists (`!darwin` negations kept); nil: no restriction.
        public var os: [String]?
        public var cpu: [String]?
        public var libc: [String]?
        public var optional: Bool
        /// `hasInstallScript` (npm), `requiresBuild` (pnpm lockfile v5/v6).
        public var hasInstallScript: Bool
        /// Names of the optional dependencies it declares (platform packages of a napi-rs/sharp family).
        public var optionalDependencies: [String]

        public init(name: String, version: String, os: [String]? = nil, cpu: [String]? = nil, libc: [String]? = nil,
                    optional: Bool = false, hasInstallScript: Bool = false, optionalDependencies: [String] = []) {
            self.name = name
            self.version = version
            self.os = os
            self.cpu = cpu
            self.libc = libc
            self.optional = optional
            self.hasInstallScript = hasInstallScript
            self.optionalDependencies = optionalDependencies
        }

        /// True when the package declares any platform restriction.
        public var isPlatformSpecific: Bool { os != nil || cpu != nil || libc != nil }
    }

    public var format: Format
    public var path: String
    /// Every pinned package, sorted by name then version (one entry per name@version).
    public var packages: [Package]

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var detail: String
        /// A kind of lockfile basefit does not read at all (Bun's, Yarn classic, npm's
        /// lockfileVersion 1), rather than one it reads that is damaged or ambiguous.
        public var formatNotRead: Bool = false
        public var description: String { "\(path): \(detail)" }
    }

    public init(format: Format, path: String, packages: [Package]) {
        self.format = format
        self.path = path
        var seen = Set<String>()
        self.packages = packages.filter { seen.insert($0.name + "@" + $0.version).inserted }
            .sorted { ($0.name, $0.version) < ($1.name, $1.version) }
    }

    /// Reads a lockfile; the format comes from the file name.
    public static func read(path: String) throws(ParseError) -> NpmLockfile {
        guard let data = FileManager.default.contents(atPath: path) else { throw ParseError(path: path, detail: "cannot read the file") }
        let name = PathText.fileName(of: path)
        if name == "bun.lock" || name == "bun.lockb" {
            throw ParseError(path: path, detail: "Bun's lockfile is not read (basefit reads package-lock.json, pnpm-lock.yaml and yarn.lock): "
                             + "run bun install and scan node_modules, or give a package-lock.json of the same packages", formatNotRead: true)
        }
        if name.hasSuffix(".json") { return try parsePackageLock(data, path: path) }
        if name.hasPrefix("pnpm-lock") { return try parsePnpm(String(decoding: data, as: UTF8.self), path: path) }
        return try parseYarn(String(decoding: data, as: UTF8.self), path: path)
    }

    // MARK: package-lock.json / npm-shrinkwrap.json

    public static func parsePackageLock(_ data: Data, path: String) throws(ParseError) -> NpmLockfile {
        guard let top = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ParseError(path: path, detail: "not a JSON object")
        }
        let version = top["lockfileVersion"] as? Int ?? 1
        guard let entries = top["packages"] as? [String: Any] else {
            throw ParseError(path: path, detail: "lockfileVersion \(version) has no `packages` map (npm 7+ writes it; lockfileVersion 1 does not record os/cpu: run npm install --package-lock-only with npm ≥ 7)",
                             formatNotRead: version < 2)
        }
        var packages: [Package] = []
        for (key, value) in entries {
            guard !key.isEmpty, let entry = value as? [String: Any] else { continue }  // "" is the project itself
            guard entry["link"] as? Bool != true else { continue }
            guard let range = key.range(of: "node_modules/", options: .backwards) else { continue }  // workspace folders
            let name = (entry["name"] as? String) ?? String(key[range.upperBound...])
            let optionalDependencies = (entry["optionalDependencies"] as? [String: Any]).map { Array($0.keys).sorted() } ?? []
            packages.append(Package(
                name: name, version: entry["version"] as? String ?? "",
                os: try platformField(entry, "os", key: key, path: path), cpu: try platformField(entry, "cpu", key: key, path: path),
                libc: try platformField(entry, "libc", key: key, path: path),
                optional: entry["optional"] as? Bool ?? false,
                hasInstallScript: entry["hasInstallScript"] as? Bool ?? false,
                optionalDependencies: optionalDependencies))
        }
        return NpmLockfile(format: .packageLock, path: path, packages: packages)
    }

    /// An entry's `os`, `cpu` or `libc` as npm checks it (npm-install-checks `checkPlatform`):
    /// npm copies the package's value as declared, and a string is a one-item list
    /// (`"cpu": "x64"` is `["x64"]`); absent, null or an empty string restricts nothing.
    /// Any other value is not guessed at: the lockfile is not judged.
    private static func platformField(_ entry: [String: Any], _ field: String, key: String, path: String) throws(ParseError) -> [String]? {
        switch entry[field] {
        case nil, is NSNull: return nil
        case let list as [String]: return list
        case let text as String: return text.isEmpty ? nil : [text]
        default: throw ParseError(path: path, detail: "\(key): `\(field)` is neither a string nor a list of strings")
        }
    }

    // MARK: pnpm-lock.yaml

    public static func parsePnpm(_ text: String, path: String) throws(ParseError) -> NpmLockfile {
        let document = try pnpmProjectDocument(text, path: path)
        guard let packagesNode = document["packages"] else { throw ParseError(path: path, detail: "no `packages` section") }
        // Lockfile v9 keeps optionalDependencies in `snapshots`; v5/v6 in `packages`.
        var snapshotOptional: [String: [String]] = [:]
        var snapshotOptionalFlag: [String: Bool] = [:]
        for (key, value) in document["snapshots"]?.pairs ?? [] {
            let id = pnpmID(key)
            snapshotOptional[id, default: []] += value["optionalDependencies"]?.pairs.map(\.key) ?? []
            if value["optional"]?.text == "true" { snapshotOptionalFlag[id] = true }
        }
        var packages: [Package] = []
        for (key, value) in packagesNode.pairs {
            let id = pnpmID(key)
            guard let (name, version) = splitNameVersion(id) else { continue }
            let optional = value["optionalDependencies"]?.pairs.map(\.key) ?? snapshotOptional[id] ?? []
            packages.append(Package(
                name: value["name"]?.text ?? name, version: value["version"]?.text ?? version,
                os: value["os"]?.list, cpu: value["cpu"]?.list, libc: value["libc"]?.list,
                optional: value["optional"]?.text == "true" || snapshotOptionalFlag[id] == true,
                hasInstallScript: value["requiresBuild"]?.text == "true",
                optionalDependencies: Array(Set(optional)).sorted()))
        }
        return NpmLockfile(format: .pnpm, path: path, packages: packages)
    }

    /// The project's lockfile in a pnpm-lock.yaml, by pnpm's own rule (lockfile.fs
    /// `extractMainDocument`): pnpm 11+ writes two YAML documents, an "env" one with pnpm's own
    /// version first (the file then starts with a `---` line), and the project's lockfile after
    /// the next `---`; a file that does not start with `---` is one document, the project's.
    /// Anything else (only the env document, a third document, a project document without
    /// `lockfileVersion`) is not guessed at: the file is not judged.
    static func pnpmProjectDocument(_ text: String, path: String) throws(ParseError) -> LockfileYAML {
        let documents: [LockfileYAML.Document]
        do { documents = try LockfileYAML.parseDocuments(text) } catch { throw ParseError(path: path, detail: error.description) }
        var firstLine = text.textLines().first ?? ""
        if firstLine.hasPrefix("\u{FEFF}") { firstLine = firstLine.dropFirst() }
        let project: LockfileYAML.Document
        if firstLine == "---" {
            guard documents.count == 2, documents[0].firstLine != nil else {
                let detail = documents.count < 2
                    ? "holds only pnpm's env document (the file starts with `---` and no second document follows), no project lockfile"
                    : "starts with `---` and holds \(documents.count) YAML documents where pnpm writes two (its env document, then the project's)"
                throw ParseError(path: path, detail: detail)
            }
            project = documents[1]
        } else {
            guard documents.count <= 1 else {
                throw ParseError(path: path, detail: "\(documents.count) YAML documents, and the file does not start with `---` as pnpm's two-document lockfile does")
            }
            project = documents.first ?? LockfileYAML.Document(opened: false, firstLine: nil, root: .scalar(""))
        }
        guard project.root["lockfileVersion"]?.text?.isEmpty == false else {
            throw ParseError(path: path, detail: "the project document\(project.firstLine.map { " (line \($0))" } ?? "") has no `lockfileVersion`")
        }
        return project.root
    }

    /// `/@img/sharp-linux-x64@0.33.5` (v6), `/sharp/0.32.6` (v5), `@img/sharp-linux-x64@0.33.5(peer@1)` (v9) → `name@version`.
    private static func pnpmID(_ key: String) -> String {
        var id = Substring(key)
        if id.hasPrefix("/") { id = id.dropFirst() }
        if let paren = id.firstIndex(of: "(") { id = id[..<paren] }
        // v5: `name/1.2.3` or `@scope/name/1.2.3_peer@2.0.0`.
        if let slash = id.range(of: "/", options: .backwards), id[slash.upperBound...].first?.isNumber == true {
            var version = id[slash.upperBound...]
            if let underscore = version.firstIndex(of: "_") { version = version[..<underscore] }
            return id[..<slash.lowerBound] + "@" + version
        }
        return String(id)
    }

    /// `@scope/name@1.2.3` → (`@scope/name`, `1.2.3`).
    static func splitNameVersion(_ id: String) -> (String, String)? {
        let searchStart = id.hasPrefix("@") ? id.index(after: id.startIndex) : id.startIndex
        guard let at = id[searchStart...].firstIndex(of: "@") else { return nil }
        let name = String(id[..<at])
        let version = String(id[id.index(after: at)...])
        guard !name.isEmpty, !version.isEmpty else { return nil }
        return (name, version)
    }

    // MARK: yarn.lock (Berry)

    /// Yarn Berry records `conditions: os=linux & cpu=x64 & libc=glibc` for platform
    /// packages. Classic (v1) yarn.lock records no platform fields at all.
    public static func parseYarn(_ text: String, path: String) throws(ParseError) -> NpmLockfile {
        guard text.contains("__metadata:") else {
            throw ParseError(path: path, detail: "a Yarn classic (v1) lockfile, which records no os/cpu/libc of its packages; regenerate it with Yarn ≥ 2 or use npm's package-lock.json", formatNotRead: true)
        }
        let document: LockfileYAML
        do { document = try LockfileYAML.parse(text) } catch { throw ParseError(path: path, detail: error.description) }
        var packages: [Package] = []
        for (key, value) in document.pairs where key != "__metadata" {
            guard let resolution = value["resolution"]?.text, let (name, reference) = splitNameVersion(resolution) else { continue }
            guard reference.hasPrefix("npm:") else { continue }  // workspace:, patch:, link: entries
            var condition = YarnCondition()
            if let text = value["conditions"]?.text {
                do { condition = try YarnCondition(parsing: text) } catch { throw ParseError(path: path, detail: "\(key): \(error.description)") }
            } else if value["conditions"] != nil {
                throw ParseError(path: path, detail: "\(key): `conditions` is not a string")
            }
            let optionalMeta = value["dependenciesMeta"]?.pairs.filter { $0.value["optional"]?.text == "true" }.map(\.key) ?? []
            let optional = (value["optionalDependencies"]?.pairs.map(\.key) ?? []) + optionalMeta
            packages.append(Package(
                name: name, version: value["version"]?.text ?? String(reference.dropFirst(4)),
                os: condition.os, cpu: condition.cpu, libc: condition.libc, optional: false, hasInstallScript: false,
                optionalDependencies: Array(Set(optional)).sorted()))
        }
        // A package some other entry lists as optional is optional.
        let optionalNames = Set(packages.flatMap(\.optionalDependencies))
        for index in packages.indices where optionalNames.contains(packages[index].name) { packages[index].optional = true }
        return NpmLockfile(format: .yarnBerry, path: path, packages: packages)
    }
}
