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

    /// The picked file's `requires-python` holds for some patch releases of the platform's
    /// CPython line and not others (`<=3.12` on 3.12): the catalog records the line only, so
    /// whether pip takes it there is not known.
    public var patchDependentRange: String?

    /// `files` are the pinned release's files (of every version `==` matches: `1.0`, `1.0.0`,
    /// `1.0+cu121`); `requiresPython` filters them as pip does with the index's
    /// `requires-python` (a file whose range excludes the interpreter is skipped; one that
    /// depends on its patch release is kept, and said). pip's order: the highest version,
    /// then the best tag, then the highest build tag (none lowest).
    public static func select(
        _ files: [PythonLockfile.File], tags: WheelTags, python: String?, requiresPython: [String: String] = [:]
    ) -> WheelSelection {
        func range(_ file: PythonLockfile.File) -> String? { requiresPython[file.filename] ?? file.requiresPython }
        func decided(_ file: PythonLockfile.File) -> Bool? {
            guard let python, let range = range(file) else { return true }
            return PythonSpecifier.decides(range, line: python)
        }
        var ranked: [(version: PEP440Version?, rank: Int, build: WheelName.BuildTag?, file: PythonLockfile.File)] = []
        for file in files where decided(file) != false {
            guard let name = file.wheel, let rank = tags.rank(of: name) else { continue }
            ranked.append((PEP440Version(name.version), rank, name.build, file))
        }
        // pip: a file the index does not mark yanked first (PEP 592), then the rest.
        ranked.sort { a, b in
            if (a.file.yanked == true) != (b.file.yanked == true) { return b.file.yanked == true }
            if let x = a.version, let y = b.version, x != y { return y < x }
            if a.rank != b.rank { return a.rank < b.rank }
            switch (a.build, b.build) {
            case let (x?, y?) where x != y: return y < x
            case (.some, nil): return true
            case (nil, .some): return false
            default: break
            }
            return a.file.filename < b.file.filename
        }
        let candidates = ranked.map(\.file)
        let picked: Outcome
        // A yanked wheel comes after an sdist that is not yanked, too.
        let sdists = files.filter { $0.isSdist && decided($0) != false }.sorted { $0.yanked != true && $1.yanked == true }
        if let best = candidates.first, best.yanked != true || sdists.first?.yanked == true || sdists.isEmpty {
            picked = .wheel(best)
        } else if let sdist = sdists.first {
            picked = .sdist(sdist)
        } else {
            return WheelSelection(outcome: .none, candidates: [])
        }
        var selection = WheelSelection(outcome: picked, candidates: candidates)
        if let file = selection.file, decided(file) == nil { selection.patchDependentRange = range(file) }
        return selection
    }

    /// The file picked (wheel or sdist).
    public var file: PythonLockfile.File? {
        switch outcome {
        case .wheel(let file), .sdist(let file): return file
        case .none: return nil
        }
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
