import Domain
import ELFInspection
import Foundation
import POSIXFiles

/// The base image a Dockerfile builds on: the final (or named) stage's FROM,
/// following `FROM <stage>` chains and substituting `ARG` defaults.
public struct DockerfileBase: Sendable, Hashable {
    public var image: String
    /// The tag or digest-free reference to look up in the catalog (`node:22-bookworm-slim`).
    public var reference: String
    public var digest: String?
    public var platform: String?
    public var stage: String?
    /// 1-based line of the FROM that names the image.
    public var line: Int
    public var warnings: [String]
    /// Paths the selected stage COPYs or ADDs (sources and destinations).
    public var copied: [String] = []

    /// The architecture the stage's `--platform` fixes (`linux/arm64/v8` → `arm64/v8`), nil
    /// when the Dockerfile leaves it to the build (no `--platform`, or `$TARGETPLATFORM`).
    /// The ARGs the FROM's image reference names (`FROM ${BASE}` → `BASE`): a patch changes
    /// their defaults, which a `--build-arg` overrides.
    public var imageArguments: [String] = []

    public var platformArchitecture: String? {
        guard let platform else { return nil }
        let parts = platform.split(separator: "/")
        return parts.count >= 2 ? parts.dropFirst().joined(separator: "/") : platform
    }

    /// System files the stage adds itself (`COPY --from=build /etc/ssl/certs/… /etc/ssl/certs/`),
    /// so a base without them still runs the program.
    public var addedSystemFiles: Set<SystemFile> {
        var files = Set<SystemFile>()
        for path in copied {
            if path.contains("ssl/certs") || path.contains("ca-certificates") || path.contains("ca-bundle") { files.insert(.caCertificates) }
            if path.contains("zoneinfo") { files.insert(.timeZones) }
            if path.hasSuffix("/etc/passwd") || path == "/etc/passwd" { files.insert(.userDatabase) }
        }
        return files
    }
}

