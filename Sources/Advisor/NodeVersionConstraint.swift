import Domain
import Foundation

/// A Node version constraint from `.nvmrc`, `.node-version` or `engines.node`,
/// held against the Node line an image carries. An image's `node:22` carries the
/// newest 22.x, so a line is compared as 22.∞.∞.
///
/// `.nvmrc`/`.node-version` pin a major (`22`, `v22.11.0`, `22.x`) or name an alias
/// (`lts/*`, `lts/jod`, `node`, `latest`); `engines.node` is a semver range
/// (`>=22`, `^20 || ^22`, `22.x`, `18 - 22`, `>=18 <21`).
public struct NodeVersionConstraint: Sendable, Hashable {
    /// Alternatives (`||`), each a list of comparators that must all hold.
    private var alternatives: [[Comparator]]
    /// How to say which Node lines fit (`Node 22`, `>=20 <23`).
    public var summary: String
    public var text: String

    struct Comparator: Hashable {
        enum Operation { case less, lessOrEqual, greater, greaterOrEqual, equal }
        var operation: Operation
        var version: [Int]

        func holds(_ candidate: [Int]) -> Bool {
            let order = Self.compare(candidate, version)
            switch operation {
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            case .greater: return order > 0
            case .greaterOrEqual: return order >= 0
            case .equal: return order == 0
            }
        }

        static func compare(_ a: [Int], _ b: [Int]) -> Int {
            for index in 0..<3 {
                let left = index < a.count ? a[index] : 0
                let right = index < b.count ? b[index] : 0
                if left != right { return left < right ? -1 : 1 }
            }
            return 0
        }
    }

    /// LTS codenames (Node release schedule) and when each line became LTS.
    static let lts: [(major: Int, codename: String, since: String)] = [
        (4, "argon", "2015-10-01"), (6, "boron", "2016-10-18"), (8, "carbon", "2017-10-31"), (10, "dubnium", "2018-10-30"),
        (12, "erbium", "2019-10-21"), (14, "fermium", "2020-10-27"), (16, "gallium", "2021-10-26"),
        (18, "hydrogen", "2022-10-25"), (20, "iron", "2023-10-24"), (22, "jod", "2024-10-29"), (24, "krypton", "2025-10-28"),
    ]

