/// pip's `--no-binary` and `--only-binary` as a requirements file sets them (for the whole
/// install, wherever the line stands): which of a release's wheels and sdist pip may take.
/// Names are PEP 503 normalised; `:all:` names every project, `:none:` clears the list.
struct FormatControl: Sendable, Hashable {
    private var noBinary: Set<String> = []
    private var onlyBinary: Set<String> = []

    /// `--no-binary VALUE` (`only: false`) or `--only-binary VALUE` (`only: true`): each one
    /// takes its names out of the other list, and `:all:` empties both first, as pip does.
    mutating func apply(_ value: String, only: Bool) {
        var target = only ? onlyBinary : noBinary
        var other = only ? noBinary : onlyBinary
        var names = value.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        while let all = names.firstIndex(of: ":all:") {
            other.removeAll()
            target = [":all:"]
            names.removeFirst(all + 1)
        }
        for name in names where !name.isEmpty {
            if name == ":none:" { target.removeAll(); continue }
            let normalised = PythonLockfile.normalize(name)
            other.remove(normalised)
            target.insert(normalised)
        }
        if only { onlyBinary = target; noBinary = other } else { noBinary = target; onlyBinary = other }
    }

    /// What pip may install of `project`: nil when both wheels and the sdist.
    func policy(for project: String) -> PythonLockfile.BinaryPolicy? {
        if onlyBinary.contains(project) { return .onlyBinary }
        if noBinary.contains(project) { return .noBinary }
        if onlyBinary.contains(":all:") { return .onlyBinary }
        if noBinary.contains(":all:") { return .noBinary }
        return nil
    }
}
