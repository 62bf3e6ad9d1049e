import ELFInspection

/// How one NEEDED entry of one artifact was settled.
public struct Resolution: Sendable, Hashable {
    /// soname → path of the artifact inside the scanned tree that the loader would use.
    public var bundled: [String: String]
    /// Sonames the tree does not provide: the image must (libc's own sonames excluded).
    public var external: [String]
    /// Names of the tree's libraries (compatible ELF files, or links to them) in the directories
    /// of the object's DT_RPATH, when it has no DT_RUNPATH: a library the object loads from the
    /// image searches them too for what it needs, unless it has a DT_RUNPATH of its own.
    public var rpathLibraries: [String]
}

/// Finds, the way glibc's loader does, which NEEDED entries the scanned tree
/// itself satisfies, each file taken as a program or module that is loaded with
/// its dependencies (mapped breadth first, as glibc maps them; a library several
/// of them load has a name only if every one of them finds it for it):
/// already loaded sonames first, then DT_RPATH of the object
/// and of every object that loaded it (only when the object has no DT_RUNPATH),
/// then the object's DT_RUNPATH; `$ORIGIN`/`${ORIGIN}` is the directory of the
/// object, `$LIB` and `$PLATFORM` expand to each value glibc uses for the machine.
/// A candidate counts only if it is an ELF file of the same class and machine.
/// The image's own directories are the catalog's business, not this one's.
struct LibraryResolver {
    private let artifacts: [Artifact]
    private let aliases: [String: String]
    private var indexByPath: [String: Int] = [:]
    /// The artifacts' paths and the links among them, by directory (normalised).
    private var pathsByDirectory: [String: [String]] = [:]

    init(artifacts: [Artifact], aliases: [String: String]) {
        self.artifacts = artifacts
        var normalizedAliases: [String: String] = [:]
        for (link, target) in aliases {
            normalizedAliases[PathText.normalize(link)] = PathText.normalize(target)
        }
        self.aliases = normalizedAliases
        for (index, artifact) in artifacts.enumerated() {
            indexByPath[PathText.normalize(artifact.path)] = index
        }
        for path in Array(indexByPath.keys) + Array(normalizedAliases.keys) {
            pathsByDirectory[PathText.directory(of: path), default: []].append(path)
        }
    }

    /// Resolution per artifact, in the order of `artifacts`.
    func resolve() -> [Resolution] {
        // Outcomes seen while an artifact was loaded as someone's dependency, and
        // as a root of its own; the first win, as that is how it is really loaded.
        var asDependency: [Int: [String: String?]] = [:]
        var asRoot: [Int: [String: String?]] = [:]
        for root in artifacts.indices where !artifacts[root].facts.needed.isEmpty {
            load(root, asDependency: &asDependency, asRoot: &asRoot)
        }
        return artifacts.indices.map { index in
            let outcomes = asDependency[index] ?? asRoot[index] ?? [:]
            var bundled: [String: String] = [:]
            var external: [String] = []
            for soname in artifacts[index].facts.needed where !LibcNames.isLibc(soname) {
                if let found = outcomes[soname], let path = found {
                    bundled[soname] = path
                } else if !external.contains(soname) {
                    external.append(soname)
                }
            }
            return Resolution(bundled: bundled, external: external, rpathLibraries: rpathLibraries(of: index))
        }
    }

    /// The names `Resolution.rpathLibraries` lists for the artifact at `index`: only the
    /// object's own DT_RPATH, not the ones it inherits (which depend on who loads it).
    private func rpathLibraries(of index: Int) -> [String] {
        let facts = artifacts[index].facts
        guard facts.runpath == nil, let rpath = facts.rpath else { return [] }
        let directories = Set(expand(rpath, origin: PathText.directory(of: artifacts[index].path), facts: facts).map(PathText.normalize))
        var names: Set<String> = []
        for directory in directories {
            for path in pathsByDirectory[directory] ?? [] {
                if let candidate = lookup(path), compatible(candidate, with: facts) { names.insert(PathText.fileName(of: path)) }
            }
        }
        return names.sorted()
    }

    private struct SearchPath {
        var list: String
        var origin: String
    }

