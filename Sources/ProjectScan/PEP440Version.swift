/// A PEP 440 version (`1!2.0.post1.dev3+cu121`), compared and matched as packaging does:
/// the release without trailing zeros (`1.0` is `1.0.0`), a dev release before its
/// pre-releases, a post release after its release, a local version after its public one.
public struct PEP440Version: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var epoch: Int
    public var release: [Int]
    /// `a` 0, `b` 1, `rc` 2, with its number.
    public var pre: Pre?
    public var post: Int?
    public var dev: Int?
    /// The local label's parts (`cu121`, `1`); empty: none.
    public var local: [String]
    public let description: String

    public struct Pre: Sendable, Hashable {
        public var kind: Int
        public var number: Int
    }

    public init?(_ text: String) {
        description = text
        var rest = Substring(text.lowercased().trimmingCharacters(in: .whitespaces))
        if rest.hasPrefix("v") { rest = rest.dropFirst() }
        if let plus = rest.firstIndex(of: "+") {
            local = rest[rest.index(after: plus)...].split(omittingEmptySubsequences: false) { "-_.".contains($0) }.map(String.init)
            guard local.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }) else { return nil }
            rest = rest[..<plus]
        } else {
            local = []
        }
        epoch = 0
        if let bang = rest.firstIndex(of: "!") {
            guard let value = Int(rest[..<bang]) else { return nil }
            epoch = value
            rest = rest[rest.index(after: bang)...]
        }
        var numbers: [Int] = []
        while let value = Self.number(&rest) {
            numbers.append(value)
            guard rest.first == ".", rest.dropFirst().first?.isNumber == true else { break }
            rest = rest.dropFirst()
        }
        guard !numbers.isEmpty else { return nil }
        release = numbers
        if let kind = Self.word(&rest, [("alpha", 0), ("a", 0), ("beta", 1), ("b", 1), ("preview", 2), ("pre", 2), ("rc", 2), ("c", 2)]) {
            pre = Pre(kind: kind, number: Self.separatedNumber(&rest) ?? 0)
        }
        if rest.hasPrefix("-"), rest.dropFirst().first?.isNumber == true {
            rest = rest.dropFirst()
            post = Self.number(&rest)
        } else if Self.word(&rest, [("post", 0), ("rev", 0), ("r", 0)]) != nil {
            post = Self.separatedNumber(&rest) ?? 0
        }
        if Self.word(&rest, [("dev", 0)]) != nil { dev = Self.separatedNumber(&rest) ?? 0 }
        guard rest.isEmpty else { return nil }
    }

    /// `==pinned` as packaging matches it: without a local label in the pin, a candidate's
    /// local label is ignored (`==1.0` takes `1.0+cu121`); trailing zeros never count.
    /// `arbitrary` (`===`): the same text, case aside.
    public static func matches(_ candidate: String, pinned: String, arbitrary: Bool = false) -> Bool {
        if arbitrary { return candidate.lowercased() == pinned.lowercased() }
        guard var have = PEP440Version(candidate), let want = PEP440Version(pinned) else { return candidate == pinned }
        if want.local.isEmpty { have.local = [] }
        return have.key == want.key
    }

    public static func == (lhs: PEP440Version, rhs: PEP440Version) -> Bool { lhs.key == rhs.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key.description) }
    public static func < (lhs: PEP440Version, rhs: PEP440Version) -> Bool { lhs.key < rhs.key }

    /// packaging's `_cmpkey`, as one comparable value.
    private var key: Key {
        var trimmed = release
        while trimmed.count > 1, trimmed.last == 0 { trimmed.removeLast() }
        // A dev release of a release (no pre, no post) sorts before its pre-releases.
        let preRank: [Int] = pre.map { [1, $0.kind, $0.number] } ?? (post == nil && dev != nil ? [0] : [2])
        return Key(epoch: epoch, release: trimmed, pre: preRank, post: post.map { [1, $0] } ?? [0],
                   dev: dev.map { [0, $0] } ?? [1], local: local.map { Int($0).map { LocalPart.number($0) } ?? .text($0) })
    }

    private enum LocalPart: Comparable, CustomStringConvertible {
        /// packaging: a number part sorts above a text one.
        case text(String)
        case number(Int)
        var description: String {
            switch self {
            case .text(let text): return text
            case .number(let value): return String(value)
            }
        }
    }

    private struct Key: Comparable, CustomStringConvertible {
        var epoch: Int
        var release: [Int]
        var pre: [Int]
        var post: [Int]
        var dev: [Int]
        var local: [LocalPart]

        var description: String { "\(epoch)!\(release)\(pre)\(post)\(dev)+\(local)" }

        static func < (a: Key, b: Key) -> Bool {
            if a.epoch != b.epoch { return a.epoch < b.epoch }
            let width = max(a.release.count, b.release.count)
            let x = a.release + Array(repeating: 0, count: width - a.release.count)
            let y = b.release + Array(repeating: 0, count: width - b.release.count)
            if x != y { return x.lexicographicallyPrecedes(y) }
            for (p, q) in [(a.pre, b.pre), (a.post, b.post), (a.dev, b.dev)] where p != q { return p.lexicographicallyPrecedes(q) }
            return a.local.lexicographicallyPrecedes(b.local)
        }
    }

    private static func number(_ text: inout Substring) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let value = Int(digits) else { return nil }
        text = text.dropFirst(digits.count)
        return value
    }

    /// A number after an optional `-`, `_` or `.`.
    private static func separatedNumber(_ text: inout Substring) -> Int? {
        var copy = text
        if let first = copy.first, "-_.".contains(first) { copy = copy.dropFirst() }
        guard let value = number(&copy) else { return nil }
        text = copy
        return value
    }

    /// One of `words` after an optional separator; its rank.
    private static func word(_ text: inout Substring, _ words: [(String, Int)]) -> Int? {
        var copy = text
        if let first = copy.first, "-_.".contains(first) { copy = copy.dropFirst() }
        for (word, rank) in words where copy.hasPrefix(word) {
            text = copy.dropFirst(word.count)
            return rank
        }
        return nil
    }
}
