import ELFInspection

/// Evaluates a PEP 508 environment marker for a Linux CPython platform
/// (`python_version < "3.11" and platform_machine == "x86_64"`).
///
/// What the platform does not say is unknown, not empty: `extra` (which extras the install
/// asks for), `platform_release` and `platform_version` (the build machine's kernel), and
/// the patch release of `python_full_version`/`implementation_version` (only the CPython
/// line is known: a comparison is decided when it comes out the same for every patch
/// release). The logic is three-valued, and a marker that is not false for certain keeps
/// its pin, as does a marker basefit cannot read: a pin is dropped only when pip would
/// certainly not install it there.
public enum PythonMarker {
    public static func evaluate(_ marker: String, platform: LockfilePlatform) -> Bool {
        var parser = Parser(tokens: tokenize(marker), environment: environment(platform))
        guard let value = parser.orExpression(), parser.position == parser.tokens.count else { return true }
        return value != false
    }

    /// A marker variable's value on the platform.
    enum Value {
        case known(String)
        /// `major.minor` known, the patch release not.
        case line(String)
        case unknown
    }

    static func environment(_ platform: LockfilePlatform) -> [String: Value] {
        let machine: String
        switch platform.architecture {
        case .amd64: machine = "x86_64"
        case .arm64: machine = "aarch64"
        case .arm: machine = "armv7l"
        case .i386: machine = "i686"
        default: machine = platform.architecture.elfName
        }
        let python: Value = platform.python.map { .known($0) } ?? .unknown
        let full: Value = platform.python.map { .line($0) } ?? .unknown
        return [
            "python_version": python, "python_full_version": full, "sys_platform": .known("linux"),
            "platform_system": .known("Linux"), "platform_machine": .known(machine), "os_name": .known("posix"),
            "implementation_name": .known("cpython"), "platform_python_implementation": .known("CPython"),
            "implementation_version": full,
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
        let environment: [String: Value]
        var position = 0

        init(tokens: [Token], environment: [String: Value]) {
            self.tokens = tokens
            self.environment = environment
        }

        /// nil in a value: unknown (Kleene logic). A nil result: the marker could not be read.
        mutating func orExpression() -> Bool?? {
            guard var value = andExpression() else { return nil }
            while position < tokens.count, tokens[position] == .op("or") {
                position += 1
                guard let right = andExpression() else { return nil }
                value = value == true || right == true ? true : (value == false && right == false ? false : Bool?.none)
            }
            return value
        }

        mutating func andExpression() -> Bool?? {
            guard var value = atom() else { return nil }
            while position < tokens.count, tokens[position] == .op("and") {
                position += 1
                guard let right = atom() else { return nil }
                value = value == false || right == false ? false : (value == true && right == true ? true : Bool?.none)
            }
            return value
        }

        mutating func atom() -> Bool?? {
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
            switch (left, right) {
            case (.known(let a), .known(let b)): return .some(Self.compare(a, op, b))
            case (.line(let a), .known(let b)): return .some(Self.overPatches(a, b, third: true) { Self.compare($0, op, $1) })
            case (.known(let a), .line(let b)): return .some(Self.overPatches(b, a, third: false) { Self.compare($1, op, $0) })
            default: return .some(nil)
            }
        }

        mutating func operand() -> Value? {
            guard position < tokens.count else { return nil }
            defer { position += 1 }
            switch tokens[position] {
            case .string(let text): return .known(text)
            case .word(let name): return environment[name] ?? .unknown
            default: return nil
            }
        }

        /// A comparison of `line.<patch>` with `other`, decided only when it is the same for
        /// every patch release: tried at 0, at the other side's own patch number and next to
        /// it, and far above (the comparisons change only at those points).
        static func overPatches(_ line: String, _ other: String, third: Bool, _ compare: (String, String) -> Bool) -> Bool? {
            // Clamped: a patch number past any real one compares like a very large one.
            let otherPatch = other.split(separator: ".").dropFirst(2).first.flatMap { Int($0.prefix { $0.isNumber }.prefix(8)) }
            var patches = [0, 999_999_999]
            if let otherPatch { patches += [max(0, otherPatch - 1), otherPatch, otherPatch + 1] }
            let results = Set(patches.map { compare("\(line).\($0)", other) })
            return results.count == 1 ? results.first : nil
        }

        static func compare(_ left: String, _ op: String, _ right: String) -> Bool {
            switch op {
            case "in": return right.contains(left)
            case "not in": return !right.contains(left)
            default: break
            }
            // PEP 440 prefix matching: `== "3.12.*"`, `!= "3.12.*"`.
            if op == "==" || op == "!=", right.hasSuffix(".*"), left.allSatisfy({ $0.isNumber || $0 == "." }) {
                let prefix = right.dropLast(2).split(separator: ".").map { Int($0) ?? -1 }
                let components = left.split(separator: ".").map { Int($0) ?? -2 }
                let padded = components + Array(repeating: 0, count: max(0, prefix.count - components.count))
                let matches = Array(padded.prefix(prefix.count)) == prefix
                return op == "==" ? matches : !matches
            }
            if let a = VersionNumber(left), let b = VersionNumber(right),
               left.allSatisfy({ $0.isNumber || $0 == "." }), right.allSatisfy({ $0.isNumber || $0 == "." }) {
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
            case "==", "===": return left == right
            case "!=": return left != right
            case "<": return left < right
            case "<=": return left <= right
            case ">": return left > right
            case ">=": return left >= right
            default: return true
            }
        }
    }
}
