import Domain
import ImageCatalog
import ELFInspection
import POSIXFiles
import PackageKnowledge
import ProjectScan
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Measures what a real root filesystem offers a dynamically linked program: the
/// loader's search path, every soname found there with its version definitions,
/// the libc and its version, shell, package manager, users and size. Nothing in
/// the root is executed.
public struct RootfsMeasurer: Sendable {
    public let root: String
    private let paths: RootPath
    /// `LD_LIBRARY_PATH` of the image's configuration (`config.Env`): directories the loader
    /// searches before anything else, for every program started with that environment.
    public var libraryPath: [String] = []
    /// `LD_PRELOAD` of the image's configuration: libraries (paths, or names searched as NEEDED
    /// names are) the loader maps into every program started with that environment.
    public var preload: [String] = []

    public init(root: String) throws(CatalogError) {
        var info = stat()
        guard stat(root, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw CatalogError(.missing, path: root, detail: "not a directory")
        }
        var normalized = root
        while normalized.count > 1 && normalized.hasSuffix("/") { normalized.removeLast() }
        self.root = normalized
        self.paths = RootPath(root: normalized)
    }

    public struct Result: Sendable {
        /// basefit's machine name (`x86_64`, `aarch64`), from the root's shell, loader or
        /// other ELF files; nil when the root holds no ELF file.
        public var machine: String?
        /// The Docker platform architecture of `machine` (`amd64`, `arm64`, `arm/v7` …);
        /// nil when the root holds no ELF file or does not say which (32-bit ARM without
        /// a multiarch directory): then the caller's `--platform` decides.
        public var architecture: String?
        /// The file (inside the root) the machine was read from.
        public var machineEvidence: String?
        /// `glibc`, `musl` or `none` (no loader: scratch, distroless/static).
        public var libcFamily: String
        public var libcVersion: VersionNumber?
        public var searchPath: [String]
        public var libraries: [ProvidedLibrary]
        public var shell: String?
        public var packageManager: String?
        public var users: [String]
        public var totalBytes: Int64
        public var osName: String
        public var osVersion: String?
        public var osCodename: String?
        /// Every runtime found (see `runtime`).
        public var runtimes: [DetectedRuntime]
        /// What dpkg records as installed (nil: no dpkg status, or not a Debian-family root).
        public var installedPackages: [String]?
        /// Libraries in a directory of ld.so.conf that the loader does not find because
        /// /etc/ld.so.cache does not list them (`ldconfig` was not run after they were copied
        /// in): name → path inside the root. Not provided; said in the fix.
        public var uncachedLibraries: [String: String] = [:]

        /// Names whose first file on the loader's search is one the loader cannot load, so that it
        /// stops there (`LoaderCandidate`): not in `libraries`, whatever a later directory holds.
        public var refusedLibraries: [String: RefusedLibrary] = [:]
        /// The `preload` entries the loader maps, by their path inside the root (one it cannot
        /// find or load, it ignores with a message; what a mapped one needs, every program needs).
        public var preloads: [String] = []
        /// The root's setuid and setgid programs and what only LD_LIBRARY_PATH gives (set by
        /// the caller that knows them: `ImageImport` from the layers).
        public var setID = SetIDPrograms()

        /// The root's runtime: the first of `runtimes`, those under /usr/local (where the
        /// official images install theirs) before the distribution's.
        public var runtime: DetectedRuntime? { runtimes.first }
    }

    /// The host path of a file inside the root, symbolic links followed as the root's own
    /// processes would (never out of it); nil when it does not exist or is not a regular file.
    public func hostPath(of inside: String) -> String? {
        guard paths.isRegularFile(inside) else { return nil }
        return paths.resolve(inside)
    }

    /// The path inside the root where a library's own search list (its DT_RUNPATH, else its
    /// DT_RPATH, `$ORIGIN` being the directory it was loaded from) finds `soname`, or nil.
    public func found(_ soname: String, searchList: String, origin: String) -> String? {
        for entry in searchList.split(separator: ":") {
            let directory = entry.replacingOccurrences(of: "${ORIGIN}", with: origin).replacingOccurrences(of: "$ORIGIN", with: origin)
            guard directory.hasPrefix("/") else { continue }
            if hostPath(of: directory + "/" + soname) != nil { return directory + "/" + soname }
        }
        return nil
    }

