import Domain

/// The subset of YAML that pnpm-lock.yaml and Yarn Berry's yarn.lock are written in:
/// block mappings by indentation, plain/single/double-quoted scalars, flow sequences
/// (`[x64, arm64]`) and flow mappings kept as text. Block sequences (`- x`) become
/// sequences of scalars. Anything else is read as a scalar, never executed or resolved.
indirect enum LockfileYAML: Sendable, Hashable {
    case scalar(String)
    case sequence([String])
    case mapping([(key: String, value: LockfileYAML)])

    static func == (lhs: LockfileYAML, rhs: LockfileYAML) -> Bool {
        switch (lhs, rhs) {
        case (.scalar(let a), .scalar(let b)): return a == b
        case (.sequence(let a), .sequence(let b)): return a == b
        case (.mapping(let a), .mapping(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    func hash(into hasher: inout Hasher) {
        switch self {
        case .scalar(let text): hasher.combine(text)
        case .sequence(let items): hasher.combine(items)
        case .mapping(let pairs): for pair in pairs { hasher.combine(pair.key); hasher.combine(pair.value) }
        }
    }

    subscript(key: String) -> LockfileYAML? {
        guard case .mapping(let pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    var text: String? {
        if case .scalar(let text) = self { return text }
        return nil
    }

    /// A flow or block sequence as strings; a single scalar as a one-element list.
    var list: [String]? {
        switch self {
        case .sequence(let items): return items
        case .scalar(let text): return text.isEmpty ? [] : [text]
        case .mapping: return nil
        }
    }

    var pairs: [(key: String, value: LockfileYAML)] {
        if case .mapping(let pairs) = self { return pairs }
        return []
    }

    struct ParseError: Error, Sendable, CustomStringConvertible {
        var line: Int
        var detail: String
        var description: String { "line \(line): \(detail)" }
    }

    private struct Line {
        var number: Int
        var indent: Int
        var content: Substring
    }

    /// One YAML document of a file: `opened` when a `---` line began it.
    struct Document: Sendable {
        var opened: Bool
        /// The file's line the document's first content stands on (nil: an empty document).
        var firstLine: Int?
        var root: LockfileYAML
    }

    /// The file's only YAML document (a leading `---` allowed). Two or more are refused: which
    /// one a tool reads is that tool's rule (pnpm's: `documents`), never a guess here.
    static func parse(_ text: String) throws(ParseError) -> LockfileYAML {
        let documents = try parseDocuments(text)
        guard documents.count <= 1 else {
            throw ParseError(line: documents[1].firstLine ?? 1, detail: "\(documents.count) YAML documents (`---` lines) where one is read")
        }
        return documents.first?.root ?? .scalar("")
    }

    /// Every YAML document of the file in order, split at `---` lines (column 0; a comment may
    /// follow). A `---` with content after it, and the `...` end marker, are not read.
    static func parseDocuments(_ text: String) throws(ParseError) -> [Document] {
        var documents: [(opened: Bool, lines: [Line])] = []
        var current: (opened: Bool, lines: [Line]) = (false, [])
        var started = false  // a `---` or content line has been seen
        for (index, line) in text.textLines().enumerated() {
            let indent = line.prefix { $0 == " " }.count
            let content = line.dropFirst(indent)
            if indent == 0, content.hasPrefix("---") {
                let rest = content.dropFirst(3)
                guard rest.isEmpty || rest.first == " " && (rest.trimmingSpaces().isEmpty || rest.trimmingSpaces().hasPrefix("#")) else {
                    throw ParseError(line: index + 1, detail: "content after a `---` document marker")
                }
                if started { documents.append(current) }
                current = (true, [])
                started = true
                continue
            }
            if indent == 0, content == "..." || content.hasPrefix("... ") { throw ParseError(line: index + 1, detail: "a `...` document end marker") }
            if content.isEmpty || content.hasPrefix("#") { continue }
            if content.hasPrefix("\t") { throw ParseError(line: index + 1, detail: "tab indentation") }
            current.lines.append(Line(number: index + 1, indent: indent, content: content))
            started = true
        }
        if started { documents.append(current) }
        var parsed: [Document] = []
        for document in documents {
            var position = 0
            let root = try block(document.lines, &position, indent: document.lines.first?.indent ?? 0)
            if position < document.lines.count {
                // A line left of the document's first one: not part of its top mapping.
                throw ParseError(line: document.lines[position].number, detail: "unexpected indentation")
            }
            parsed.append(Document(opened: document.opened, firstLine: document.lines.first?.number, root: root))
        }
        return parsed
    }

    private static func block(_ lines: [Line], _ position: inout Int, indent: Int) throws(ParseError) -> LockfileYAML {
        guard position < lines.count else { return .scalar("") }
        if lines[position].content.hasPrefix("- ") || lines[position].content == "-" {
            var items: [String] = []
            while position < lines.count, lines[position].indent == indent,
                  lines[position].content.hasPrefix("-") {
                items.append(unquote(lines[position].content.dropFirst().trimmingSpaces()))
                position += 1
                // Nested content under a sequence item is skipped (lockfiles do not use it for what basefit reads).
                while position < lines.count, lines[position].indent > indent { position += 1 }
            }
            return .sequence(items)
        }
        var pairs: [(key: String, value: LockfileYAML)] = []
        while position < lines.count {
            let line = lines[position]
            if line.indent < indent { break }
            if line.indent > indent { throw ParseError(line: line.number, detail: "unexpected indentation") }
            guard let (key, rest) = splitKey(line.content) else {
                throw ParseError(line: line.number, detail: "expected `key: value`")
            }
            position += 1
            if rest.isEmpty {
                if position < lines.count, lines[position].indent > indent {
                    pairs.append((key, try block(lines, &position, indent: lines[position].indent)))
                } else if position < lines.count, lines[position].indent == indent, lines[position].content.hasPrefix("- ") {
                    pairs.append((key, try block(lines, &position, indent: indent)))
                } else {
                    pairs.append((key, .scalar("")))
                }
            } else {
                pairs.append((key, flowValue(rest)))
            }
        }
        return .mapping(pairs)
    }

    /// Splits `key: rest` where the key may be quoted and contain `:` inside quotes.
    private static func splitKey(_ content: Substring) -> (String, Substring)? {
        var index = content.startIndex
        var key: String
        if let quote = content.first, quote == "\"" || quote == "'" {
            index = content.index(after: index)
            var value = ""
            while index < content.endIndex, content[index] != quote {
                if quote == "\"", content[index] == "\\", content.index(after: index) < content.endIndex {
                    index = content.index(after: index)
                }
                value.append(content[index])
                index = content.index(after: index)
            }
            guard index < content.endIndex else { return nil }
            index = content.index(after: index)
            key = value
            guard index < content.endIndex, content[index] == ":" else { return nil }
        } else {
            // A plain key ends at the first ": " or a trailing ":".
            var found: String.Index?
            var scan = content.startIndex
            while scan < content.endIndex {
                if content[scan] == ":" {
                    let next = content.index(after: scan)
                    if next == content.endIndex || content[next] == " " { found = scan; break }
                }
                scan = content.index(after: scan)
            }
            guard let found else { return nil }
            key = String(content[..<found])
            index = found
        }
        let rest = content[content.index(after: index)...].trimmingSpaces()
        return (key, rest)
    }

    private static func flowValue(_ text: Substring) -> LockfileYAML {
        var text = text
        if let hash = text.range(of: " #") , !text.hasPrefix("\""), !text.hasPrefix("'") { text = text[..<hash.lowerBound] }
        if text.hasPrefix("["), text.hasSuffix("]") {
            let inner = text.dropFirst().dropLast()
            return .sequence(inner.split(separator: ",").map { unquote($0.trimmingSpaces()) }.filter { !$0.isEmpty })
        }
        return .scalar(unquote(text))
    }

    static func unquote(_ text: Substring) -> String {
        let text = text.trimmingSpaces()
        if text.count >= 2, let first = text.first, first == text.last, first == "\"" || first == "'" {
            return String(text.dropFirst().dropLast())
        }
        return String(text)
    }
}
