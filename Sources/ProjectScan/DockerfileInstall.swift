import Foundation

/// A `RUN` that installs the project's locked packages (`npm ci`, `pnpm install`, `yarn`,
/// `pip install -r …`, `uv sync`, `poetry install`, `pipenv install`, `pdm install`), in a stage
/// whose files reach the judged stage: its own (or a stage it is built `FROM`), or one it copies
/// from (`COPY --from=build`).
///
/// The installer picks the packages for the machine it runs on: npm installs the platform
/// packages whose `os`/`cpu`/`libc` match that stage's image (npm-install-checks'
/// `checkPlatform`), pip the wheels whose tags that image's interpreter accepts. Copied into
/// another image, they are what that image must load.
public struct DockerfileInstall: Sendable, Hashable {
    public enum Tool: String, Sendable, Hashable {
        case npm, pnpm, yarn, pip, uv, poetry, pipenv, pdm

        public var ecosystem: PackageOrigin.Ecosystem {
            switch self {
            case .npm, .pnpm, .yarn: return .npm
            case .pip, .uv, .poetry, .pipenv, .pdm: return .pypi
            }
        }
    }

    public var tool: Tool
    /// The command as written (`npm ci --omit=dev`), for messages.
    public var command: String
    /// 1-based line of the `RUN`.
    public var line: Int
    /// The stage it runs in: its name, else its index (`0`).
    public var stage: String
    /// The image that stage builds on (its `FROM` chain followed to an image, ARG defaults
    /// substituted); nil when an ARG without a value leaves it unknown.
    public var image: String?
    /// That stage's `--platform` (inherited along its `FROM` chain), as written.
    public var platform: String?
    /// It runs in the judged stage itself (or one the judged stage is built `FROM`): it
    /// installs for the judged image.
    public var inJudgedStage: Bool
    /// Optional dependencies are left out (`--omit=optional`, `--no-optional`,
    /// `--ignore-optional`, `NPM_CONFIG_OMIT=optional`): no platform package of a napi-rs or
    /// sharp family is installed.
    public var omitsOptional: Bool
    /// The requirements files a pip install names (`-r requirements-prod.txt`), as written:
    /// paths inside the image, which the build copied from the context.
    public var requirementFiles: [String] = []
    /// Packages a pip install names on its command line (`pip install gunicorn==21.2`), other
    /// than the packaging tools themselves (pip, setuptools, wheel, poetry, uv …).
    public var inlinePackages: [String] = []

    /// What one `RUN` command installs, before its stage is known.
    struct Command: Sendable, Hashable {
        var tool: Tool
        var command: String
        var omitsOptional: Bool
        var requirementFiles: [String] = []
        var inlinePackages: [String] = []
    }

    init(_ found: Command, line: Int, stage: String, image: String?, platform: String?, inJudgedStage: Bool) {
        self.init(tool: found.tool, command: found.command, line: line, stage: stage, image: image, platform: platform,
                  inJudgedStage: inJudgedStage, omitsOptional: found.omitsOptional)
        requirementFiles = found.requirementFiles
        inlinePackages = found.inlinePackages
    }

    public init(tool: Tool, command: String, line: Int, stage: String, image: String?, platform: String?, inJudgedStage: Bool, omitsOptional: Bool) {
        self.tool = tool
        self.command = command
        self.line = line
        self.stage = stage
        self.image = image
        self.platform = platform
        self.inJudgedStage = inJudgedStage
        self.omitsOptional = omitsOptional
    }

    public var ecosystem: PackageOrigin.Ecosystem { tool.ecosystem }

    /// An npm, pnpm or Yarn install reads its own lockfile. For each directory whose npm-family
    /// lockfiles were judged: why this one installs something else (its lockfile was not read,
    /// as Yarn classic's set aside beside a package-lock.json, or there is none and it resolves
    /// the versions itself). Empty for pip and the other Python tools.
    public func unreadLockfiles(_ locked: LockedDependencies) -> [String] {
        let names: [String]
        switch tool {
        case .npm: names = ["npm-shrinkwrap.json", "package-lock.json"]
        case .pnpm: names = ["pnpm-lock.yaml"]
        case .yarn: names = ["yarn.lock"]
        default: return []
        }
        var reasons: [String] = []
        for directory in Set(locked.npm.map { PathText.directory(of: $0.path) }).sorted() {
            guard !locked.npm.contains(where: { PathText.directory(of: $0.path) == directory && names.contains(PathText.fileName(of: $0.path)) }) else { continue }
            if let present = names.first(where: { FileManager.default.fileExists(atPath: PathText.join(directory, $0)) }) {
                reasons.append("it installs from \(PathText.join(directory, present)), which was not read (see the warnings)")
            } else {
                reasons.append("it finds no \(names.joined(separator: " or ")) in \(directory) and resolves the versions itself")
            }
        }
        return reasons
    }

    /// Where it runs, for messages: `stage build (node:22-bookworm, Dockerfile:4)`.
    public func site(path: String) -> String {
        "\(command) in stage \(stage)\(image.map { " (\($0))" } ?? "") at \(path):\(line)"
    }
}