    public func measure() -> Result {
        let architecture = RootArchitecture(paths: paths)
        let detected = architecture.detect()
        let machine = detected?.machine
        let (family, loaderPath) = detectLibc(evidence: detected?.evidence)
        // glibc's loader looks a name up in ld.so.cache, then in its system directories;
        // musl's in the directories of its path file.
        let searchPath: [String], directories: [String]
        var cached: [LoaderCache.Entry] = []
        switch family {
        case "musl":
            directories = muslSearchPath(loaderPath)
            searchPath = libraryPath.filter { $0.hasPrefix("/") && paths.resolve($0) != nil } + directories
        case "glibc":
            cached = loaderCache()?.entries(machine: machine) ?? []
            directories = glibcSystemDirectories(machine: machine)
            var fromCache: [String] = []
            for entry in cached {
                let directory = String(entry.path[..<(entry.path.lastIndex(of: "/") ?? entry.path.startIndex)])
                if !directory.isEmpty, !fromCache.contains(directory), !directories.contains(directory) { fromCache.append(directory) }
            }
            searchPath = libraryPath.filter { $0.hasPrefix("/") && paths.resolve($0) != nil } + fromCache + directories
        default:
            searchPath = []  // without a loader nothing is loaded from anywhere
            directories = []
        }
        let loaderFacts = detected.flatMap { paths.resolve($0.evidence) }.flatMap { try? ELFInspector.inspect(path: $0) }
        var libraries: [String: ProvidedLibrary] = [:]
        var refused: [String: RefusedLibrary] = [:]
        /// What the loader makes of the entry at `inside` when it searches `name` there.
        func file(_ name: String, at inside: String) -> Candidate {
            // Nothing there (or a link to nothing): the search goes on.
            guard let host = paths.resolve(inside), let status = FileStatus.ofLink(host) else { return .searchOn }
            var prefix: [UInt8] = []
            if status.kind == .regular {
                guard let bytes = try? OpenFile(host).read(count: 16, at: 0) else { return .stop }
                prefix = bytes
            }
            if let reason = LoaderCandidate.refusal(kind: status.kind, prefix: prefix) {
                return .refused(RefusedLibrary(path: inside, reason: reason.rawValue))
            }
            // An ELF file libelf cannot read: whether the loader takes it is not known, so the
            // name is not provided (and the search stops: what follows is not credited either).
            guard let facts = try? ELFInspector.inspect(path: host) else { return .stop }
            let verdict: LoaderCandidate
            if let loaderFacts {
                verdict = LoaderCandidate.judge(facts, for: loaderFacts)
            } else {
                verdict = facts.fileType == .sharedObject && (machine == nil || facts.machine == machine) ? .load : .skip
            }
            switch verdict {
            case .load:
                return .library(ProvidedLibrary(soname: name, path: inside, package: nil, versions: Set(facts.versionDefinitions),
                                                maxima: [:], estimate: false, source: "measured"))
            case .skip: return .searchOn
            case .refuse(let reason): return .refused(RefusedLibrary(path: inside, reason: reason.rawValue))
            }
        }
        /// `file(_:at:)`, with the copies glibc (2.33 and later) tries first on a capable CPU, in
        /// the directory's `glibc-hwcaps/<level>/` subdirectories. The CPU is not known, so each
        /// copy must do: one the loader refuses is the answer, and a name found in both is
        /// credited only with the versions every copy defines.
        func library(_ name: String, at inside: String) -> Candidate {
            let found = file(name, at: inside)
            let directory = String(inside[..<(inside.lastIndex(of: "/") ?? inside.startIndex)])
            guard family == LibcFamily.glibc.rawValue else { return found }
            var versions: Set<String>?
            for level in paths.list(directory + "/glibc-hwcaps") {
                switch file(name, at: directory + "/glibc-hwcaps/" + level + "/" + name) {
                case .searchOn: continue
                case .stop: return .stop
                case .refused(let refusal): return .refused(refusal)
                case .library(let copy): versions = (versions ?? copy.versions).intersection(copy.versions)
                }
            }
            guard let versions else { return found }
            switch found {
            case .library(var library):
                library.versions.formIntersection(versions)
                return .library(library)
            case .searchOn:
                // Found on some CPUs only: not credited.
                return .stop
            case .refused, .stop:
                return found
            }
        }
        // LD_LIBRARY_PATH first. The loader tries the first cache entry for a name only; when its
        // file is gone, the system directories (not a later entry). The first file it can open
        // under the name ends the search, loaded or refused; only one of another class or
        // machine lets it search on.
        var cachedNames = Set<String>()
        let environment = family == "none" ? [] : libraryPath.filter { $0.hasPrefix("/") && paths.resolve($0) != nil }
        func listed(_ directories: [String]) -> [(String, String)] {
            directories.flatMap { directory in paths.list(directory).filter { $0.contains(".so") }.map { ($0, directory + "/" + $0) } }
        }
        let candidates = listed(environment)
            + cached.filter { cachedNames.insert($0.name).inserted && $0.path.hasPrefix("/") }.map { ($0.name, $0.path) }
            + listed(directories)
        var decided = Set<String>()
        for (name, path) in candidates where !decided.contains(name) {
            switch library(name, at: path) {
            case .searchOn: continue
            case .library(let found): libraries[name] = found
            case .refused(let refusal): refused[name] = refusal
            case .stop: break
            }
            decided.insert(name)
        }
        var uncached: [String: String] = [:]
        if family == LibcFamily.glibc.rawValue {
            for directory in ldSoConfDirectories() where !directories.contains(directory) && !environment.contains(directory) {
                for name in paths.list(directory) where name.contains(".so") && !decided.contains(name) && uncached[name] == nil {
                    if case .library(let found) = library(name, at: directory + "/" + name) { uncached[name] = found.path }
                }
            }
        }
        var preloads: [String] = []
        if family != "none" {
            for entry in preload where !entry.isEmpty {
                if entry.contains("/") {
                    // A relative path is the program's working directory's business: not followed.
                    guard entry.hasPrefix("/"), let name = entry.split(separator: "/").last,
                          case .library = library(String(name), at: entry) else { continue }
                    preloads.append(entry)
                } else if let path = libraries[entry]?.path {
                    preloads.append(path)
                }
            }
        }
        var version: VersionNumber?
        if family == LibcFamily.glibc.rawValue, let libc = libraries["libc.so.6"] {
            // glibc releases without new symbols (2.31) define no version node of their
            // own: the release string inside libc.so.6 is the version; the highest
            // GLIBC_ definition is only the fallback.
            version = libc.path.flatMap(glibcReleaseVersion) ?? libc.highest("GLIBC")
        } else if family == LibcFamily.musl.rawValue {
            version = muslVersion() ?? loaderPath.flatMap(muslReleaseVersion)
        }
        let os = osRelease()
        return Result(
            machine: machine, architecture: machine.flatMap(architecture.dockerName), machineEvidence: detected?.evidence,
            libcFamily: family, libcVersion: version, searchPath: searchPath,
            libraries: libraries.values.sorted { $0.soname < $1.soname },
            shell: paths.isRegularFile("/bin/sh") ? "/bin/sh" : nil, packageManager: packageManager(),
            users: users(), totalBytes: treeBytes(), osName: os.name, osVersion: os.version, osCodename: os.codename,
            runtimes: RuntimeDetector(paths: paths).detect(),
            installedPackages: (try? DpkgStatus.installedPackages(root: root)).map { $0.sorted() },
            uncachedLibraries: uncached, refusedLibraries: refused, preloads: preloads)
    }

