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
/// object as it was opened (through a link to a file, the link's directory); an entry
/// with `$LIB` or `$PLATFORM` finds nothing in the project (their values are the image's).
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
        // Every file with NEEDED entries is loaded as a program of its own, and what each such
        // process maps is recorded per file.
        var processes: [Int: [Int: [String: String?]]] = [:]
        for root in artifacts.indices where !artifacts[root].facts.needed.isEmpty {
            processes[root] = load(root)
        }
        // A file another file's process loads is that file's library, and is taken as loaded by
        // the files nothing loads (the programs and modules), not as a program of its own: its
        // names are those each of those programs finds for it. (A library only ever loaded
        // within a cycle of libraries keeps the outcomes of every process that loads it.)
        var dependencies: Set<Int> = []
        for (root, mapped) in processes { dependencies.formUnion(mapped.keys.filter { $0 != root }) }
        var asDependency: [Int: [String: String?]] = [:]
        var fromCycles: [Int: [String: String?]] = [:]
        for (root, mapped) in processes {
            for (index, outcomes) in mapped where index != root {
                if dependencies.contains(root) {
                    Self.merge(outcomes, into: &fromCycles[index, default: [:]])
                } else {
                    Self.merge(outcomes, into: &asDependency[index, default: [:]])
                }
            }
        }
        return artifacts.indices.map { index in
            let outcomes = asDependency[index] ?? fromCycles[index] ?? processes[index]?[index] ?? [:]
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

    /// A name is found for a library loaded by several programs only if every one finds it.
    private static func merge(_ outcomes: [String: String?], into merged: inout [String: String?]) {
        for (soname, outcome) in outcomes where merged[soname] == nil || outcome == nil {
            merged[soname] = outcome
        }
    }

    /// The names `Resolution.rpathLibraries` lists for the artifact at `index`: only the
    /// object's own DT_RPATH, not the ones it inherits (which depend on who loads it).
    private func rpathLibraries(of index: Int) -> [String] {
        let facts = artifacts[index].facts
        guard facts.runpath == nil, let rpath = facts.rpath else { return [] }
        let directories = Set(expand(rpath, origin: PathText.directory(of: artifacts[index].path)).map(PathText.normalize))
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
    /// counts as loaded only once an object processed earlier has mapped it. What each object
    /// of the process found for its NEEDED entries, by object.
    private func load(_ root: Int) -> [Int: [String: String?]] {
        var loaded: [String: Int] = [:]
        func mapped(_ index: Int, as name: String?) {
            if let name { loaded[name] = loaded[name] ?? index }
            if let soname = artifacts[index].facts.soname { loaded[soname] = loaded[soname] ?? index }
        }
        mapped(root, as: nil)
        // `origin`: `$ORIGIN`, the directory of the path the object was opened by (for a library
        // found through a link to a file, the link's directory, as glibc has it), with the links
        // among directories followed as the kernel follows them.
        var queue: [(index: Int, chain: [SearchPath], origin: String)] = [(root, [], PathText.directory(of: artifacts[root].path))]
        var queued: Set<Int> = [root]
        var result: [Int: [String: String?]] = [:]
        var next = 0
        while next < queue.count, next < 10_000 {
            let (index, chain, origin) = queue[next]
            next += 1
            let facts = artifacts[index].facts
            // DT_RPATH is used only when the object has no DT_RUNPATH; the chain of its loaders'
            // RPATHs is passed down whatever it has (glibc walks every loader of the object that
            // asks, when that object has no RUNPATH).
            var ownChain = chain
            if facts.runpath == nil, let rpath = facts.rpath {
                ownChain.insert(SearchPath(list: rpath, origin: origin), at: 0)
            }
            var directories: [String] = []
            if facts.runpath == nil {
                for entry in ownChain { directories += expand(entry.list, origin: entry.origin) }
            }
            if let runpath = facts.runpath { directories += expand(runpath, origin: origin) }

            var outcomes: [String: String?] = [:]
            for soname in facts.needed where !LibcNames.isLibc(soname) {
                if let already = loaded[soname], compatible(already, with: facts) {
                    outcomes[soname] = artifacts[already].path
                    continue
                }
                var found: (index: Int, opened: String)?
                if !soname.contains("/") {
                    for directory in directories {
                        let opened = PathText.join(directory, soname)
                        if let candidate = lookup(opened), compatible(candidate, with: facts) {
                            found = (candidate, opened)
                            break
                        }
                    }
                }
                if let found {
                    outcomes[soname] = artifacts[found.index].path
                    mapped(found.index, as: soname)
                    if queued.insert(found.index).inserted {
                        queue.append((found.index, ownChain, resolvedDirectory(PathText.directory(of: PathText.normalize(found.opened)))))
                    }
                } else {
                    outcomes[soname] = .some(nil)
                }
            }
            result[index] = outcomes
        }
        return result
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

    /// `path` (a directory) with every recorded symbolic link in it followed.
    private func resolvedDirectory(_ path: String) -> String {
        var current = PathText.normalize(path)
        for _ in 0..<40 {
            guard let rewritten = rewriteThroughAlias(current) else { return current }
            current = rewritten
        }
        return current
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

    /// Splits a search list on `:` and expands `$ORIGIN`. An entry with `$LIB` or `$PLATFORM`
    /// gives no directory: their values are the image's glibc's and the CPU's (`$LIB` is
    /// `lib64` on Fedora and `lib/x86_64-linux-gnu` on Debian; `$PLATFORM` is `haswell` on some
    /// Intel CPUs), so no directory of the project is known to be one.
    private func expand(_ list: String, origin: String) -> [String] {
        var result: [String] = []
        for entry in list.split(separator: ":", omittingEmptySubsequences: true) {
            let text = String(entry)
            guard !["$LIB", "${LIB}", "$PLATFORM", "${PLATFORM}"].contains(where: text.contains) else { continue }
            result.append(text.replacingAll("${ORIGIN}", with: origin).replacingAll("$ORIGIN", with: origin))
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
