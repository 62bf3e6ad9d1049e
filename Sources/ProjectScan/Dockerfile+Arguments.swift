/// ARG substitution in FROM lines, as BuildKit's shell lexer does it.
extension Dockerfile {
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