    /// What the loader does with one file it finds under a name it searches.
    private enum Candidate {
        case library(ProvidedLibrary)
        /// Nothing there, or a file of another class or machine.
        case searchOn
        case refused(RefusedLibrary)
        /// Neither loaded nor searched past, for a reason basefit cannot name.
        case stop
    }

    // MARK: Pieces

    /// glibc when a glibc loader exists, musl when a musl loader exists, else none.
    /// The libc of the root's own programs when its shell (or the file its machine was
    /// read from) names a loader that is there: a Debian root with the musl package
    /// installed is still glibc. Otherwise by the loaders present.
    private func detectLibc(evidence: String?) -> (String, String?) {
        if let evidence, let host = paths.resolve(evidence), let facts = try? ELFInspector.inspect(path: host),
           let interpreter = facts.interpreter, paths.isRegularFile(interpreter) {
            if let family = LibcNames.family(ofLoader: interpreter) { return (family.rawValue, interpreter) }
        }
        for directory in ["/lib", "/lib64", "/usr/lib", "/usr/lib64"] {
            for name in paths.list(directory) where LibcNames.family(ofLoader: name) == .musl {
                return ("musl", directory + "/" + name)
            }
        }
        for directory in ["/lib64", "/lib", "/usr/lib64", "/usr/lib"] {
            for name in paths.list(directory) where LibcNames.family(ofLoader: name) == .glibc {
                if paths.isRegularFile(directory + "/" + name) { return ("glibc", directory + "/" + name) }
            }
        }
        // Debian multiarch keeps the real loader in /lib/<triplet>/.
        for name in paths.list("/lib") where name.contains("-linux-") {
            if paths.list("/lib/" + name).contains(where: { LibcNames.family(ofLoader: $0) == .glibc }) { return ("glibc", nil) }
        }
        return ("none", nil)
    }

