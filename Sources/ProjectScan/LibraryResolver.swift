import ELFInspection

/// Finds, the way glibc's loader does, which NEEDED entries the scanned tree
/// itself satisfies, each file taken as a program or module that is loaded with
/// its dependencies (mapped breadth first, as glibc maps them; a library several
/// of them load has a name only if every one of them finds it for it):
/// already loaded sonames first (from the tree, or from the image: a name the tree did not
/// give an earlier object is the image's from then on), then DT_RPATH of the object
/// and of every object that loaded it (only when the object has no DT_RUNPATH),
/// then the object's DT_RUNPATH; `$ORIGIN`/`${ORIGIN}` is the directory of the
/// object as it was opened (through a link to a file, the link's directory); an entry
/// with `$LIB` or `$PLATFORM`, or one that is not absolute once `$ORIGIN` is expanded (the
/// loader takes it from the process's working directory), finds nothing in the project.
/// A candidate of another ELF class or machine is skipped, as glibc skips it; anything else
/// found under the name that the loader cannot load (what `probe` reports for a path without an
/// ELF file of the tree, an object file, a program, the other byte order, another system's ABI)
/// stops the search with an error, and so does a version the found copy does not define
/// (`Resolution.failures`). The libc's own names are searched too, for such a refusal only.
/// The image's own directories are the catalog's business, not this one's.
struct LibraryResolver {
    /// What the loader meets at a path of the tree that holds no ELF file of the scan (nil: it
    /// searches on). `ProjectEntryProbe.entry(at:)` for a tree on disk.
    typealias Probe = (String) -> ProjectEntryProbe.Finding?
    /// The names in a directory of the tree that look like libraries (`ProjectEntryProbe.libraryNames(in:)`).
    typealias Listing = (String) -> [String]

    private let artifacts: [Artifact]
    private let aliases: [String: String]
    private let probe: Probe
    private let listing: Listing
    private var indexByPath: [String: Int] = [:]
    /// The artifacts' paths and the links among them, by directory (normalised).
    private var pathsByDirectory: [String: [String]] = [:]

    init(artifacts: [Artifact], aliases: [String: String], probe: @escaping Probe = { _ in nil }, listing: @escaping Listing = { _ in [] }) {
        self.artifacts = artifacts
        var normalizedAliases: [String: String] = [:]
        for (link, target) in aliases {
            normalizedAliases[PathText.normalize(link)] = PathText.normalize(target)
        }
        self.aliases = normalizedAliases
        self.probe = probe
        self.listing = listing
        for (index, artifact) in artifacts.enumerated() {
            indexByPath[PathText.normalize(WheelInstallPath.installed(artifact.path))] = index
        }
        for path in Array(indexByPath.keys) + Array(normalizedAliases.keys) {
            pathsByDirectory[PathText.directory(of: path), default: []].append(path)
        }
    }