    /// - Parameters:
    ///   - file: `.nvmrc`, `.node-version` (a major pin or an alias) or `engines.node` (a semver range).
    ///   - today: resolves `lts/*`; `newest`: the newest Node major known, for `node`/`latest`.
    public init?(_ text: String, file: String, today: Day? = nil, newest: Int? = nil) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard !trimmed.isEmpty else { return nil }
        if file != "engines.node" {
            if trimmed == "node" || trimmed == "latest" || trimmed == "current" || trimmed == "stable" {
                guard let newest else { return nil }
                self.init(major: newest, text: text)
                return
            }
            if trimmed.hasPrefix("lts/") {
                let name = trimmed.dropFirst(4)
                let known = Self.lts.filter { entry in
                    guard let today, let since = Day(entry.since) else { return true }
                    return since <= today
                }
                // `lts/*` the newest LTS line, `lts/-N` the Nth before it (nvm), `lts/<codename>`.
                let back = name.hasPrefix("-") ? Int(name.dropFirst()).flatMap { $0 >= 0 ? $0 : nil } : nil
                let entry = name == "*" ? known.last
                    : back.flatMap { known.count > $0 ? known[known.count - 1 - $0] : nil } ?? Self.lts.first { $0.codename == name }
                guard let entry else { return nil }
                self.init(major: entry.major, text: text)
                return
            }
            guard let major = Self.major(trimmed) else { return nil }
            self.init(major: major, text: text)
            return
        }
        var alternatives: [[Comparator]] = []
        for part in trimmed.components(separatedBy: "||") {
            guard let comparators = Self.comparators(part.trimmingCharacters(in: .whitespaces)) else { return nil }
            alternatives.append(comparators)
        }
        guard !alternatives.isEmpty else { return nil }
        self.init(alternatives: alternatives, summary: "Node \(text.trimmingCharacters(in: .whitespaces))", text: text)
    }

    private init(major: Int, text: String) {
        self.init(alternatives: [[Comparator(operation: .greaterOrEqual, version: [major]), Comparator(operation: .less, version: [major + 1])]],
                  summary: "Node \(major)", text: text)
    }

    private init(alternatives: [[Comparator]], summary: String, text: String) {
        self.alternatives = alternatives
        self.summary = summary
        self.text = text
    }

    /// True when the newest release of `major` satisfies the constraint.
    public func allows(major: Int) -> Bool {
        let candidate = [major, Int.max, Int.max]
        return alternatives.contains { comparators in comparators.allSatisfy { $0.holds(candidate) } }
    }

    /// `22` from `v22.11.0`, `22`, `22.x`; nil for aliases and ranges.
    public static func major(_ text: String) -> Int? {
        var text = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        if text.hasPrefix("v") { text.removeFirst() }
        return Int(text.split(separator: ".").first ?? "")
    }

    // MARK: Semver ranges

    private static func comparators(_ text: String) -> [Comparator]? {
        if text.isEmpty || text == "*" || text == "x" { return [Comparator(operation: .greaterOrEqual, version: [0])] }
        let hyphen = text.components(separatedBy: " - ")
        if hyphen.count == 2, let low = partial(hyphen[0]), let high = partial(hyphen[1]) {
            return [Comparator(operation: .greaterOrEqual, version: low.version), upperBound(high, inclusive: true)]
        }
        var result: [Comparator] = []
        for token in text.split(whereSeparator: { $0 == " " }).map(String.init) {
            var body = Substring(token)
            var operation: Comparator.Operation?
            for (prefix, op) in [(">=", Comparator.Operation.greaterOrEqual), ("<=", .lessOrEqual), (">", .greater), ("<", .less), ("=", .equal)]
            where body.hasPrefix(prefix) {
                operation = op
                body = body.dropFirst(prefix.count)
                break
            }
            if body.hasPrefix("^") || body.hasPrefix("~") {
                let caret = body.hasPrefix("^")
                guard operation == nil, let version = partial(String(body.dropFirst())) else { return nil }
                result.append(Comparator(operation: .greaterOrEqual, version: version.version))
                var bound = version.version + Array(repeating: 0, count: max(0, 3 - version.version.count))
                if caret {
                    let index = bound.firstIndex { $0 != 0 } ?? 0
                    bound = Array(bound[..<index]) + [bound[index] + 1]
                } else {
                    bound = version.given >= 2 ? [bound[0], bound[1] + 1] : [bound[0] + 1]
                }
                result.append(Comparator(operation: .less, version: bound))
                continue
            }
            guard let version = partial(String(body)) else { return nil }
            switch operation {
            case nil, .equal?:
                if version.given >= 3 {
                    result.append(Comparator(operation: .equal, version: version.version))
                } else {
                    result.append(Comparator(operation: .greaterOrEqual, version: version.version))
                    result.append(upperBound(version, inclusive: true))
                }
            case .lessOrEqual?:
                result.append(version.given >= 3 ? Comparator(operation: .lessOrEqual, version: version.version) : upperBound(version, inclusive: true))
            case .greater?:
                result.append(version.given >= 3 ? Comparator(operation: .greater, version: version.version) : Comparator(operation: .greaterOrEqual, version: upperBound(version, inclusive: true).version))
            case let op?:
                result.append(Comparator(operation: op, version: version.version))
            }
        }
        return result.isEmpty ? nil : result
    }

    /// `22` → `< 23`; `22.3` → `< 22.4`.
    private static func upperBound(_ version: (version: [Int], given: Int), inclusive: Bool) -> Comparator {
        if version.given >= 3 { return Comparator(operation: inclusive ? .lessOrEqual : .less, version: version.version) }
        var bound = Array(version.version.prefix(version.given))
        if bound.isEmpty { return Comparator(operation: .greaterOrEqual, version: [0]) }
        bound[bound.count - 1] += 1
        return Comparator(operation: .less, version: bound)
    }

    /// `v22.1`, `22.x`, `22.*` → the numbers given (x and * end the version).
    private static func partial(_ text: String) -> (version: [Int], given: Int)? {
        var body = Substring(text)
        if body.hasPrefix("v") { body.removeFirst() }
        var numbers: [Int] = []
        for part in body.split(separator: ".", omittingEmptySubsequences: false) {
            if part == "x" || part == "X" || part == "*" { break }
            let digits = part.prefix { $0.isNumber }
            guard let number = Int(digits), !digits.isEmpty else { return nil }
            numbers.append(number)
            if numbers.count == 3 { break }
        }
        guard !numbers.isEmpty else { return nil }
        return (numbers, numbers.count)
    }
}