    /// The root's ld.so.cache, or nil when there is none or the loader would not read it.
    private func loaderCache() -> LoaderCache? {
        guard let host = paths.resolve("/etc/ld.so.cache"), paths.isRegularFile("/etc/ld.so.cache"),
              let bytes = try? OpenFile(host).read(count: 64 << 20, at: 0) else { return nil }
        return LoaderCache(bytes: bytes)
    }

    /// The directories ld.so.conf names (with `include` globs, relative to /etc): where
    /// `ldconfig` looks, not where the loader does.
    private func ldSoConfDirectories() -> [String] {
        var result: [String] = []
        var seenFiles = Set<String>()
        func read(_ file: String, depth: Int) {
            guard depth < 8, seenFiles.insert(file).inserted, let text = paths.readText(file) else { return }
            for rawLine in text.split(whereSeparator: \.isNewline) {
                let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                    .trimmingCharacters(in: .whitespaces) ?? ""
                if line.isEmpty || line.hasPrefix("hwcap") { continue }
                if line.hasPrefix("include") {
                    for pattern in line.dropFirst("include".count).split(separator: " ") where !pattern.isEmpty {
                        let absolute = pattern.hasPrefix("/") ? String(pattern) : "/etc/" + pattern
                        for match in glob(absolute) { read(match, depth: depth + 1) }
                    }
                } else {
                    for directory in line.split(whereSeparator: { $0 == ":" || $0 == "," || $0 == " " || $0 == "\t" })
                    where directory.hasPrefix("/") && !result.contains(String(directory)) {
                        result.append(String(directory))
                    }
                }
            }
        }
        read("/etc/ld.so.conf", depth: 0)
        return result.filter { paths.resolve($0) != nil }
    }

    /// Shell-style `*` globbing of the last path component inside the root.
    private func glob(_ pattern: String) -> [String] {
        let directory = String(pattern[..<(pattern.lastIndex(of: "/") ?? pattern.startIndex)])
        let namePattern = String(pattern.split(separator: "/").last ?? "")
        guard namePattern.contains("*") || namePattern.contains("?") else { return [pattern] }
        return paths.list(directory.isEmpty ? "/" : directory)
            .filter { fnmatch(namePattern, $0, 0) == 0 }
            .map { (directory.isEmpty ? "" : directory) + "/" + $0 }
    }

    /// The directories glibc's loader searches without ld.so.cache (`ld.so --help`, "system
    /// search path"). A multiarch build (Debian, Ubuntu: the root has `/usr/lib/<triplet>`) names
    /// its triplet's directories, then /lib and /usr/lib, and never /lib64: a library copied
    /// into /usr/lib64 there is not found. Other builds are not told apart (upstream's 64-bit
    /// ones search /lib64 and /usr/lib64, others /lib and /usr/lib), so all of those count.
    /// ld.so.conf's directories are not among them: the loader knows them only through the cache.
    private func glibcSystemDirectories(machine: String?) -> [String] {
        let directories: [String]
        if let triplet = machine.flatMap(Self.multiarchTriplets)?.first(where: { paths.resolve("/usr/lib/" + $0) != nil || paths.resolve("/lib/" + $0) != nil }) {
            directories = ["/lib/" + triplet, "/usr/lib/" + triplet, "/lib", "/usr/lib"]
        } else {
            let lib64 = ["x86_64", "ppc64le", "ppc64", "s390x", "loongarch64"].contains(machine ?? "")
            directories = lib64 ? ["/lib64", "/usr/lib64", "/lib", "/usr/lib"] : ["/lib", "/usr/lib"]
        }
        return directories.filter { paths.resolve($0) != nil }
    }

    /// Debian's multiarch tuples for a machine.
    static func multiarchTriplets(_ machine: String) -> [String]? {
        switch Architecture(machine)?.debianMultiarch {
        case let triplets? where !triplets.isEmpty: return triplets
        default: return nil
        }
    }

    /// /etc/ld-musl-<arch>.path, else musl's built-in default.
    private func muslSearchPath(_ loader: String?) -> [String] {
        let arch = loader.map { String($0.split(separator: "/").last!.dropFirst("ld-musl-".count).dropLast(".so.1".count)) }
        var result: [String] = []
        if let arch, let text = paths.readText("/etc/ld-musl-\(arch).path") {
            result = text.split(whereSeparator: { $0 == ":" || $0.isNewline }).map(String.init).filter { $0.hasPrefix("/") }
        }
        if result.isEmpty { result = ["/lib", "/usr/local/lib", "/usr/lib"] }
        return result.filter { paths.resolve($0) != nil }
    }