    /// Resolution per artifact, in the order of `artifacts`.
    func resolve() -> [Resolution] {
        // Every file with NEEDED entries is loaded as a program of its own, and what each such
        // process maps is recorded per file.
        var processes: [Int: [Int: [String: Outcome]]] = [:]
        for root in artifacts.indices where !artifacts[root].facts.needed.isEmpty {
            processes[root] = load(root)
        }
        // A file another file's process loads is that file's library, and is taken as loaded by
        // the files nothing loads (the programs and modules), not as a program of its own: its
        // names are those each of those programs finds for it. (A library only ever loaded
        // within a cycle of libraries keeps the outcomes of every process that loads it.)
        var dependencies: Set<Int> = []
        for (root, mapped) in processes { dependencies.formUnion(mapped.keys.filter { $0 != root }) }
        var asDependency: [Int: [String: Outcome]] = [:]
        var fromCycles: [Int: [String: Outcome]] = [:]
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
            let rpath = rpathEntries(of: index)
            var resolution = Resolution(bundled: [:], external: [], rpathLibraries: rpath.libraries.keys.sorted(), rpathRefusals: rpath.refusals)
            for soname in artifacts[index].facts.needed {
                if LibcNames.isLibc(soname) {
                    if case .failed(let path, let reason) = outcomes[soname], !resolution.failures.contains(where: { $0.library == soname }) {
                        resolution.failures.append(LibraryFailure(library: soname, path: path, reason: reason))
                    }
                    continue
                }
                switch outcomes[soname] ?? .missing {
                case .found(let path):
                    resolution.bundled[soname] = path
                case .failed(let path, let reason):
                    if !resolution.failures.contains(where: { $0.library == soname }) {
                        resolution.failures.append(LibraryFailure(library: soname, path: path, reason: reason))
                    }
                case .missing:
                    if !resolution.external.contains(soname) { resolution.external.append(soname) }
                }
            }
            resolution.failures += versionFailures(of: index, bundled: resolution.bundled)
            let copies = resolution.bundled.merging(rpath.libraries) { bundled, _ in bundled }
            resolution.projectCopies = copies.keys.sorted().compactMap { name in
                let path = copies[name]!
                guard let provider = indexByPath[PathText.normalize(WheelInstallPath.installed(path))] else { return nil }
                let versions = artifacts[provider].facts.versionDefinitions
                return versions.isEmpty ? nil : ProjectLibraryCopy(library: name, path: path, versions: versions)
            }
            return resolution
        }
    }

    /// What the loader did with one NEEDED name of one object.
    enum Outcome: Hashable {
        /// Loaded from the tree (path as scanned).
        case found(String)
        /// Found in the tree and refused.
        case failed(String, LibraryFailure.Reason)
        /// Not in the tree: the image's business.
        case missing

        /// Of the outcomes of several programs, the one to hold: a refusal by any, then a name
        /// any of them leaves to the image.
        var weight: Int {
            switch self {
            case .found: return 0
            case .missing: return 1
            case .failed: return 2
            }
        }
    }

    /// A name is found for a library loaded by several programs only if every one finds it, and
    /// refused if any one of them is refused.
    private static func merge(_ outcomes: [String: Outcome], into merged: inout [String: Outcome]) {
        for (soname, outcome) in outcomes where merged[soname].map({ outcome.weight > $0.weight }) ?? true {
            merged[soname] = outcome
        }
    }

    /// The versions the artifact at `index` needs from libraries the tree gives it that those
    /// copies do not define (glibc's `_dl_check_map_versions`: "version `X' not found"); a weak
    /// need is only warned about. Against a copy that defines no versions at all, the first need,
    /// weak or not, is `unversionedCopy`, which some glibc releases refuse (the advisor decides which).
    private func versionFailures(of index: Int, bundled: [String: String]) -> [LibraryFailure] {
        var failures: [LibraryFailure] = []
        for library in artifacts[index].facts.versionNeeds {
            guard let path = bundled[library.library], let provider = indexByPath[PathText.normalize(WheelInstallPath.installed(path))] else { continue }
            let facts = artifacts[provider].facts
            let defined = facts.versionDefinitions
            guard !defined.isEmpty else {
                // glibc's assertion holds for a weak need as well (the symbol lookup asserts).
                if let need = library.versions.first {
                    failures.append(LibraryFailure(library: library.library, path: path, reason: .unversionedCopy,
                                                   version: need.version.name, symbols: need.symbols))
                }
                continue
            }
            failures += LibraryFailure.missingVersions(library, copy: path, defines: defined,
                                                       baseName: facts.soname ?? PathText.fileName(of: path))
        }
        return failures
    }

    /// What `Resolution.rpathLibraries` and `rpathRefusals` list for the artifact at `index`: per
    /// name, the first entry in the directories of the object's own DT_RPATH (not the ones it
    /// inherits, which depend on who loads it) that the loader does not skip: a library of the
    /// tree (name → path), or what it stops at.
    private func rpathEntries(of index: Int) -> (libraries: [String: String], refusals: [LibraryFailure]) {
        let facts = artifacts[index].facts
        guard facts.runpath == nil, let rpath = facts.rpath else { return ([:], []) }
        var libraries: [String: String] = [:]
        var refusals: [LibraryFailure] = []
        var settled: Set<String> = []
        var seen: Set<String> = []
        for directory in expand(rpath, origin: origin(of: index)).map(PathText.normalize)
        where seen.insert(directory).inserted {
            let names = Set((pathsByDirectory[directory] ?? []).map(PathText.fileName(of:)) + listing(directory))
            for name in names.sorted() where !settled.contains(name) {
                let path = PathText.join(directory, name)
                switch lookup(path) {
                case .artifact(let candidate):
                    switch judge(candidate, for: facts) {
                    case .load: libraries[name] = artifacts[candidate].path
                    case .skip: continue
                    case .refuse(let reason): refusals.append(LibraryFailure(library: name, path: artifacts[candidate].path, reason: reason))
                    }
                case .probed(let found, .refused(let reason)):
                    refusals.append(LibraryFailure(library: name, path: found, reason: reason))
                case .probed(_, .unopenable):
                    break  // that list ends for the name: nothing of the tree
                case nil:
                    continue
                }
                settled.insert(name)
            }
        }
        return (libraries, refusals)
    }

    private struct SearchPath {
        var list: String
        var origin: String
    }

    /// Maps `root`'s dependencies as glibc does (`_dl_map_object_deps`): breadth first, every
    /// NEEDED entry of one object mapped before any entry of the objects it maps, so a name
    /// counts as loaded only once an object processed earlier has mapped it. What each object
    /// of the process found for its NEEDED entries, by object.
    private func load(_ root: Int) -> [Int: [String: Outcome]] {
        var loaded: [String: Int] = [:]
        // Names no object of the tree was given: the image's copy is mapped under them, and an
        // object asking for one later takes that copy without searching.
        var fromImage: Set<String> = []
        func mapped(_ index: Int, as name: String?) {
            if let name { loaded[name] = loaded[name] ?? index }
            if let soname = artifacts[index].facts.soname { loaded[soname] = loaded[soname] ?? index }
        }
        mapped(root, as: nil)
        // `origin`: `$ORIGIN`, the directory of the path the object was opened by (for a library
        // found through a link to a file, the link's directory, as glibc has it), with the links
        // among directories followed as the kernel follows them.
        var queue: [(index: Int, chain: [SearchPath], origin: String)] = [(root, [], origin(of: root))]
        var queued: Set<Int> = [root]
        var result: [Int: [String: Outcome]] = [:]
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
            // One list per DT_RPATH of the chain, then the RUNPATH: glibc searches each with its own
            // `open_path`, and an open that fails otherwise than "not there" ends only that list.
            var lists: [[String]] = []
            if facts.runpath == nil {
                for entry in ownChain { lists.append(expand(entry.list, origin: entry.origin)) }
            }
            if let runpath = facts.runpath { lists.append(expand(runpath, origin: origin)) }

            var outcomes: [String: Outcome] = [:]
            for soname in facts.needed {
                if let already = loaded[soname], case .load = judge(already, for: facts) {
                    if !LibcNames.isLibc(soname) { outcomes[soname] = .found(artifacts[already].path) }
                    continue
                }
                if fromImage.contains(soname) {
                    if !LibcNames.isLibc(soname) { outcomes[soname] = .missing }
                    continue
                }
                var outcome = Outcome.missing
                var found: (index: Int, opened: String)?
                if !soname.contains("/") {
                    search: for list in lists {
                        for directory in list {
                            let opened = PathText.join(directory, soname)
                            switch lookup(opened) {
                            case .artifact(let candidate):
                                switch judge(candidate, for: facts) {
                                case .load:
                                    found = (candidate, opened)
                                    break search
                                case .skip:
                                    continue
                                case .refuse(let reason):
                                    outcome = .failed(artifacts[candidate].path, reason)
                                    break search
                                }
                            case .probed(_, .unopenable):
                                continue search  // a link loop or through a file: the next list
                            case .probed(let path, .refused(let reason)):
                                outcome = .failed(path, reason)
                                break search
                            case nil:
                                continue
                            }
                        }
                    }
                }
                if LibcNames.isLibc(soname) {
                    // The image's libc is judged as such; a copy of it in the tree is not followed.
                    if case .failed = outcome { outcomes[soname] = outcome } else { fromImage.insert(soname) }
                    continue
                }
                if let found {
                    outcome = .found(artifacts[found.index].path)
                    mapped(found.index, as: soname)
                    if queued.insert(found.index).inserted {
                        queue.append((found.index, ownChain, resolvedDirectory(PathText.directory(of: PathText.normalize(found.opened)))))
                    }
                } else if case .missing = outcome {
                    fromImage.insert(soname)
                }
                outcomes[soname] = outcome
            }
            result[index] = outcomes
        }
        return result
    }

    /// `$ORIGIN` of the artifact at `index` loaded by its own path: its directory where it is
    /// installed (a wheel's `<dist>.data/platlib/` member at the root of site-packages).
    private func origin(of index: Int) -> String {
        PathText.directory(of: WheelInstallPath.installed(artifacts[index].path))
    }

    /// glibc's verdict on the artifact `candidate` found for an object with `facts`.
    private func judge(_ candidate: Int, for facts: BinaryFacts) -> LoaderCandidate {
        LoaderCandidate.judge(artifacts[candidate].facts, for: facts)
    }

    enum Entry {
        case artifact(Int)
        case probed(String, ProjectEntryProbe.Finding)
    }

    /// The artifact at `path`, following symbolic links recorded inside the tree, or what the
    /// probe finds there instead.
    private func lookup(_ path: String) -> Entry? {
        let start = PathText.normalize(path)
        var current = start
        for _ in 0..<40 {
            if let index = indexByPath[current] { return .artifact(index) }
            guard let rewritten = rewriteThroughAlias(current) else { break }
            current = rewritten
        }
        return probe(start).map { .probed(start, $0) }
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
}