    /// Maps `root`'s dependencies as glibc does (`_dl_map_object_deps`): breadth first, every
    /// NEEDED entry of one object mapped before any entry of the objects it maps, so a name
    /// counts as loaded only once an object processed earlier has mapped it.
    private func load(
        _ root: Int, asDependency: inout [Int: [String: String?]], asRoot: inout [Int: [String: String?]]
    ) {
        var loaded: [String: Int] = [:]
        func mapped(_ index: Int, as name: String?) {
            if let name { loaded[name] = loaded[name] ?? index }
            if let soname = artifacts[index].facts.soname { loaded[soname] = loaded[soname] ?? index }
        }
        mapped(root, as: nil)
        var queue: [(index: Int, chain: [SearchPath])] = [(root, [])]
        var queued: Set<Int> = [root]
        var next = 0
        while next < queue.count, next < 10_000 {
            let (index, chain) = queue[next]
            next += 1
            let facts = artifacts[index].facts
            let origin = PathText.directory(of: artifacts[index].path)
            // DT_RPATH is used only when the object has no DT_RUNPATH; it is then also
            // passed down to what this object loads.
            var ownChain = chain
            if facts.runpath == nil, let rpath = facts.rpath {
                ownChain.insert(SearchPath(list: rpath, origin: origin), at: 0)
            }
            var directories: [String] = []
            if facts.runpath == nil {
                for entry in ownChain { directories += expand(entry.list, origin: entry.origin, facts: facts) }
            }
            if let runpath = facts.runpath { directories += expand(runpath, origin: origin, facts: facts) }
            // Dependencies inherit this object's RPATH chain (unless it has RUNPATH, in
            // which case nothing above it is inherited either).
            let inherited = facts.runpath == nil ? ownChain : []

            var outcomes: [String: String?] = [:]
            for soname in facts.needed where !LibcNames.isLibc(soname) {
                if let already = loaded[soname], compatible(already, with: facts) {
                    outcomes[soname] = artifacts[already].path
                    continue
                }
                var found: Int?
                if !soname.contains("/") {
                    for directory in directories {
                        if let candidate = lookup(PathText.join(directory, soname)), compatible(candidate, with: facts) {
                            found = candidate
                            break
                        }
                    }
                }
                if let found {
                    outcomes[soname] = artifacts[found].path
                    mapped(found, as: soname)
                    if queued.insert(found).inserted { queue.append((found, inherited)) }
                } else {
                    outcomes[soname] = .some(nil)
                }
            }
            if index == root {
                asRoot[index] = outcomes
            } else {
                // Loaded by several programs: found only if every one of them finds it.
                var merged = asDependency[index] ?? [:]
                for (soname, outcome) in outcomes where merged[soname] == nil || outcome == nil {
                    merged[soname] = outcome
                }
                asDependency[index] = merged
            }
        }
    }

    private func compatible(_ candidate: Int, with facts: BinaryFacts) -> Bool {
        let other = artifacts[candidate].facts
        return other.machineCode == facts.machineCode && other.is64Bit == facts.is64Bit
            && other.linkage != .relocatable
    }

    /// The artifact at `path`, following symbolic links recorded inside the tree.
    private func lookup(_ path: String) -> Int? {
        var current = PathText.normalize(path)
        for _ in 0..<40 {
            if let index = indexByPath[current] { return index }
            guard let rewritten = rewriteThroughAlias(current) else { return nil }
            current = rewritten
        }
        return nil
    }

    /// Replaces the longest prefix of `path` that is a recorded symbolic link by its target.
    private func rewriteThroughAlias(_ path: String) -> String? {
        var prefix = path
        while true {
            if let target = aliases[prefix] {
                let rest = path.dropFirst(prefix.count)
                return PathText.normalize(target + rest)
            }
            guard let slash = prefix.lastIndex(of: "/"), slash != prefix.startIndex else { return nil }
            prefix = String(prefix[..<slash])
        }
    }

    /// Splits a search list on `:` and expands the dynamic string tokens.
    private func expand(_ list: String, origin: String, facts: BinaryFacts) -> [String] {
        var result: [String] = []
        for entry in list.split(separator: ":", omittingEmptySubsequences: true) {
            var variants = [String(entry)]
            variants = variants.map {
                $0.replacingAll("${ORIGIN}", with: origin).replacingAll("$ORIGIN", with: origin)
            }
            if variants.contains(where: { $0.contains("$LIB") || $0.contains("${LIB}") }) {
                let libs = facts.is64Bit ? ["lib64", "lib"] : ["lib", "lib32"]
                variants = variants.flatMap { value in
                    libs.map { value.replacingAll("${LIB}", with: $0).replacingAll("$LIB", with: $0) }
                }
            }
            variants = variants.map {
                $0.replacingAll("${PLATFORM}", with: facts.machine).replacingAll("$PLATFORM", with: facts.machine)
            }
            result += variants
        }
        return result
    }
}

extension String {
    /// Every occurrence of `target` replaced (without Foundation).
    public func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while !rest.isEmpty {
            if rest.starts(with: target) {
                result += replacement
                rest = rest.dropFirst(target.count)
            } else {
                result.append(rest.removeFirst())
            }
        }
        return result
    }
}