public struct DockerfileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var detail: String

    public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(detail)" }
}

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
        for (number, instruction) in try logicalLines(text, path: path) {
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
        var platform = current.platform
        var platformLine = platform == nil ? nil : current.line
        for _ in 0..<stages.count {
            guard let parent = stages.first(where: { $0.name == current.from.lowercased() && $0.line < current.line }) else { break }
            current = parent
            if platform == nil, let inherited = parent.platform { platform = inherited; platformLine = parent.line }
        }
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
            return DockerfileBase(image: "scratch", reference: "scratch", digest: nil, platform: platform,
                                  stage: stageName, line: current.line, warnings: [], copied: copied)
        }
        let (reference, digest) = normalize(current.from)
        if digest == nil {
            warnings.append("\(path):\(current.line): FROM \(current.from) is not pinned by digest (@sha256:…); the image behind the tag can change under you")
        }
        return DockerfileBase(image: current.from, reference: reference, digest: digest, platform: platform,
                              stage: stageName, line: current.line, warnings: warnings, copied: copied,
                              imageArguments: argumentNames(in: current.written))
    }

    /// `docker.io/library/node:22@sha256:…` → (`node:22`, `sha256:…`); no tag → `:latest`.
    public static func normalize(_ image: String) -> (String, String?) {
        guard let parsed = try? ImageReference(parsing: image) else { return (image, nil) }
        return (parsed.withoutDigest.taggedName, parsed.digest)
    }

    /// The instructions, as BuildKit's parser reads them, each with the number of its first
    /// line: a UTF-8 byte order mark dropped; the `# escape=` parser directive (backslash or
    /// backtick) at the top; lines joined where the escape character ends them (spaces after
    /// it allowed), comment and empty lines inside such a continuation skipped; comment lines
    /// dropped; and the here-documents of RUN, COPY and ADD (`<<EOF`, `<<-EOF`, `<<"EOF"`, one
    /// or more per instruction) skipped to their terminator lines, so that a line of their
    /// content (a script, a config file, an inner Dockerfile's `FROM`) is never an instruction.
    static func logicalLines(_ text: String, path: String) throws(DockerfileError) -> [(Int, String)] {
        var lines = text.textLines()
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = first.dropFirst() }
        var escape: Character = "\\"
        // Parser directives: `# name=value` lines before anything else.
        for line in lines {
            guard let directive = directive(in: line) else { break }
            if directive.name == "escape" {
                guard directive.value == "\\" || directive.value == "`" else {
                    throw DockerfileError(path: path, line: nil, detail: "invalid escape directive \(directive.value) (only \\ and ` are allowed)")
                }
                escape = Character(directive.value)
            }
        }
        var result: [(Int, String)] = []
        var index = 0
        while index < lines.count {
            let number = index + 1
            var line = String(lines[index].drop(while: \.isWhitespace))
            index += 1
            if line.hasPrefix("#") { continue }
            var continued = continuation(&line, escape: escape)
            while continued, index < lines.count {
                let next = String(lines[index])
                index += 1
                let trimmed = next.drop(while: \.isWhitespace)
                if trimmed.hasPrefix("#") || trimmed.isEmpty { continue }
                var part = next
                continued = continuation(&part, escape: escape)
                line += part
            }
            let instruction = String(line.trimmingSpaces())
            if instruction.isEmpty { continue }
            result.append((number, instruction))
            for heredoc in heredocs(in: instruction) {
                var terminated = false
                while index < lines.count {
                    var candidate = lines[index]
                    index += 1
                    if heredoc.chomp { candidate = candidate.drop(while: { $0 == "\t" }) }
                    if candidate == heredoc.name { terminated = true; break }
                }
                guard terminated else {
                    throw DockerfileError(path: path, line: number, detail: "unterminated here-document <<\(heredoc.chomp ? "-" : "")\(heredoc.name) (no line \(heredoc.name) ends it)")
                }
            }
        }
        return result
    }

    /// A parser directive line (`# escape=``), as BuildKit recognises them at the top of the file.
    private static func directive(in line: Substring) -> (name: String, value: String)? {
        guard line.hasPrefix("#") else { return nil }
        let body = line.dropFirst().trimmingSpaces()
        guard let equals = body.firstIndex(of: "=") else { return nil }
        let name = body[..<equals].trimmingSpaces().lowercased()
        let value = String(body[body.index(after: equals)...].trimmingSpaces())
        guard let first = name.first, first.isASCII, first.isLetter, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), !value.isEmpty,
              name == "escape" || name == "syntax" || name == "check" else { return nil }
        return (name, value)
    }

    /// Removes a trailing escape character (and the spaces or tabs after it) that continues
    /// the instruction on the next line; an escape character escaped by another does not.
    private static func continuation(_ line: inout String, escape: Character) -> Bool {
        var body = Substring(line)
        while let last = body.last, last == " " || last == "\t" { body = body.dropLast() }
        guard body.last == escape else { return false }
        let before = body.dropLast()
        if before.last == escape { return false }
        line = String(before)
        return true
    }

    /// The here-documents an instruction opens, in order: words `<<NAME`, `<<-NAME` (tabs
    /// before the terminator allowed), with the name quoted or not (`<<"EOF"`, `<<'EOF'`), in
    /// RUN, COPY and ADD (also after ONBUILD), not in their JSON (exec) form.
    static func heredocs(in instruction: String) -> [(name: String, chomp: Bool)] {
        var words = shellWords(instruction)
        if words.first?.uppercased() == "ONBUILD" { words.removeFirst() }
        guard let keyword = words.first?.uppercased(), ["RUN", "COPY", "ADD"].contains(keyword) else { return [] }
        // The exec form is JSON: BuildKit reads a heredoc only in the shell form, and a shell
        // command may start with `[` (`RUN [ -d /app ] || …`).
        if let start = instruction.firstIndex(of: "["), words.dropFirst().first(where: { !$0.hasPrefix("--") })?.hasPrefix("[") == true,
           (try? JSONSerialization.jsonObject(with: Data(instruction[start...].utf8))) as? [String] != nil {
            return []
        }
        var found: [(name: String, chomp: Bool)] = []
        for word in words.dropFirst() {
            var rest = Substring(word).drop(while: { $0.isASCII && $0.isNumber })
            guard rest.hasPrefix("<<") else { continue }
            rest = rest.dropFirst(2)
            let chomp = rest.hasPrefix("-")
            if chomp { rest = rest.dropFirst() }
            guard !rest.isEmpty, !rest.contains("<") else { continue }
            let name = rest.filter { $0 != "\"" && $0 != "'" && $0 != "\\" }
            guard !name.isEmpty else { continue }
            found.append((name, chomp))
        }
        return found
    }

    /// Shell words with their quotes kept: split at unquoted spaces and tabs; a backslash
    /// outside single quotes keeps the next character in the word.
    static func shellWords(_ text: String) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped { word.append(character); escaped = false; continue }
            if character == "\\" && quote != "'" { word.append(character); escaped = true; inWord = true; continue }
            if let open = quote {
                word.append(character)
                if character == open { quote = nil }
                continue
            }
            if isSeparator(character) {
                if inWord { words.append(word); word = ""; inWord = false }
                continue
            }
            if character == "\"" || character == "'" { quote = character }
            word.append(character)
            inWord = true
        }
        if inWord { words.append(word) }
        return words
    }

    /// The `}` that closes the `${` whose `{` is at `open`, counting nested `${…}` words.
    static func matchingBrace(in text: String, from open: String.Index) -> String.Index? {
        var depth = 0
        var index = open
        var previous: Character?
        while index < text.endIndex {
            let character = text[index]
            if character == "{" && (index == open || previous == "$") { depth += 1 }
            if character == "}" {
                depth -= 1
                if depth == 0 { return index }
            }
            previous = character
            index = text.index(after: index)
        }
        return nil
    }

    /// The first `${NAME…}` in `text` whose operator is not one `substitute` evaluates (`${V%-alpine}`).
    static func unsupportedSubstitution(in text: String) -> String? {
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { return nil }
            let body = rest[open.upperBound..<close]
            let operatorPart = body.drop { $0 == "_" || $0.isLetter || $0.isNumber }
            if let first = operatorPart.first, !(first == ":" || first == "-" || first == "+") {
                return String(rest[open.lowerBound...close])
            }
            rest = rest[rest.index(after: close)...]
        }
        return nil
    }

    /// The names `$NAME` and `${NAME…}` refer to in `text`.
    static func argumentNames(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "{" { rest = rest.dropFirst() }
            let name = rest.prefix { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
            if !name.isEmpty, !names.contains(String(name)) { names.append(String(name)) }
            rest = rest.dropFirst(name.count)
        }
        return names
    }

    /// `${NAME}`, `${NAME:-default}` and `$NAME` from ARG defaults.
    static func substitute(_ text: String, _ args: [String: String]) -> String {
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "$" else {
                result.append(character)
                index = text.index(after: index)
                continue
            }
            let next = text.index(after: index)
            if next < text.endIndex, text[next] == "{", let close = matchingBrace(in: text, from: next) {
                let body = String(text[text.index(after: next)..<close])
                let name = String(body.prefix { $0 == "_" || $0.isLetter || $0.isNumber })
                let rest = body.dropFirst(name.count)
                let value = args[name]
                // ${NAME}, ${NAME:-word}, ${NAME-word}, ${NAME:+word}, ${NAME+word}, as BuildKit's shell
                // lexer reads them; any other form stays unresolved (and is refused by name).
                if rest.isEmpty {
                    result += value ?? "$" + "{" + body + "}"
                } else if rest.hasPrefix(":-") {
                    result += (value?.isEmpty == false ? value : nil) ?? substitute(String(rest.dropFirst(2)), args)
                } else if rest.hasPrefix(":+") {
                    result += value?.isEmpty == false ? substitute(String(rest.dropFirst(2)), args) : ""
                } else if rest.hasPrefix("-") {
                    result += value ?? substitute(String(rest.dropFirst()), args)
                } else if rest.hasPrefix("+") {
                    result += value != nil ? substitute(String(rest.dropFirst()), args) : ""
                } else {
                    result += "$" + "{" + body + "}"
                }
                index = text.index(after: close)
            } else {
                var end = next
                while end < text.endIndex, text[end].isLetter || text[end].isNumber || text[end] == "_" { end = text.index(after: end) }
                let name = String(text[next..<end])
                result += name.isEmpty ? "$" : (args[name] ?? "$" + name)
                index = end
            }
        }
        return result
    }

    static func unquote(_ text: String) -> String {
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            return String(text.dropFirst().dropLast())
        }
        return text
    }
}

extension String {
    func components(separatedByString separator: String) -> [String] {
        guard let range = firstRange(of: separator) else { return [self] }
        return [String(self[..<range.lowerBound]), String(self[range.upperBound...])]
    }
}
