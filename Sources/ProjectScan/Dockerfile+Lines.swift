import Domain
import Foundation

/// How BuildKit reads a Dockerfile into instructions.
extension Dockerfile {
    /// The instructions, as BuildKit's parser reads them, each with the number of its first
    /// line: a UTF-8 byte order mark dropped; the `# escape=` parser directive (backslash or
    /// backtick) at the top; lines joined where the escape character ends them (spaces after
    /// it allowed), comment and empty lines inside such a continuation skipped; comment lines
    /// dropped; and the here-documents of RUN, COPY and ADD (`<<EOF`, `<<-EOF`, `<<"EOF"`, one
    /// or more per instruction) skipped to their terminator lines, so that a line of their
    /// content (a script, a config file, an inner Dockerfile's `FROM`) is never an instruction.
    static func logicalLines(_ text: String, path: String) throws(DockerfileError) -> [(line: Int, text: String, bodies: [String])] {
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
        var result: [(line: Int, text: String, bodies: [String])] = []
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
            var bodies: [String] = []
            for heredoc in heredocs(in: instruction) {
                var terminated = false
                var body: [Substring] = []
                while index < lines.count {
                    var candidate = lines[index]
                    index += 1
                    if heredoc.chomp { candidate = candidate.drop(while: { $0 == "\t" }) }
                    if candidate == heredoc.name { terminated = true; break }
                    body.append(candidate)
                }
                guard terminated else {
                    throw DockerfileError(path: path, line: number, detail: "unterminated here-document <<\(heredoc.chomp ? "-" : "")\(heredoc.name) (no line \(heredoc.name) ends it)")
                }
                bodies.append(body.joined(separator: "\n"))
            }
            result.append((number, instruction, bodies))
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
}
