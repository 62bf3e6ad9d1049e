/// A dotted version such as `2.2.5` or `3.4.32`, compared numerically
/// component by component (2.9 < 2.17; 2.2 == 2.2.0).
public struct VersionNumber: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let components: [Int]

    public init?(_ text: some StringProtocol) {
        guard !text.isEmpty else { return nil }
        var parts: [Int] = []
        for piece in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard !piece.isEmpty, piece.count <= 9, piece.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(piece) else { return nil }
            parts.append(value)
        }
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

    public init(_ name: String) {
        self.name = name
        var family = name
        var number: VersionNumber?
        var searchStart = name.startIndex
        while let underscore = name[searchStart...].firstIndex(of: "_") {
            let rest = name[name.index(after: underscore)...]
            if let first = rest.first, first.isASCII, first.isNumber, let parsed = VersionNumber(rest) {
                family = String(name[..<underscore])
                number = parsed
                break
            }
            searchStart = name.index(after: underscore)
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
