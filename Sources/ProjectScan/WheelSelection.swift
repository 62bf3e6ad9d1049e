import ELFInspection

/// Which file of a pinned release pip would install on one platform: the wheel whose
/// best tag ranks highest (`WheelTags`), else the sdist (a build from source), else nothing.
public struct WheelSelection: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case wheel(PythonLockfile.File)
        /// No wheel fits: pip builds this sdist (a compiler and headers in the build stage).
        case sdist(PythonLockfile.File)
        /// No wheel fits and the release has no sdist.
        case none
    }

    public var outcome: Outcome
    /// The wheels of the release that fit, best first (only the first is installed).
    public var candidates: [PythonLockfile.File]

    public var wheel: PythonLockfile.File? {
        if case .wheel(let file) = outcome { return file }
        return nil
    }

    /// `files` are one release's files; `requiresPython` filters them as pip does with
    /// the index's `requires-python` (a file whose range excludes the interpreter is skipped).
    public static func select(
        _ files: [PythonLockfile.File], tags: WheelTags, python: String?, requiresPython: [String: String] = [:]
    ) -> WheelSelection {
        func allowed(_ file: PythonLockfile.File) -> Bool {
            guard let python, let range = requiresPython[file.filename] ?? file.requiresPython else { return true }
            return PythonSpecifier.allows(range, version: python)
        }
        var ranked: [(rank: Int, file: PythonLockfile.File)] = []
        for file in files where allowed(file) {
            guard let name = file.wheel, let rank = tags.rank(of: name) else { continue }
            ranked.append((rank, file))
        }
        // pip: best tag first; among equal tags the higher build number, then the name (stable).
        ranked.sort { ($0.rank, $0.file.filename) < ($1.rank, $1.file.filename) }
        let candidates = ranked.map(\.file)
        if let best = candidates.first { return WheelSelection(outcome: .wheel(best), candidates: candidates) }
        if let sdist = files.first(where: { $0.isSdist && allowed($0) }) { return WheelSelection(outcome: .sdist(sdist), candidates: []) }
        return WheelSelection(outcome: .none, candidates: [])
    }
}

/// PEP 440 version specifiers as `requires-python` uses them (`>=3.10`, `!=3.0.*,<4`).
public enum PythonSpecifier {
    public static func allows(_ specifier: String, version: String) -> Bool {
        guard let have = numbers(version) else { return true }
        for clause in specifier.split(separator: ",") {
            let text = clause.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            let op = String(text.prefix { "<>=!~".contains($0) })
            var value = text.dropFirst(op.count).trimmingCharacters(in: .whitespaces)
            let wildcard = value.hasSuffix(".*")
            if wildcard { value.removeLast(2) }
            guard let want = numbers(value) else { continue }
            let width = max(have.count, want.count)
            let a = have + Array(repeating: 0, count: width - have.count)
            let b = want + Array(repeating: 0, count: width - want.count)
            let prefixMatch = Array(have.prefix(want.count)) + Array(repeating: 0, count: max(0, want.count - have.count)) == want
            let ok: Bool
            switch op {
            case "==": ok = wildcard ? prefixMatch : a == b
            case "!=": ok = wildcard ? !prefixMatch : a != b
            case ">=": ok = !a.lexicographicallyPrecedes(b)
            case "<=": ok = a == b || a.lexicographicallyPrecedes(b)
            case ">": ok = b.lexicographicallyPrecedes(a)
            case "<": ok = a.lexicographicallyPrecedes(b)
            case "~=": ok = !a.lexicographicallyPrecedes(b) && Array(have.prefix(want.count - 1)) == Array(want.dropLast())
            default: ok = true
            }
            if !ok { return false }
        }
        return true
    }

    /// Whether every interpreter of a version line (`3.12`, its patch release unknown) is in
    /// `specifier`: true for all of them, false for none, nil when it depends on the patch
    /// release (`==3.12.0`, `<=3.12`, `>=3.12.4`). Alternatives may be joined by `||`. A full
    /// version (`3.12.7`) is decided exactly. Nil too when a clause is not one basefit reads exactly (`===`, a pre-release, `~=3`, a
    /// number too big): the installer's answer is then not known here.
    public static func decides(_ specifier: String, line: String) -> Bool? {
        let alternatives = specifier.components(separatedBy: "||")
        func holds(_ version: String) -> Bool { alternatives.contains { allows($0, version: version) } }
        var patches: Set<Int> = [0, 1, 9_999]
        for clause in alternatives.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let text = clause.trimmingCharacters(in: .whitespaces)
            let op = String(text.prefix { "<>=!~".contains($0) })
            var value = text.dropFirst(op.count).trimmingCharacters(in: .whitespaces)
            let wildcard = value.hasSuffix(".*")
            if wildcard { value.removeLast(2) }
            guard ["==", "!=", ">=", "<=", ">", "<", "~="].contains(op), !wildcard || op == "==" || op == "!=",
                  value.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                  let want = numbers(value), op != "~=" || want.count >= 2 else { return nil }
            // The patch releases where a clause can change its answer, and ones far from them.
            if want.count >= 3 { patches.formUnion([want[2] == 0 ? 0 : want[2] - 1, want[2], want[2] == Int.max ? want[2] : want[2] + 1]) }
        }
        guard let have = numbers(line), have.count == 2 else { return holds(line) }
        let answers = Set(patches.map { holds("\(have[0]).\(have[1]).\($0)") })
        return answers.count == 1 ? answers.first : nil
    }

    private static func numbers(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".").map { Int($0.prefix { $0.isNumber }) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.map { $0! }
    }
}
