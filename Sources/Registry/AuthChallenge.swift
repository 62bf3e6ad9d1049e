/// A `WWW-Authenticate` challenge: `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`.
struct AuthChallenge: Sendable, Hashable {
    var scheme: String
    var parameters: [String: String]

    var realm: String? { parameters["realm"] }

    /// Parses the first challenge of the header (auth-params, quoted strings with `\` escapes).
    init?(_ header: String) {
        var rest = Substring(header).drop { $0 == " " }
        let scheme = rest.prefix { $0 != " " }
        guard !scheme.isEmpty else { return nil }
        self.scheme = scheme.lowercased()
        rest = rest.dropFirst(scheme.count)
        var parameters: [String: String] = [:]
        while true {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let name = rest[..<equals].trimmingCharacters(in: " ").lowercased()
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped { value.append(character); escaped = false; continue }
                    if character == "\\" { escaped = true; continue }
                    if character == "\"" { break }
                    value.append(character)
                }
            } else {
                let token = rest.prefix { $0 != "," }
                value = token.trimmingCharacters(in: " ")
                rest = rest.dropFirst(token.count)
            }
            parameters[name] = value
        }
        self.parameters = parameters
    }
}

private extension Substring {
    func trimmingCharacters(in character: Character) -> String {
        String(drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}
