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
        var name: String?
        var platform: String?
        var line: Int
        /// Destinations (and sources) of this stage's COPY/ADD instructions.
        var copied: [String] = []
    }

    /// Reads the Dockerfile at `path` (a regular file or a pipe such as `<(…)`),
    /// never more than `sizeLimit` bytes, and finds the base of `stage`.
    public static func base(file path: String, stage wanted: String?) throws(DockerfileError) -> DockerfileBase {
        try base(of: try text(file: path), path: path, stage: wanted)
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
        let original = String(lines[line - 1].dropLast(ending.count))
        let indent = String(original.prefix { $0 == " " || $0 == "\t" })
        var words = original.dropFirst(indent.count).split(separator: " ", omittingEmptySubsequences: true).map(String.init)
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

    public static func base(of text: String, path: String, stage wanted: String?) throws(DockerfileError) -> DockerfileBase {
        guard text.utf8.count <= sizeLimit else {
            throw DockerfileError(path: path, line: nil, detail: "larger than \(sizeLimit) bytes")
        }
        var globalArgs: [String: String] = [:]
        var stages: [Stage] = []
        for (number, instruction) in logicalLines(text) {
            let words = instruction.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = words.first?.uppercased() else { continue }
            if keyword == "ARG" && stages.isEmpty {
                for word in words.dropFirst() {
                    // `ARG NAME`, `ARG NAME=value`; a word like `=` or `=x` names nothing.
                    let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                    guard let name = parts.first, !name.isEmpty else { continue }
                    globalArgs[name] = parts.count > 1 ? unquote(parts[1]) : globalArgs[name]
                }
            } else if keyword == "FROM" {
                var rest = Array(words.dropFirst())
                var platform: String?
                while let flag = rest.first, flag.hasPrefix("--") {
                    if flag.hasPrefix("--platform=") { platform = substitute(String(flag.dropFirst("--platform=".count)), globalArgs) }
                    rest.removeFirst()
                }
                guard let image = rest.first else {
                    throw DockerfileError(path: path, line: number, detail: "FROM without an image")
                }
                var name: String?
                if rest.count >= 3, rest[1].uppercased() == "AS" { name = rest[2].lowercased() }
                stages.append(Stage(from: substitute(image, globalArgs), name: name, platform: platform, line: number))
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
        for _ in 0..<stages.count {
            guard let parent = stages.first(where: { $0.name == current.from.lowercased() && $0.line < current.line }) else { break }
            current = parent
            platform = platform ?? parent.platform
        }
        var warnings: [String] = []
        if current.from.contains("$") {
            throw DockerfileError(path: path, line: current.line, detail: "FROM \(current.from) uses an ARG without a default; give --base instead")
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
                              stage: stageName, line: current.line, warnings: warnings, copied: copied)
    }

    /// `docker.io/library/node:22@sha256:…` → (`node:22`, `sha256:…`); no tag → `:latest`.
    public static func normalize(_ image: String) -> (String, String?) {
        guard let parsed = try? ImageReference(parsing: image) else { return (image, nil) }
        return (parsed.withoutDigest.taggedName, parsed.digest)
    }

    /// Lines with continuations joined and comments dropped, with their first line number.
    static func logicalLines(_ text: String) -> [(Int, String)] {
        var result: [(Int, String)] = []
        var pending = ""
        var start = 0
        for (index, raw) in text.textLines().enumerated() {
            let line = String(raw)
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.hasPrefix("#") { continue }
            if pending.isEmpty { start = index + 1 }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            pending += line
            if !pending.trimmingSpaces().isEmpty { result.append((start, String(pending.trimmingSpaces()))) }
            pending = ""
        }
        if !pending.trimmingSpaces().isEmpty { result.append((start, String(pending.trimmingSpaces()))) }
        return result
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
            if next < text.endIndex, text[next] == "{", let close = text[next...].firstIndex(of: "}") {
                let body = String(text[text.index(after: next)..<close])
                let parts = body.components(separatedByString: ":-")
                result += args[parts[0]] ?? (parts.count > 1 ? parts[1] : "$" + "{" + body + "}")
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
