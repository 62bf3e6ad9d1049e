/// A dotted version such as `2.2.5` or `3.4.32`, compared numerically
/// component by component (2.9 < 2.17; 2.2 == 2.2.0).
public struct VersionNumber: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let components: [Int]

    /// Dot-separated runs of one to nine ASCII digits, nothing else. Read byte by byte: the
    /// catalog parses thousands of these per run, and Character by Character cost about
    /// 10,000 instructions each.
    public init?(_ text: some StringProtocol) {
        var parts: [Int] = []
        var value = 0
        var digits = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0 else { return nil }
                parts.append(value)
                value = 0
                digits = 0
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 9 {
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            } else {
                return nil
            }
        }
        guard digits > 0 else { return nil }  // empty, or ending in a dot
        parts.append(value)
        components = parts
    }

    public init(_ components: [Int]) { self.components = components }

    public var description: String { components.map(String.init).joined(separator: ".") }

    public static func < (lhs: VersionNumber, rhs: VersionNumber) -> Bool {
        let count = max(lhs.components.count, rhs.components.count)
        for index in 0..<count {
            let left = index < lhs.components.count ? lhs.components[index] : 0
            let right = index < rhs.components.count ? rhs.components[index] : 0
            if left != right { return left < right }
        }
        return false
    }

    public static func == (lhs: VersionNumber, rhs: VersionNumber) -> Bool {
        !(lhs < rhs) && !(rhs < lhs)
    }

    public func hash(into hasher: inout Hasher) {
        var trimmed = components
        while trimmed.last == 0 { trimmed.removeLast() }
        hasher.combine(trimmed)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = VersionNumber(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a dotted version: \(text)"))
        }
        self = parsed
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A symbol version name split into its family and number:
/// `GLIBC_2.34` → (`GLIBC`, 2.34), `CXXABI_TM_1` → (`CXXABI_TM`, 1).
/// Names without a number (`GLIBC_PRIVATE`) have no version.
public struct SymbolVersion: Sendable, Hashable, Codable, CustomStringConvertible {
    public let name: String
    public let family: String
    public let number: VersionNumber?

    /// The family is what comes before the first `_` that a version number follows (`GLIBC_2.2.5`,
    /// `CXXABI_TM_1`); with none, the whole name, and no number. Read on the UTF-8 bytes.
    public init(_ name: String) {
        self.name = name
        var family = name
        var number: VersionNumber?
        let bytes = name.utf8
        var index = bytes.startIndex
        while let underscore = bytes[index...].firstIndex(of: UInt8(ascii: "_")) {
            let start = bytes.index(after: underscore)
            // An `_` inside a grapheme cluster (after a prepended mark) is not a separator.
            if start < bytes.endIndex, bytes[start] >= UInt8(ascii: "0"), bytes[start] <= UInt8(ascii: "9"),
               underscore.samePosition(in: name) != nil, let parsed = VersionNumber(name[start...]) {
                family = String(name[..<underscore])
                number = parsed
                break
            }
            index = start
        }
        self.family = family
        self.number = number
    }

    public var description: String { name }

    /// Serialised as its name; family and number are derived again when read.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