extension Dockerfile {
    /// The installs a `RUN`'s commands make (shell form, exec form, here-document bodies).
    /// `environment` is the stage's `ENV` so far (`NPM_CONFIG_OMIT`).
    static func installs(inRun instruction: String, bodies: [String], environment: [String: String]) -> [DockerfileInstall.Command] {
        var scripts: [String] = []
        var rest = Substring(instruction.drop(while: { !isSeparator($0) }))  // past RUN
        // RUN's own flags (--mount=…, --network=…, --security=…).
        while true {
            rest = rest.drop(while: isSeparator)
            guard rest.hasPrefix("--") else { break }
            rest = rest.drop(while: { !isSeparator($0) })
        }
        if rest.hasPrefix("["), let array = try? JSONDecoderArray.strings(String(rest)) {
            // Exec form: the program and its arguments, or a shell given its script.
            if array.count >= 3, DockerfileShellUse.shells.contains(array[0]), array[1].hasPrefix("-"), array[1].contains("c") {
                scripts.append(array[2])
            } else {
                scripts.append(array.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " "))
            }
        } else {
            scripts.append(String(rest))
        }
        scripts += bodies
        var found: [DockerfileInstall.Command] = []
        for script in scripts {
            for command in ShellCommands.split(script) {
                guard let install = install(in: command, environment: environment) else { continue }
                found.append(install)
            }
        }
        return found
    }

    /// One simple command: the install it makes, if any.
    private static func install(in words: [String], environment: [String: String]) -> DockerfileInstall.Command? {
        var words = words
        var assignments = environment
        // Leading `NAME=value` assignments, and the wrappers that run the next word as the command.
        while let first = words.first {
            if let equals = first.firstIndex(of: "="), first[..<equals].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), first.first?.isLetter == true || first.first == "_" {
                assignments[String(first[..<equals])] = unquote(String(first[first.index(after: equals)...]))
                words.removeFirst()
            } else if ["sudo", "exec", "env", "corepack", "time", "nice"].contains(first) {
                words.removeFirst()
            } else {
                break
            }
        }
        guard let program = words.first.map({ String($0.split(separator: "/").last ?? "") }) else { return nil }
        var arguments = Array(words.dropFirst()).map(unquote)
        var tool: DockerfileInstall.Tool?
        switch program {
        case "npm":
            if let sub = arguments.first(where: { !$0.hasPrefix("-") }), ["ci", "install", "i", "isntall", "add", "clean-install", "install-clean"].contains(sub) { tool = .npm }
        case "pnpm":
            if let sub = arguments.first(where: { !$0.hasPrefix("-") }), ["install", "i", "add"].contains(sub) { tool = .pnpm }
        case "yarn":
            let sub = arguments.first(where: { !$0.hasPrefix("-") })
            if sub == nil || sub == "install" || sub == "add" { tool = .yarn }
        case "pip", "pip3", "python", "python3":
            if program.hasPrefix("python") {
                guard arguments.count >= 2, arguments[0] == "-m", arguments[1] == "pip" else { return nil }
                arguments.removeFirst(2)
            }
            guard arguments.first(where: { !$0.hasPrefix("-") }) == "install" else { return nil }
            // The project's pins (-r FILE), the project itself (`.`), or packages named on the
            // line; not only tools (`pip install --upgrade pip poetry`).
            let named = PipArguments(arguments.drop { $0 != "install" }.dropFirst())
            if !named.requirementFiles.isEmpty || named.installsProject || !named.packages.isEmpty {
                return DockerfileInstall.Command(tool: .pip, command: ([program] + arguments).joined(separator: " "), omitsOptional: false,
                                                 requirementFiles: named.requirementFiles, inlinePackages: named.packages)
            }
        case "uv":
            if arguments.first == "pip", arguments.count > 1, arguments[1] == "install" {
                let named = PipArguments(arguments.dropFirst(2))
                if !named.requirementFiles.isEmpty || named.installsProject || !named.packages.isEmpty {
                    return DockerfileInstall.Command(tool: .uv, command: ([program] + arguments).joined(separator: " "), omitsOptional: false,
                                                     requirementFiles: named.requirementFiles, inlinePackages: named.packages)
                }
            } else if arguments.first == "sync" || (arguments.first == "pip" && arguments.count > 1 && arguments[1] == "sync") {
                tool = .uv
                if arguments.first == "pip" {
                    let files = arguments.dropFirst(2).filter { !$0.hasPrefix("-") }
                    return DockerfileInstall.Command(tool: .uv, command: ([program] + arguments).joined(separator: " "), omitsOptional: false,
                                                     requirementFiles: Array(files))
                }
            }
        case "poetry", "pipenv", "pdm":
            if let sub = arguments.first(where: { !$0.hasPrefix("-") }), sub == "install" || sub == "sync" { tool = DockerfileInstall.Tool(rawValue: program) }
        default:
            return nil
        }
        guard let tool else { return nil }
        // A global install (`npm install -g pnpm`, `yarn global add`) installs a tool, not the project.
        if arguments.contains("-g") || arguments.contains("--global") || arguments.first == "global" { return nil }
        var omits = false
        if tool.ecosystem == .npm {
            for (index, argument) in arguments.enumerated() {
                if argument == "--no-optional" || argument == "--ignore-optional" { omits = true }
                if argument.hasPrefix("--omit="), argument.dropFirst("--omit=".count).split(separator: ",").contains("optional") { omits = true }
                if argument == "--omit", index + 1 < arguments.count, arguments[index + 1] == "optional" { omits = true }
            }
            for (name, value) in assignments where name.lowercased() == "npm_config_omit" || name.lowercased() == "npm_config_optional" {
                if name.lowercased() == "npm_config_omit" && value.split(whereSeparator: { $0 == "," || $0 == " " }).contains("optional") { omits = true }
                if name.lowercased() == "npm_config_optional" && value == "false" { omits = true }
            }
        }
        return DockerfileInstall.Command(tool: tool, command: ([program] + arguments).joined(separator: " "), omitsOptional: omits)
    }
}

/// A JSON array of strings (a `RUN`'s exec form), read without Foundation's generic errors.
enum JSONDecoderArray {
    static func strings(_ text: String) throws -> [String] {
        guard let array = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String] else { throw CocoaError(.coderReadCorrupt) }
        return array
    }
}
