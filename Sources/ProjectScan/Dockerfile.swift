import Domain
import ELFInspection
import Foundation
import POSIXFiles

public enum Dockerfile {
    /// Dockerfiles larger than this are refused (real ones are a few KB).
    public static let sizeLimit = 4 * 1024 * 1024

    struct Stage {
        var from: String
        /// The image as written, before ARG substitution.
        var written: String = ""
        var name: String?
        var platform: String?
        var line: Int
        /// Destinations (and sources) of this stage's COPY/ADD instructions.
        var copied: [String] = []
        /// The stages (names or indexes) or images its `COPY --from=` instructions copy from.
        var copiedFrom: [String] = []
        /// Its `ENV` so far.
        var environment: [String: String] = [:]
        /// The installs its `RUN` instructions make, with their lines.
        var installs: [(command: DockerfileInstall.Command, line: Int)] = []
        /// Its `RUN`s, and its last `CMD` and `ENTRYPOINT` when they need a shell.
        var runs: [DockerfileShellUse] = []
        var cmd: DockerfileShellUse??
        var entrypoint: DockerfileShellUse??
        /// Its last `CMD` in exec form (line and words).
        var execCommand: DockerfileCommand?
    }

    /// Reads the Dockerfile at `path` (a regular file or a pipe such as `<(…)`),
    /// never more than `sizeLimit` bytes, and finds the base of `stage`.
    public static func base(file path: String, stage wanted: String?, buildArgs: [String: String] = [:]) throws(DockerfileError) -> DockerfileBase {
        try base(of: try text(file: path), path: path, stage: wanted, buildArgs: buildArgs)
    }

