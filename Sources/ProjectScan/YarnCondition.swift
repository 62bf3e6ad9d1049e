/// A yarn.lock entry's `conditions` (Yarn Berry), read into npm's `os`/`cpu`/`libc` lists.
///
/// Yarn writes one term per field it restricts, joined by ` & ` (its Manifest
/// `getConditions`): a field with one value is a token (`os=linux`, `!cpu=arm64`), one with
/// several is a group of tokens joined by ` | ` (`(os=darwin | os=freebsd)`), and Yarn
/// evaluates the text as the boolean expression it is. A group is read exactly: its positive
/// values, or, with a negation in it, every value but the negated ones it does not also name.
/// Anything Yarn does not write (a field twice, a group mixing fields, a negated group, a field
/// other than os/cpu/libc, unbalanced parentheses) is refused, never taken as no restriction.
struct YarnCondition: Sendable, Hashable {
    var os: [String]?
    var cpu: [String]?
    var libc: [String]?

    struct ParseError: Error, Sendable, CustomStringConvertible {
        var text: String
        var detail: String
        var description: String { "conditions `\(text)`: \(detail)" }
    }

    private struct Token: Hashable {
        var field: String
        var value: String
        var negated: Bool
    }

    /// No conditions: no restriction.
    init() {}

    init(parsing text: String) throws(ParseError) {
        var fields: [String: [String]?] = [:]
        guard !text.trimmingSpaces().isEmpty else { return }  // Yarn: no conditions
        for term in try Self.topLevelTerms(text) {
            let tokens = try Self.tokens(of: term, in: text)
            guard let field = tokens.first?.field, tokens.allSatisfy({ $0.field == field }) else {
                throw ParseError(text: text, detail: "a group that mixes fields")
            }
            guard ["os", "cpu", "libc"].contains(field) else { throw ParseError(text: text, detail: "`\(field)` is not os, cpu or libc") }
            guard fields[field] == nil else { throw ParseError(text: text, detail: "`\(field)` restricted twice") }
            let positive = tokens.filter { !$0.negated }.map(\.value)
            let negated = tokens.filter(\.negated).map(\.value).filter { !positive.contains($0) }
            if tokens.contains(where: \.negated) {
                // Yarn's `a | !b` holds for every value but b: an npm list of negations.
                fields[field] = negated.isEmpty ? .some(nil) : .some(negated.map { "!" + $0 })
            } else {
                fields[field] = .some(positive)
            }
        }
        os = fields["os"] ?? nil
        cpu = fields["cpu"] ?? nil
        libc = fields["libc"] ?? nil
    }

    /// The text split at the `&` that stand outside parentheses.
    private static func topLevelTerms(_ text: String) throws(ParseError) -> [Substring] {
        var terms: [Substring] = []
        var depth = 0
        var start = text.startIndex
        for index in text.indices {
            switch text[index] {
            case "(": depth += 1
            case ")":
                depth -= 1
                guard depth >= 0 else { throw ParseError(text: text, detail: "unbalanced parentheses") }
            case "&" where depth == 0:
                terms.append(text[start..<index])
                start = text.index(after: index)
            default: break
            }
        }
        guard depth == 0 else { throw ParseError(text: text, detail: "unbalanced parentheses") }
        terms.append(text[start...])
        return terms
    }

    /// One term: a token, or a parenthesised group of tokens joined by `|`.
    private static func tokens(of term: Substring, in text: String) throws(ParseError) -> [Token] {
        var body = term.trimmingSpaces()
        if body.hasPrefix("(") {
            guard body.hasSuffix(")") else { throw ParseError(text: text, detail: "`\(body)` is not a group") }
            body = body.dropFirst().dropLast()
            guard !body.contains("("), !body.contains(")"), !body.contains("&") else {
                throw ParseError(text: text, detail: "a nested group")
            }
        } else if body.contains("|") {
            throw ParseError(text: text, detail: "`|` outside a group")
        }
        return try body.split(separator: "|", omittingEmptySubsequences: false).map { (raw: Substring) throws(ParseError) -> Token in
            var token = raw.trimmingSpaces()
            let negated = token.hasPrefix("!")
            if negated { token = token.dropFirst() }
            let parts = token.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
                  !parts[0].contains(where: { $0 == " " || $0 == "!" }), !parts[1].contains(" ") else {
                throw ParseError(text: text, detail: "`\(raw.trimmingSpaces())` is not a `field=value` token")
            }
            return Token(field: String(parts[0]), value: String(parts[1]), negated: negated)
        }
    }
}
