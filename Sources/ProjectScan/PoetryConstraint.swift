/// Poetry's version constraints (`^3.13`, `~3.10`, `>=3.9,<4.0 || 3.8.*`, `*`) written as the
/// PEP 440 specifiers `PythonSpecifier` reads, alternatives joined by `||`.
enum PoetryConstraint {
    /// "" for `*` (any version). A clause poetry writes that has no PEP 440 form is kept as
    /// written, which `PythonSpecifier.decides` does not read (the answer is then unknown).
    static func pep440(_ constraint: String) -> String {
        let alternatives = constraint.components(separatedBy: "||").map { alternative -> String in
            let clauses = alternative.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            return clauses.compactMap(clause).joined(separator: ",")
        }
        if alternatives.contains("") { return "" }  // one alternative allows every version
        return alternatives.joined(separator: " || ")
    }

    /// One clause: `^X.Y` is `>=X.Y,<X+1` (`^0.Y`: `<0.Y+1`), `~X.Y` is `>=X.Y,<X.Y+1`, a bare
    /// version is `==`; nil for `*`.
    private static func clause(_ text: String) -> String? {
        if text == "*" { return nil }
        for (prefix, caret) in [("^", true), ("~=", false), ("~", false)] where text.hasPrefix(prefix) {
            if prefix == "~=" { return text }
            let version = String(text.dropFirst(prefix.count))
            let parts = version.split(separator: ".").compactMap { Int($0) }
            guard !parts.isEmpty, parts.count == version.split(separator: ".").count else { return text }
            var upper: [Int]
            if caret {
                let first = parts.firstIndex { $0 != 0 } ?? (parts.count - 1)
                upper = Array(parts.prefix(first + 1))
            } else {
                upper = Array(parts.prefix(parts.count == 1 ? 1 : 2))
            }
            upper[upper.count - 1] += 1
            return ">=\(version),<\(upper.map(String.init).joined(separator: "."))"
        }
        if let first = text.first, first.isNumber { return "==" + text }
        return text
    }
}