    /// The version in glibc's banner ("… release version 2.31."), read from libc.so.6.
    private func glibcReleaseVersion(_ inside: String) -> VersionNumber? {
        guard let host = paths.resolve(inside), let bytes = try? OpenFile(host).read(count: 32 << 20, at: 0) else { return nil }
        let count = bytes.count
        let marker = Array("release version ".utf8)
        guard count > marker.count else { return nil }
        var index = 0
        while index + marker.count < count {
            if bytes[index] == marker[0], Array(bytes[index..<index + marker.count]) == marker {
                var end = index + marker.count
                while end < count, bytes[end] == UInt8(ascii: ".") || (bytes[end] >= 48 && bytes[end] <= 57) { end += 1 }
                var text = String(decoding: bytes[(index + marker.count)..<end], as: UTF8.self)
                while text.hasSuffix(".") { text.removeLast() }
                if let version = VersionNumber(text) { return version }
            }
            index += 1
        }
        return nil
    }

    /// musl's version from apk's database (Alpine, Wolfi), when present.
    private func muslVersion() -> VersionNumber? {
        guard let text = paths.readText("/lib/apk/db/installed", limit: 32 << 20) else { return nil }
        var isMusl = false
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("P:") { isMusl = line == "P:musl" }
            if isMusl, line.hasPrefix("V:") {
                let version = line.dropFirst(2).split(separator: "-").first.map(String.init) ?? ""
                return VersionNumber(version)
            }
        }
        return nil
    }

    /// musl's version string (`__libc_version`, "1.2.3"; what the loader prints as
    /// "Version 1.2.3") from the loader's bytes: the one NUL-delimited `1.N.N` string in it.
    private func muslReleaseVersion(_ loader: String) -> VersionNumber? {
        guard let host = paths.resolve(loader), let file = MappedFile(path: host) else { return nil }
        var found = Set<String>()
        for offset in file.offsets(of: Array("1.".utf8), limit: 100_000) where offset > 0 {
            let bytes = file.bytes(at: offset - 1, length: 10)
            guard bytes.first == 0, let end = bytes.dropFirst().firstIndex(of: 0) else { continue }
            let text = String(decoding: bytes[1..<end], as: UTF8.self)
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }) {
                found.insert(text)
            }
        }
        return found.count == 1 ? VersionNumber(found.first!) : nil
    }

    private func packageManager() -> String? {
        let candidates = [("/usr/bin/apt-get", "apt"), ("/sbin/apk", "apk"), ("/usr/bin/apk", "apk"),
                          ("/usr/bin/dnf", "dnf"), ("/usr/bin/microdnf", "microdnf"), ("/usr/bin/yum", "yum")]
        return candidates.first { paths.isRegularFile($0.0) }?.1
    }

    /// /etc/passwd; in a root whose packages are unpacked but not configured
    /// (`debootstrap --foreign`), base-passwd's master copy, which its configuration installs.
    private func users() -> [String] {
        guard let text = paths.readText("/etc/passwd") ?? paths.readText("/usr/share/base-passwd/passwd.master") else { return [] }
        return text.split(whereSeparator: \.isNewline).compactMap { $0.split(separator: ":").first.map(String.init) }
    }

    private func osRelease() -> (name: String, version: String?, codename: String?) {
        guard let text = paths.readText("/etc/os-release") ?? paths.readText("/usr/lib/os-release") else {
            return ("none", nil, nil)
        }
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            fields[parts[0]] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
        return (fields["ID"] ?? "none", fields["VERSION_ID"], fields["VERSION_CODENAME"])
    }

    /// Sum of regular file sizes, not following links, bounded in depth. Leftovers of
    /// making the root that a finished image does not have are not counted: debootstrap's
    /// own directory and downloaded packages, and in an unconfigured (`--foreign`) root
    /// the qemu-user-static copied in to run its programs.
    private func treeBytes() -> Int64 {
        var skipped: Set<String> = [root + "/debootstrap", root + "/var/cache/apt/archives"]
        if paths.resolve("/debootstrap") != nil {
            for name in paths.list("/usr/bin") where name.hasPrefix("qemu-") && name.hasSuffix("-static") {
                skipped.insert(root + "/usr/bin/" + name)
            }
        }
        var total: Int64 = 0
        var stack = [root]
        var seen = 0
        while let directory = stack.popLast(), seen < 5_000_000 {
            guard let names = try? Directory.names(directory) else { continue }
            for name in names {
                seen += 1
                let path = directory + "/" + name
                if skipped.contains(path) { continue }
                guard let status = FileStatus.ofLink(path) else { continue }
                switch status.kind {
                case .directory: stack.append(path)
                case .regular: total += status.size
                default: break
                }
            }
        }
        return total
    }
}