    /// The Dockerfile's text (a regular file or a pipe), never more than `sizeLimit` bytes.
    public static func text(file path: String) throws(DockerfileError) -> String {
        let bytes: [UInt8]
        do {
            guard let all = try OpenFile(path).readAll(limit: sizeLimit) else {
                throw DockerfileError(path: path, line: nil, detail: "larger than \(sizeLimit) bytes; not a Dockerfile basefit will read")
            }
            bytes = all
        } catch let error as FileError {
            throw DockerfileError(path: path, line: nil, detail: "cannot read the Dockerfile (\(error.reason))")
        } catch let error as DockerfileError {
            throw error
        } catch {
            throw DockerfileError(path: path, line: nil, detail: "\(error)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DockerfileError(path: path, line: nil, detail: "not UTF-8 text")
        }
        return text
    }

    /// `text` with the FROM on line `line` (1-based, as `DockerfileBase.line` names it) switched
    /// to `reference`, keeping its `--platform` and `AS name`, and `run` lines added right after
    /// it. A FROM that names its image through an ARG gets the ARG's default changed instead.
    public static func switchingBase(_ text: String, line: Int, to reference: String, run: [String] = [],
                                     path: String) throws(DockerfileError) -> String {
        // Each line keeps its own "\r" (a file saved on Windows), so that joining them with "\n"
        // gives back every line not changed byte for byte; a changed or added line takes the
        // ending of the FROM line (or ARG line) it replaces.
        var lines = text.textLines(keepingCarriageReturns: true).map(String.init)
        guard line >= 1, line <= lines.count else { throw DockerfileError(path: path, line: line, detail: "no such line") }
        let ending = lines[line - 1].hasSuffix("\r") ? "\r" : ""
        var original = String(lines[line - 1].dropLast(ending.count))
        // A byte order mark stays where it is, before the first line.
        let mark = line == 1 && original.hasPrefix("\u{FEFF}") ? "\u{FEFF}" : ""
        original.removeFirst(mark.count)
        let indent = mark + String(original.prefix { $0 == " " || $0 == "\t" })
        var words = original.dropFirst(indent.count - mark.count).split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard words.first?.uppercased() == "FROM", let imageIndex = words.indices.dropFirst().first(where: { !words[$0].hasPrefix("--") }) else {
            throw DockerfileError(path: path, line: line, detail: "line \(line) is not a FROM with an image (a continued FROM cannot be patched)")
        }
        let image = words[imageIndex]
        if image.contains("$") {
            // FROM ${BASE}: change `ARG BASE=…` before the first FROM.
            let name = image.trimmingCharacters(in: CharacterSet(charactersIn: "${}")).split(separator: ":").first.map(String.init) ?? ""
            guard let argLine = lines.firstIndex(where: { candidate in
                let parts = candidate.split(separator: " ", omittingEmptySubsequences: true)
                return parts.count >= 2 && parts[0].uppercased() == "ARG" && parts[1].hasPrefix(name + "=")
            }) else {
                throw DockerfileError(path: path, line: line, detail: "FROM \(image) uses ARG \(name), which has no default to change")
            }
            lines[argLine] = "ARG \(name)=\(reference)" + (lines[argLine].hasSuffix("\r") ? "\r" : "")
        } else {
            words[imageIndex] = reference
            lines[line - 1] = indent + words.joined(separator: " ") + ending
        }
        lines.insert(contentsOf: run.map { "RUN \($0)" + ending }, at: line)
        return lines.joined(separator: "\n")
    }

    /// BuildKit's word separators in an instruction (`[\t\v\f\r ]`).
    static func isSeparator(_ character: Character) -> Bool {
        character == " " || character == "\t" || character == "\u{0B}" || character == "\u{0C}" || character == "\r"
    }

    /// The platform arguments BuildKit defines itself, in the global scope too (a FROM may use
    /// them without declaring them). TARGET…: the platform being built for, the one judged;
    /// BUILD…: the build machine's, unknown here.
    static let automaticPlatformArgs = ["TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
                                        "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"]

    /// `buildArgs` are `docker build --build-arg NAME=VALUE`: they replace the defaults of the
    /// ARGs declared before the first FROM (and give a value to those declared without one).
    public static func base(of text: String, path: String, stage wanted: String?, buildArgs: [String: String] = [:]) throws(DockerfileError) -> DockerfileBase {
        guard text.utf8.count <= sizeLimit else {
            throw DockerfileError(path: path, line: nil, detail: "larger than \(sizeLimit) bytes")
        }
        var globalArgs: [String: String] = [:]
        var declared: Set<String> = []
        var stages: [Stage] = []
        for (number, instruction, bodies) in try logicalLines(text, path: path) {
            let words = instruction.split(whereSeparator: isSeparator).map(String.init)
            guard let keyword = words.first?.uppercased() else { continue }
            if keyword == "ARG" {
                declared.formUnion(words.dropFirst().compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
            }
            if keyword == "ARG" && stages.isEmpty {
                for word in words.dropFirst() {
                    // `ARG NAME`, `ARG NAME=value`; a word like `=` or `=x` names nothing.
                    let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                    guard let name = parts.first, !name.isEmpty else { continue }
                    globalArgs[name] = buildArgs[name] ?? (parts.count > 1 ? unquote(parts[1]) : globalArgs[name])
                }
            } else if keyword == "FROM" {
                var rest = Array(words.dropFirst())
                var platform: String?
                while let flag = rest.first, flag.hasPrefix("--") {
                    if flag.hasPrefix("--platform=") {
                        // An automatic platform argument stands for itself: marked, then judged below.
                        var scope = globalArgs
                        for name in automaticPlatformArgs where scope[name] == nil { scope[name] = "\u{0}" + name }
                        platform = substitute(String(flag.dropFirst("--platform=".count)), scope)
                    }
                    rest.removeFirst()
                }
                guard let image = rest.first else {
                    throw DockerfileError(path: path, line: number, detail: "FROM without an image")
                }
                var name: String?
                if rest.count >= 3, rest[1].uppercased() == "AS" { name = rest[2].lowercased() }
                stages.append(Stage(from: substitute(image, globalArgs), written: image, name: name, platform: platform, line: number))
            } else if keyword == "COPY" || keyword == "ADD", !stages.isEmpty {
                stages[stages.count - 1].copied += words.dropFirst().filter { !$0.hasPrefix("--") }
                stages[stages.count - 1].copiedFrom += words.dropFirst().filter { $0.lowercased().hasPrefix("--from=") }
                    .map { unquote(String($0.dropFirst("--from=".count))).lowercased() }
            } else if keyword == "ENV", !stages.isEmpty {
                let pairs = Array(words.dropFirst())
                if pairs.count == 2, !pairs[0].contains("=") {
                    stages[stages.count - 1].environment[pairs[0]] = unquote(pairs[1])  // ENV NAME value
                } else {
                    for pair in pairs {
                        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                        if parts.count == 2 { stages[stages.count - 1].environment[String(parts[0])] = unquote(String(parts[1])) }
                    }
                }
            } else if keyword == "RUN", !stages.isEmpty {
                for install in installs(inRun: instruction, bodies: bodies, environment: stages[stages.count - 1].environment) {
                    stages[stages.count - 1].installs.append((install, number))
                }
                if let use = DockerfileShellUse.of(instruction, keyword: keyword, line: number, bodies: bodies) { stages[stages.count - 1].runs.append(use) }
            } else if keyword == "CMD", !stages.isEmpty {
                stages[stages.count - 1].cmd = .some(DockerfileShellUse.of(instruction, keyword: keyword, line: number))
                stages[stages.count - 1].execCommand = DockerfileCommand(instruction, line: number)
            } else if keyword == "ENTRYPOINT", !stages.isEmpty {
                stages[stages.count - 1].entrypoint = .some(DockerfileShellUse.of(instruction, keyword: keyword, line: number))
            }
        }
        guard !stages.isEmpty else { throw DockerfileError(path: path, line: nil, detail: "no FROM instruction") }
        var current: Stage
        if let wanted {
            guard let found = stages.first(where: { $0.name == wanted.lowercased() }) else {
                let names = stages.compactMap(\.name)
                throw DockerfileError(path: path, line: nil, detail: "no stage named \(wanted)" + (names.isEmpty ? "" : " (stages: \(names.joined(separator: ", ")))"))
            }
            current = found
        } else {
            current = stages.last!
        }
        let stageName = current.name
        let copied = current.copied
        let installs = reachingInstalls(stages, judged: stages.firstIndex { $0.line == current.line } ?? stages.count - 1)
        var platform = current.platform
        var platformLine = platform == nil ? nil : current.line
        // What runs in the image: the RUNs of the stage and of those it is built FROM, and the
        // last CMD and ENTRYPOINT along that chain (a stage inherits its parent's).
        var shellUses = current.runs
        var cmd = current.cmd
        var entrypoint = current.entrypoint
        var execCommand = current.cmd == nil ? nil : current.execCommand
        for _ in 0..<stages.count {
            guard let parent = stages.first(where: { $0.name == current.from.lowercased() && $0.line < current.line }) else { break }
            current = parent
            if platform == nil, let inherited = parent.platform { platform = inherited; platformLine = parent.line }
            shellUses = parent.runs + shellUses
            if cmd == nil, parent.cmd != nil { execCommand = parent.execCommand }
            cmd = cmd ?? parent.cmd
            entrypoint = entrypoint ?? parent.entrypoint
        }
        shellUses += [entrypoint, cmd].compactMap { $0 ?? nil }.sorted { $0.line < $1.line }
        // The CMD a base image's ENTRYPOINT receives: only when the Dockerfile sets no ENTRYPOINT of its own.
        let command = entrypoint == nil ? execCommand : nil
        var warnings: [String] = buildArgs.keys.sorted().filter { !declared.contains($0) }.map {
            "--build-arg \($0): \(path) declares no ARG \($0); it changes nothing"
        }
        if current.from.contains("$") {
            if let form = unsupportedSubstitution(in: current.from) {
                throw DockerfileError(path: path, line: current.line, detail: "FROM \(current.from) uses \(form), a substitution basefit does not evaluate; give --base")
            }
            throw DockerfileError(path: path, line: current.line, detail: "FROM \(current.from) uses an ARG without a default; give --build-arg NAME=VALUE as the build does, or --base")
        }
        if let marked = platform, marked.contains("\u{0}") {
            // The target platform is the one judged (--arch, else the project's); the build
            // machine's is not known here, and the target's is judged in its place.
            if marked.contains("\u{0}BUILD") {
                warnings.append("\(path):\(platformLine ?? current.line): the stage runs on the build machine's platform ($BUILDPLATFORM); judged for the target platform (--arch, else the project's)")
            }
            platform = nil
        } else if let platform, platform.contains("$") {
            throw DockerfileError(path: path, line: platformLine ?? current.line, detail: "--platform=\(platform) uses an ARG without a default; give --build-arg NAME=VALUE as the build does, or --arch")
        }
        if current.from.lowercased() == "scratch" {
            var base = DockerfileBase(image: "scratch", reference: "scratch", digest: nil, platform: platform,
                                      stage: stageName, line: current.line, warnings: [], copied: copied, installs: installs)
            base.shellUses = shellUses
            base.command = command
            return base
        }
        let (reference, digest) = normalize(current.from)
        if digest == nil {
            warnings.append("\(path):\(current.line): FROM \(current.from) is not pinned by digest (@sha256:…); the image behind the tag can change under you")
        }
        var base = DockerfileBase(image: current.from, reference: reference, digest: digest, platform: platform,
                                  stage: stageName, line: current.line, warnings: warnings, copied: copied,
                                  imageArguments: argumentNames(in: current.written), installs: installs)
        base.shellUses = shellUses
        base.command = command
        return base
    }

    /// The installs whose files reach stage `judged`: those of its `FROM` chain, and those of
    /// every stage it (or a stage reached so) copies from with `COPY --from=`, by name or index.
    static func reachingInstalls(_ stages: [Stage], judged: Int) -> [DockerfileInstall] {
        /// A stage and the stages it is built FROM, nearest first.
        func chain(_ index: Int) -> [Int] {
            var result = [index]
            var current = index
            while let parent = stages.indices.last(where: { $0 < current && stages[$0].name != nil && stages[$0].name == stages[current].from.lowercased() }) {
                result.append(parent)
                current = parent
            }
            return result
        }
        let judgedChain = chain(judged)
        var reached = judgedChain
        var queue = judgedChain
        while let next = queue.popLast() {
            for source in stages[next].copiedFrom {
                let found = stages.indices.last { $0 < next && stages[$0].name == source } ?? Int(source).flatMap { $0 >= 0 && $0 < next ? $0 : nil }
                guard let found else { continue }  // an image, not a stage
                for index in chain(found) where !reached.contains(index) {
                    reached.append(index)
                    queue.append(index)
                }
            }
        }
        var installs: [DockerfileInstall] = []
        for index in reached.sorted() {
            let root = chain(index).last!
            let image = stages[root].from.contains("$") ? nil : stages[root].from
            let platform = chain(index).lazy.compactMap { stages[$0].platform }.first
            for install in stages[index].installs {
                installs.append(DockerfileInstall(install.command, line: install.line, stage: stages[index].name ?? String(index),
                                                  image: image, platform: platform, inJudgedStage: judgedChain.contains(index)))
            }
        }
        return installs
    }

    /// `docker.io/library/node:22@sha256:…` → (`node:22`, `sha256:…`); no tag → `:latest`.
    public static func normalize(_ image: String) -> (String, String?) {
        guard let parsed = try? ImageReference(parsing: image) else { return (image, nil) }
        return (parsed.withoutDigest.taggedName, parsed.digest)
    }
}
