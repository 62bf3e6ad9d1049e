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
        /// The package lists platform packages for this platform among its optional
        /// dependencies, but the lockfile lacks them (npm/cli#4828: a lockfile written on
        /// another OS keeps only that OS's members); `npm ci` installs none of them.
        case notLocked(members: [String])
        /// Not optional, and its `os`/`cpu`/`libc` exclude this platform: npm's
        /// build-ideal-tree checks every non-optional package (`checkPlatform`) and
        /// `npm ci` stops with EBADPLATFORM.
        case refused
    }

    public struct Entry: Sendable, Hashable {
        public var package: String
        public var version: String
        public var way: Way
        /// It publishes platform packages for Linux (a source build here is a difference
        /// between images, not the same build everywhere).
        public var hasLinuxPlatformPackages: Bool
    }

    /// What node-gyp needs in the build stage (Debian and Alpine package names).
    public static func buildNeeds(for libc: LibcFamily) -> [String] {
        libc == .musl ? ["python3", "make", "g++"] : ["python3", "make", "g++"]
    }

    public var platform: LockfilePlatform
    public var entries: [Entry]

    public var prebuilt: [Entry] { entries.filter { if case .prebuilt = $0.way { return true } else { return false } } }
    public var compiles: [Entry] { entries.filter { if case .compiles = $0.way { return true } else { return false } } }
    public var blocked: [Entry] {
        entries.filter { switch $0.way { case .noWay, .notLocked, .refused: return true; default: return false } }
    }

    /// Judges every native package of the lockfile for `platform`.
    public init(_ lockfile: NpmLockfile, platform: LockfilePlatform) {
        self.platform = platform
        let byName = Dictionary(grouping: lockfile.packages, by: \.name)
        var entries: [Entry] = []
        for package in lockfile.packages {
            let here = !package.isPlatformSpecific || Self.matches(package, platform)
            // An optional platform package excluded here is skipped by npm; a required one stops the install.
            guard here || package.optional else {
                entries.append(Entry(package: package.name, version: package.version, way: .refused, hasLinuxPlatformPackages: false))
                continue
            }
            guard here else { continue }
            // A family: its optional dependencies are platform packages (a root may declare its own
            // os/cpu, as bun does: it is a root wherever it installs).
            let listed = package.optionalDependencies
            let members = listed.flatMap { byName[$0] ?? [] }.filter(\.isPlatformSpecific)
            let linuxMembers = members.filter { Self.allows($0.os, "linux") }
            let unlocked = listed.filter { byName[$0] == nil }.filter { NodePlatformName(packageName: $0) != nil }
            let isFamily = !linuxMembers.isEmpty || !unlocked.isEmpty || (package.hasInstallScript && !members.isEmpty)
            guard isFamily else {
                if package.hasInstallScript {
                    entries.append(Entry(package: package.name, version: package.version, way: .compiles(needs: Self.buildNeeds(for: platform.libc)),
                                         hasLinuxPlatformPackages: false))
                }
                continue
            }
            let missing = unlocked.filter { NodePlatformName(packageName: $0)?.fits(platform) == true }
            let matching = members.filter { Self.matches($0, platform) }.map(\.name)
            let way: Way
            if !missing.isEmpty && !package.hasInstallScript {
                way = .notLocked(members: missing.sorted())
            } else if !matching.isEmpty && missing.isEmpty {
                way = .prebuilt(platformPackages: Array(Set(matching)).sorted())
            } else if package.hasInstallScript {
                way = .compiles(needs: Self.buildNeeds(for: platform.libc))
            } else {
                way = .noWay(available: Array(Set(linuxMembers.map(\.name) + unlocked)).sorted())
            }
            entries.append(Entry(package: package.name, version: package.version, way: way,
                                 hasLinuxPlatformPackages: !linuxMembers.isEmpty || !unlocked.isEmpty))
        }
        self.entries = entries.sorted { ($0.package, $0.version) < ($1.package, $1.version) }
    }

    /// npm's rule for `os`/`cpu`/`libc` (npm-install-checks `checkList`): a list of allowed
    /// values, or of `!`-negated ones; nil, empty or `["any"]` allows everything.
    static func allows(_ list: [String]?, _ value: String?) -> Bool {
        guard let list, !list.isEmpty, list != ["any"] else { return true }
        guard let value else { return false }
        let negated = list.filter { $0.hasPrefix("!") }.map { String($0.dropFirst()) }
        if negated.contains(value) { return false }
        let positive = list.filter { !$0.hasPrefix("!") }
        return positive.isEmpty || positive.contains(value)
    }

    /// True when npm would install `package` on `platform` and its build runs there. A platform
    /// package whose lockfile entry has no `libc` (npm 10 writes none) is told by its name
    /// (`-musl`, `linuxmusl-`, `-glibc`); an ARMv7 name (`-gnueabihf`) never fits ARMv6.
    static func matches(_ package: NpmLockfile.Package, _ platform: LockfilePlatform) -> Bool {
        guard allows(package.os, "linux"), allows(package.cpu, platform.npmCPU) else { return false }
        let named = NodePlatformName(packageName: package.name)
        // An ARMv7 hard-float build (`-gnueabihf`) does not run on ARMv6, which npm also calls `arm`.
        if let named, !named.runs(on: platform.architecture) { return false }
        if let libc = package.libc, !libc.isEmpty { return allows(libc, platform.npmLibc) }
        if let named { return named.libc == platform.libc }
        return true
    }
}
