import Foundation

/// What yarn.lock's `conditions` say of the packages a Plug'n'Play state lists, as far as they
/// decide whether a Linux image gets them. Yarn 3.2+ unplugs every package with conditions and
/// creates its folder only on a machine that matches them.
struct YarnLockConditions {
    struct Condition: Equatable {
        /// The `os` terms allow linux (`os=linux`, none, or a negation of another system).
        var allowsLinux: Bool
        /// Another entry lists it among its optional dependencies: one of a family's platform packages.
        var optional: Bool
    }

    /// Keyed by the entry's `resolution` (`name@reference`).
    private var byResolution: [String: Condition] = [:]

    /// The entries of the yarn.lock at `lockfile` that have `conditions`; none when there is no
    /// such file or it cannot be read.
    init(lockfile: String) {
        guard let data = FileManager.default.contents(atPath: lockfile),
              let document = try? LockfileYAML.parse(String(decoding: data, as: UTF8.self)) else { return }
        var optionalNames: Set<String> = []
        for (_, value) in document.pairs {
            optionalNames.formUnion(value["optionalDependencies"]?.pairs.map(\.key) ?? [])
            optionalNames.formUnion(value["dependenciesMeta"]?.pairs.filter { $0.value["optional"]?.text == "true" }.map(\.key) ?? [])
        }
        for (key, value) in document.pairs where key != "__metadata" {
            guard let text = value["conditions"]?.text, let resolution = value["resolution"]?.text,
                  let (name, _) = NpmLockfile.splitNameVersion(resolution) else { continue }
            // Conditions that cannot be read are taken to allow Linux: the package is then expected here.
            let os = (try? YarnCondition(parsing: text))?.os
            byResolution[resolution] = Condition(
                allowsLinux: NpmLockfileAnswer.allows(os, "linux"),
                optional: optionalNames.contains(name))
        }
    }

    /// The conditions of the entry a state package stands for: `name@reference`, a virtual
    /// instance's reference without its `virtual:<hash>#` prefix.
    func condition(of package: YarnPnPState.Package) -> Condition? {
        var reference = package.reference
        if reference.hasPrefix("virtual:"), let hash = reference.firstIndex(of: "#") { reference = String(reference[reference.index(after: hash)...]) }
        return byResolution[package.name + "@" + reference]
    }
}
