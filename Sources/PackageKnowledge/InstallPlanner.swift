import Domain
/// Finds the cheapest set of packages whose dependency closure, minus what is installed,
/// provides every missing library.
struct InstallPlanner {
    let index: PackageIndex
    let installed: Set<String>
    /// Installed names and the virtual names installed packages provide.
    let satisfied: Set<String>

    init(index: PackageIndex, installed: Set<String>) {
        self.index = index
        self.installed = installed
        self.satisfied = index.satisfiedNames(installed)
    }

    /// The packages installing `roots` adds, in the order apt would resolve them: Pre-Depends and
    /// Depends followed; a group already satisfied (installed, in the closure, or provided by
    /// either) adds nothing, otherwise its first installable alternative is taken (`installable`).
    /// Groups nothing satisfies are returned as `broken`.
    func closure(of roots: [String]) -> (packages: [String], broken: [String]) {
        var added: [String] = []
        var inClosure: Set<String> = []
        var providedByClosure: Set<String> = []
        var broken: [String] = []
        var queue = roots.filter { !installed.contains($0) }
        var cursor = 0
        func has(_ name: String) -> Bool {
            satisfied.contains(name) || inClosure.contains(name) || providedByClosure.contains(name)
        }
        while cursor < queue.count {
            let name = queue[cursor]
            cursor += 1
            guard !inClosure.contains(name), !installed.contains(name), let record = index.packages[name] else { continue }
            inClosure.insert(name)
            providedByClosure.formUnion(record.provides)
            added.append(name)
            for group in record.depends where !group.contains(where: has) {
                if let choice = group.lazy.compactMap(installable).first {
                    queue.append(choice)
                } else {
                    broken.append(group.joined(separator: " | "))
                }
            }
        }
        return (added, broken)
    }

    /// What apt installs for one alternative: the package of that name, else (a virtual name)
    /// its provider of highest priority, then name order. Nil when nothing in the index has it.
    func installable(_ name: String) -> String? {
        if index.packages[name] != nil { return name }
        let rank: [PackageRecord.Priority: Int] = [.required: 0, .important: 1, .standard: 2, .optional: 3, .extra: 4]
        return index.providers[name]?.min { left, right in
            let l = index.packages[left]?.priority.flatMap { rank[$0] } ?? 5
            let r = index.packages[right]?.priority.flatMap { rank[$0] } ?? 5
            return l != r ? l < r : left < right
        }
    }

    func cost(_ packages: [String]) -> Int {
        packages.reduce(0) { $0 + (index.packages[$1]?.installedBytes ?? 0) }
    }

    func plan(_ missing: [MissingLibrary], manager: PackageManager) -> InstallPlan {
        var unresolved: [UnresolvedLibrary] = []
        var unchecked: Set<String> = []
        var choices: [(library: MissingLibrary, candidates: [String])] = []
        for library in missing.sorted(by: { $0.soname < $1.soname }) {
            let owners = index.owners(of: library.soname)
            guard !owners.isEmpty else {
                unresolved.append(UnresolvedLibrary(soname: library.soname,
                    reason: "no package of \(index.release) \(index.architecture) ships \(library.soname) in a library directory"))
                continue
            }
            var candidates: [String] = []
            var refusals: [String] = []
            for owner in owners {
                var failed: String?
                for node in library.versions {
                    switch VersionNodeCheck.check(node: node, soname: library.soname, package: owner) {
                    case .satisfied: break
                    case .unknown: unchecked.insert("\(library.soname) \(node)")
                    case let .unsatisfied(reason): failed = failed ?? reason
                    }
                }
                if let failed {
                    refusals.append(failed)
                } else if installed.contains(owner.name) {
                    // The index says the installed package ships it: the image's copy differs
                    // (removed file, older build); installing cannot change that.
                    refusals.append("\(owner.name) is already installed")
                } else if closure(of: [owner.name]).broken.isEmpty {
                    candidates.append(owner.name)
                } else {
                    refusals.append("\(owner.name) has dependencies missing from \(index.release) \(index.architecture)")
                }
            }
            if candidates.isEmpty {
                unresolved.append(UnresolvedLibrary(soname: library.soname, reason: refusals.joined(separator: "; ")))
            } else {
                choices.append((library, candidates))
            }
        }

        let roots = cheapestRoots(choices.map(\.candidates))
        let closure = closure(of: roots).packages
        // Name only the roots no other root pulls in.
        let named = roots.filter { root in
            !roots.contains { other in other != root && self.closure(of: [other]).packages.contains(root) }
        }
        var providers: [String: String] = [:]
        for (library, candidates) in choices {
            providers[library.soname] = candidates.first { closure.contains($0) }
        }
        let packages = Array(Set(named)).sorted()
        return InstallPlan(packages: packages, closure: closure.sorted(), bytes: cost(closure),
                           command: manager.installCommand(packages), manager: manager, providers: providers,
                           unresolved: unresolved, uncheckedVersions: unchecked.sorted())
    }

    /// One candidate per library, minimising the closure cost: every combination when there are
    /// at most `exhaustiveLimit`, otherwise greedily (fewest candidates first, cheapest increment,
    /// skipping a library some earlier choice's closure already provides).
    func cheapestRoots(_ candidateLists: [[String]], exhaustiveLimit: Int = 4096) -> [String] {
        guard !candidateLists.isEmpty else { return [] }
        let combinations = candidateLists.reduce(1) { product, list in min(product * list.count, exhaustiveLimit + 1) }
        if combinations <= exhaustiveLimit {
            var best: (roots: [String], cost: Int)?
            var choice = [Int](repeating: 0, count: candidateLists.count)
            while true {
                let roots = Array(Set(zip(candidateLists, choice).map { $0[$1] })).sorted()
                let total = cost(closure(of: roots).packages)
                if best == nil || total < best!.cost { best = (roots, total) }
                var position = 0
                while position < choice.count {
                    choice[position] += 1
                    if choice[position] < candidateLists[position].count { break }
                    choice[position] = 0
                    position += 1
                }
                if position == choice.count { break }
            }
            return best!.roots
        }
        var roots: [String] = []
        for list in candidateLists.sorted(by: { $0.count < $1.count }) {
            let current = Set(closure(of: roots).packages)
            if list.contains(where: current.contains) { continue }
            let base = cost(Array(current))
            let pick = list.min { cost(closure(of: roots + [$0]).packages) - base < cost(closure(of: roots + [$1]).packages) - base }!
            roots.append(pick)
        }
        return roots.sorted()
    }
}
