import Foundation

/// The subset of TOML that uv.lock, poetry.lock and pylock.toml (PEP 751) use: tables,
/// arrays of tables (nested ones too), dotted keys, basic/literal/multi-line strings,
/// integers, floats, booleans, arrays and inline tables. Dates are kept as text.
enum LockfileTOML: Sendable, Hashable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    case array([LockfileTOML])
    case table([String: LockfileTOML])

    subscript(key: String) -> LockfileTOML? {
        if case .table(let table) = self { return table[key] }
        return nil
    }

    var string: String? { if case .string(let text) = self { return text }; return nil }
    var integer: Int? { if case .integer(let value) = self { return value }; return nil }
    var bool: Bool? { if case .bool(let value) = self { return value }; return nil }
    var array: [LockfileTOML] { if case .array(let items) = self { return items }; return [] }

    struct ParseError: Error, Sendable, CustomStringConvertible {
        var line: Int
        var detail: String
        var description: String { "line \(line): \(detail)" }
    }

    static func parse(_ text: String) throws(ParseError) -> LockfileTOML {
        var parser = Parser(Array(text.utf8))
        return try parser.document()
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var root: [String: LockfileTOML] = [:]
        /// The path of the current table; array-of-tables segments point at their last element.
        var current: [String] = []
        /// Arrays and inline tables open around the value being read: bounded, as the parse
        /// and the value's release recurse once per level (a hostile file 5,000 deep crashed).
        var nesting = 0
        static let nestingLimit = 128

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        func error(_ detail: String) -> ParseError { ParseError(line: line, detail: detail) }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpaces() {
            while let byte = peek, byte == 0x20 || byte == 0x09 { index += 1 }
        }

        /// Spaces, newlines and comments (inside arrays).
        mutating func skipBlank() {
            while let byte = peek {
                if byte == 0x20 || byte == 0x09 || byte == 0x0d { index += 1 }
                else if byte == 0x0a { index += 1; line += 1 }
                else if byte == UInt8(ascii: "#") { while let b = peek, b != 0x0a { index += 1 } }
                else { break }
            }
        }

        mutating func endOfLine() throws(ParseError) {
            skipSpaces()
            if peek == UInt8(ascii: "#") { while let b = peek, b != 0x0a { index += 1 } }
            if peek == 0x0d { index += 1 }
            guard let byte = peek else { return }
            guard byte == 0x0a else { throw error("expected the end of the line") }
            index += 1
            line += 1
        }

        mutating func document() throws(ParseError) -> LockfileTOML {
            while true {
                skipBlank()
                guard let byte = peek else { break }
                if byte == UInt8(ascii: "[") {
                    index += 1
                    let isArray = peek == UInt8(ascii: "[")
                    if isArray { index += 1 }
                    let path = try key()
                    guard peek == UInt8(ascii: "]") else { throw error("expected ]") }
                    index += 1
                    if isArray {
                        guard peek == UInt8(ascii: "]") else { throw error("expected ]]") }
                        index += 1
                    }
                    try endOfLine()
                    try open(path, appending: isArray)
                } else {
                    let path = try key()
                    skipSpaces()
                    guard peek == UInt8(ascii: "=") else { throw error("expected =") }
                    index += 1
                    skipSpaces()
                    let value = try self.value()
                    try endOfLine()
                    try assign(current + path, value)
                }
            }
            return .table(root)
        }

        /// `a.b."c d"` → ["a", "b", "c d"].
        mutating func key() throws(ParseError) -> [String] {
            var parts: [String] = []
            while true {
                skipSpaces()
                guard let byte = peek else { throw error("expected a key") }
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    guard case .string(let text) = try value() else { throw error("bad key") }
                    parts.append(text)
                } else {
                    let start = index
                    while let b = peek, (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
                        || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") { index += 1 }
                    guard index > start else { throw error("expected a key") }
                    parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
                }
                skipSpaces()
                guard peek == UInt8(ascii: ".") else { return parts }
                guard parts.count < Self.nestingLimit else { throw error("a dotted key of more than \(Self.nestingLimit) parts") }
                index += 1
            }
        }

        mutating func open(_ path: [String], appending: Bool) throws(ParseError) {
            current = path
            try Self.update(&root, path[...], line: line) { (slot: inout LockfileTOML?) throws(ParseError) in
                if appending {
                    var items: [LockfileTOML]
                    switch slot {
                    case nil: items = []
                    case .array(let existing)?: items = existing
                    default: throw ParseError(line: line, detail: "\(path.joined(separator: ".")) is not an array of tables")
                    }
                    items.append(.table([:]))
                    slot = .array(items)
                } else if slot == nil {
                    slot = .table([:])
                }
            }
        }

        mutating func assign(_ path: [String], _ value: LockfileTOML) throws(ParseError) {
            try Self.update(&root, path[...], line: line) { (slot: inout LockfileTOML?) throws(ParseError) in
                guard slot == nil else { throw ParseError(line: line, detail: "\(path.joined(separator: ".")) defined twice") }
                slot = value
            }
        }

        /// Walks `path` (into the last element of arrays of tables) and hands the final slot to `body`.
        static func update(
            _ table: inout [String: LockfileTOML], _ path: ArraySlice<String>, line: Int,
            _ body: (inout LockfileTOML?) throws(ParseError) -> Void
        ) throws(ParseError) {
            guard let first = path.first else { return }
            if path.count == 1 {
                var slot = table[first]
                try body(&slot)
                table[first] = slot
                return
            }
            switch table[first] {
            case nil:
                var inner: [String: LockfileTOML] = [:]
                try update(&inner, path.dropFirst(), line: line, body)
                table[first] = .table(inner)
            case .table(var inner)?:
                table[first] = nil
                try update(&inner, path.dropFirst(), line: line, body)
                table[first] = .table(inner)
            case .array(var items)?:
                guard case .table(var inner)? = items.last else { throw ParseError(line: line, detail: "\(first) is not a table") }
                table[first] = nil
                try update(&inner, path.dropFirst(), line: line, body)
                items[items.count - 1] = .table(inner)
                table[first] = .array(items)
            default:
                throw ParseError(line: line, detail: "\(first) is not a table")
            }
        }

        mutating func value() throws(ParseError) -> LockfileTOML {
            guard let byte = peek else { throw error("expected a value") }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                return .string(try string(quote: byte))
            case UInt8(ascii: "["):
                nesting += 1
                defer { nesting -= 1 }
                guard nesting <= Self.nestingLimit else { throw error("arrays and inline tables nested more than \(Self.nestingLimit) deep") }
                index += 1
                var items: [LockfileTOML] = []
                while true {
                    skipBlank()
                    if peek == UInt8(ascii: "]") { index += 1; return .array(items) }
                    items.append(try value())
                    skipBlank()
                    if peek == UInt8(ascii: ",") { index += 1; continue }
                    skipBlank()
                    guard peek == UInt8(ascii: "]") else { throw error("expected , or ] in an array") }
                }
            case UInt8(ascii: "{"):
                nesting += 1
                defer { nesting -= 1 }
                guard nesting <= Self.nestingLimit else { throw error("arrays and inline tables nested more than \(Self.nestingLimit) deep") }
                index += 1
                var table: [String: LockfileTOML] = [:]
                skipSpaces()
                if peek == UInt8(ascii: "}") { index += 1; return .table(table) }
                while true {
                    skipBlank()
                    let path = try key()
                    skipSpaces()
                    guard peek == UInt8(ascii: "=") else { throw error("expected = in an inline table") }
                    index += 1
                    skipSpaces()
                    let item = try value()
                    try Self.update(&table, path[...], line: line) { (slot: inout LockfileTOML?) throws(ParseError) in slot = item }
                    skipBlank()
                    if peek == UInt8(ascii: ",") { index += 1; continue }
                    guard peek == UInt8(ascii: "}") else { throw error("expected , or } in an inline table") }
                    index += 1
                    return .table(table)
                }
            default:
                let start = index
                while let b = peek, b != 0x0a, b != 0x0d, b != UInt8(ascii: ","), b != UInt8(ascii: "]"), b != UInt8(ascii: "}"),
                      b != UInt8(ascii: "#") { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                if text == "true" { return .bool(true) }
                if text == "false" { return .bool(false) }
                if let integer = Int(text.replacingOccurrences(of: "_", with: "")) { return .integer(integer) }
                if let float = Double(text) { return .float(float) }
                guard !text.isEmpty else { throw error("expected a value") }
                return .string(text)  // dates and times
            }
        }

        mutating func string(quote: UInt8) throws(ParseError) -> String {
            let multiline = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
            index += multiline ? 3 : 1
            if multiline, peek == 0x0a { index += 1; line += 1 }
            var out: [UInt8] = []
            while true {
                guard let byte = peek else { throw error("unterminated string") }
                if byte == quote {
                    if !multiline { index += 1; break }
                    if index + 2 < bytes.count, bytes[index + 1] == quote, bytes[index + 2] == quote {
                        index += 3
                        break
                    }
                }
                if byte == 0x0a {
                    guard multiline else { throw error("newline in a string") }
                    line += 1
                }
                if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                    index += 1
                    guard let escaped = peek else { throw error("unterminated escape") }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "n"): out.append(0x0a)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0d)
                    case UInt8(ascii: "\""): out.append(escaped)
                    case UInt8(ascii: "\\"): out.append(escaped)
                    case UInt8(ascii: "u"), UInt8(ascii: "U"):
                        let count = escaped == UInt8(ascii: "u") ? 4 : 8
                        guard index + count <= bytes.count,
                              let code = UInt32(String(decoding: bytes[index..<index + count], as: UTF8.self), radix: 16),
                              let scalar = Unicode.Scalar(code) else { throw error("bad unicode escape") }
                        out += Array(String(Character(scalar)).utf8)
                        index += count
                    case 0x0a:  // line-ending backslash in a multi-line string
                        line += 1
                        while let b = peek, b == 0x20 || b == 0x09 || b == 0x0a { if b == 0x0a { line += 1 }; index += 1 }
                    default: throw error("unknown escape")
                    }
                    continue
                }
                out.append(byte)
                index += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
