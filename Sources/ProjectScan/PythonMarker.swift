import ELFInspection

/// Evaluates a PEP 508 environment marker for a Linux CPython platform
/// (`python_version < "3.11" and platform_machine == "x86_64"`). `extra` is never set.
/// A marker basefit cannot read evaluates to true (the pin is kept, not silently dropped).
public enum PythonMarker {
    public static func evaluate(_ marker: String, platform: LockfilePlatform) -> Bool {
        var parser = Parser(tokens: tokenize(marker), environment: environment(platform))
        guard let value = parser.orExpression(), parser.position == parser.tokens.count else { return true }
        return value
    }

    static func environment(_ platform: LockfilePlatform) -> [String: String] {
        let machine: String
        switch platform.architecture {
        case .amd64: machine = "x86_64"
        case .arm64: machine = "aarch64"
        case .arm: machine = "armv7l"
        case .i386: machine = "i686"
        default: machine = platform.architecture.elfName
        }
        let python = platform.python ?? "3"
        return [
            "python_version": python, "python_full_version": python + ".0", "sys_platform": "linux",
            "platform_system": "Linux", "platform_machine": machine, "os_name": "posix",
            "implementation_name": "cpython", "platform_python_implementation": "CPython",
            "implementation_version": python + ".0", "extra": "",
        ]
    }

    private enum Token: Equatable {
        case word(String)
        case string(String)
        case op(String)
        case open, close
    }

    private static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == " " || character == "\t" { index += 1; continue }
            if character == "(" { tokens.append(.open); index += 1; continue }
            if character == ")" { tokens.append(.close); index += 1; continue }
            if character == "\"" || character == "'" {
                var end = index + 1
                while end < characters.count, characters[end] != character { end += 1 }
                tokens.append(.string(String(characters[(index + 1)..<min(end, characters.count)])))
                index = end + 1
                continue
            }
            if "<>=!~".contains(character) {
                var end = index
                while end < characters.count, "<>=!~".contains(characters[end]) { end += 1 }
                tokens.append(.op(String(characters[index..<end])))
                index = end
                continue
            }
            var end = index
            while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" || characters[end] == "." { end += 1 }
            if end == index { end += 1 }
            let word = String(characters[index..<end])
            tokens.append(["and", "or", "in", "not"].contains(word) ? .op(word) : .word(word))
            index = end
        }
        return tokens
    }

    private struct Parser {
        let tokens: [Token]
        let environment: [String: String]
        var position = 0

        init(tokens: [Token], environment: [String: String]) {
            self.tokens = tokens
            self.environment = environment
        }

        mutating func orExpression() -> Bool? {
            guard var value = andExpression() else { return nil }
            while position < tokens.count, tokens[position] == .op("or") {
                position += 1
                guard let right = andExpression() else { return nil }
                value = value || right
            }
            return value
        }

        mutating func andExpression() -> Bool? {
            guard var value = atom() else { return nil }
            while position < tokens.count, tokens[position] == .op("and") {
                position += 1
                guard let right = atom() else { return nil }
                value = value && right
            }
            return value
        }

        mutating func atom() -> Bool? {
            guard position < tokens.count else { return nil }
            if tokens[position] == .open {
                position += 1
                let value = orExpression()
                guard position < tokens.count, tokens[position] == .close else { return nil }
                position += 1
                return value
            }
            guard let left = operand() else { return nil }
            guard position < tokens.count, case .op(var op) = tokens[position] else { return nil }
            position += 1
            if op == "not", position < tokens.count, tokens[position] == .op("in") { position += 1; op = "not in" }
            guard let right = operand() else { return nil }
            return compare(left, op, right)
        }

        mutating func operand() -> (text: String, isVariable: Bool)? {
            guard position < tokens.count else { return nil }
            defer { position += 1 }
            switch tokens[position] {
            case .string(let text): return (text, false)
            case .word(let name): return (environment[name] ?? "", true)
            default: return nil
            }
        }

        func compare(_ left: (text: String, isVariable: Bool), _ op: String, _ right: (text: String, isVariable: Bool)) -> Bool {
            switch op {
            case "in": return right.text.contains(left.text)
            case "not in": return !right.text.contains(left.text)
            default: break
            }
            if let a = VersionNumber(left.text), let b = VersionNumber(right.text),
               left.text.allSatisfy({ $0.isNumber || $0 == "." }), right.text.allSatisfy({ $0.isNumber || $0 == "." }) {
                // PEP 440 compares release segments padded with zeros.
                let width = max(a.components.count, b.components.count)
                let x = a.components + Array(repeating: 0, count: width - a.components.count)
                let y = b.components + Array(repeating: 0, count: width - b.components.count)
                switch op {
                case "==", "===": return x == y
                case "!=": return x != y
                case "<": return x.lexicographicallyPrecedes(y)
                case "<=": return x == y || x.lexicographicallyPrecedes(y)
                case ">": return y.lexicographicallyPrecedes(x)
                case ">=": return x == y || y.lexicographicallyPrecedes(x)
                case "~=":
                    let prefix = Array(b.components.dropLast())
                    return !x.lexicographicallyPrecedes(y) && Array(a.components.prefix(prefix.count)) == prefix
                default: return true
                }
            }
            switch op {
            case "==", "===": return left.text == right.text
            case "!=": return left.text != right.text
            case "<": return left.text < right.text
            case "<=": return left.text <= right.text
            case ">": return left.text > right.text
            case ">=": return left.text >= right.text
            default: return true
            }
        }
    }
}
