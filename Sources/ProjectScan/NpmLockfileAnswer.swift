import ELFInspection

/// How each native package of an npm lockfile installs on one platform, decided from
/// the lockfile alone (no registry): a prebuilt platform package, a node-gyp build
/// from source, or no way.
public struct NpmLockfileAnswer: Sendable, Hashable {
    public enum Way: Sendable, Hashable {
        /// The lockfile pins platform packages built for this platform (napi-rs
        /// `@scope/pkg-linux-x64-musl`, sharp `@img/sharp-linuxmusl-x64`).
        case prebuilt(platformPackages: [String])
        /// An install script and no platform package for this platform: node-gyp
        /// compiles it (or the script downloads a prebuild); the build stage needs these.
        case compiles(needs: [String])
        /// Platform packages exist, but none for this platform, and nothing builds it.
        case noWay(available: [String])
    }

    public struct Entry: Sendable, Hashable {
        public var package: String
        public var version: String
        public var way: Way
    }

    /// What node-gyp needs in the build stage (Debian and Alpine package names).
    public static func buildNeeds(for libc: LibcFamily) -> [String] {
        libc == .musl ? ["python3", "make", "g++"] : ["python3", "make", "g++"]
    }

    public var platform: LockfilePlatform
    public var entries: [Entry]

    public var prebuilt: [Entry] { entries.filter { if case .prebuilt = $0.way { return true } else { return false } } }
    public var compiles: [Entry] { entries.filter { if case .compiles = $0.way { return true } else { return false } } }
    public var blocked: [Entry] { entries.filter { if case .noWay = $0.way { return true } else { return false } } }

    /// Judges every native package of the lockfile for `platform`.
    public init(_ lockfile: NpmLockfile, platform: LockfilePlatform) {
        self.platform = platform
        let byName = Dictionary(grouping: lockfile.packages, by: \.name)
        var claimed = Set<String>()
        var entries: [Entry] = []
        // Families: a package whose optional dependencies are platform packages.
        for package in lockfile.packages where !package.isPlatformSpecific {
            let members = package.optionalDependencies.flatMap { byName[$0] ?? [] }.filter(\.isPlatformSpecific)
            let linuxMembers = members.filter { Self.allows($0.os, "linux") }
            guard !linuxMembers.isEmpty || (package.hasInstallScript && !members.isEmpty) else {
                if package.hasInstallScript {
                    entries.append(Entry(package: package.name, version: package.version, way: .compiles(needs: Self.buildNeeds(for: platform.libc))))
                }
                continue
            }
            claimed.formUnion(members.map(\.name))
            let matching = members.filter { Self.matches($0, platform) }.map(\.name)
            let way: Way
            if !matching.isEmpty {
                way = .prebuilt(platformPackages: Array(Set(matching)).sorted())
            } else if package.hasInstallScript {
                way = .compiles(needs: Self.buildNeeds(for: platform.libc))
            } else {
                way = .noWay(available: Array(Set(linuxMembers.map(\.name))).sorted())
            }
            entries.append(Entry(package: package.name, version: package.version, way: way))
        }
        // Platform packages no family claims: required ones that do not match cannot install.
        for package in lockfile.packages where package.isPlatformSpecific && !claimed.contains(package.name) {
            guard !package.optional else { continue }
            if !Self.matches(package, platform) {
                entries.append(Entry(package: package.name, version: package.version, way: .noWay(available: [])))
            }
        }
        self.entries = entries.sorted { ($0.package, $0.version) < ($1.package, $1.version) }
    }

    /// npm's rule for `os`/`cpu`/`libc`: a list of allowed values, or of `!`-negated
    /// ones; nil or empty allows everything.
    static func allows(_ list: [String]?, _ value: String?) -> Bool {
        guard let list, !list.isEmpty else { return true }
        guard let value else { return false }
        let negated = list.filter { $0.hasPrefix("!") }.map { String($0.dropFirst()) }
        if negated.contains(value) { return false }
        let positive = list.filter { !$0.hasPrefix("!") }
        return positive.isEmpty || positive.contains(value)
    }

    /// True when npm would install `package` on `platform`. A platform package whose
    /// lockfile entry has no `libc` (older npm) is told by its name (`-musl`, `linuxmusl-`).
    static func matches(_ package: NpmLockfile.Package, _ platform: LockfilePlatform) -> Bool {
        guard allows(package.os, "linux"), allows(package.cpu, platform.npmCPU) else { return false }
        if let libc = package.libc, !libc.isEmpty { return allows(libc, platform.npmLibc) }
        if let named = NodePlatformName(packageName: package.name) {
            return named.libc == platform.libc
        }
        return true
    }
}
