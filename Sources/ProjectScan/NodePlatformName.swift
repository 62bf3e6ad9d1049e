import ELFInspection

/// Reads the platform out of npm package names that carry one, as the families name them:
/// napi-rs (`@swc/core-linux-x64-musl`, `lightningcss-linux-arm-gnueabihf`,
/// `-linux-arm-musleabihf`), @parcel/watcher (`-linux-arm64-glibc`, `-linux-x64-musl`), sharp
/// (`@img/sharp-linux-x64`, `@img/sharp-linuxmusl-x64`), Bun (`@oven/bun-linux-aarch64`,
/// `-linux-x64-baseline`, `-linux-x64-musl-baseline`): `<family>-linux[musl]-<cpu>[-<suffix>…]`.
/// A suffix beginning `musl` (or the `linuxmusl` os part) is musl; any other (`gnu`,
/// `gnueabihf`, `glibc`, `baseline`, none) is glibc, as every family publishes its musl
/// builds under a musl name.
struct NodePlatformName: Sendable, Hashable {
    /// The package family without the platform part (`@swc/core`, `@img/sharp`).
    var family: String
    /// npm's cpu name (`x64`, `arm64` …; Bun's `aarch64` is `arm64`).
    var cpu: String
    var libc: LibcFamily
    /// The cpu as the name spells it (`aarch64`, `armv7`).
    var cpuPart: String
    /// The name's parts after the cpu (`gnueabihf`, `musl`, `baseline`), in order.
    var suffix: [String]

    private static let cpus: Set<String> = ["x64", "arm64", "arm", "ia32", "riscv64", "s390x", "ppc64", "loong64"]
    /// Names some families give a cpu instead of npm's (Bun's `aarch64`, Rollup's
    /// `powerpc64le` and `loongarch64`, Sentry's `i686`, `armv7`).
    private static let cpuAliases: [String: String] = [
        "aarch64": "arm64", "x86_64": "x64", "i686": "ia32", "powerpc64le": "ppc64", "ppc64le": "ppc64",
        "loongarch64": "loong64", "armv7": "arm", "armv7l": "arm",
    ]

    init?(packageName: String) {
        let parts = packageName.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        // The last `linux`/`linuxmusl` part followed by a cpu, with a family before it.
        guard let os = parts.indices.dropFirst().last(where: { index in
            (parts[index] == "linux" || parts[index] == "linuxmusl") && index + 1 < parts.count
                && (Self.cpus.contains(parts[index + 1]) || Self.cpuAliases[parts[index + 1]] != nil)
        }) else { return nil }
        family = parts[..<os].joined(separator: "-")
        cpu = Self.cpuAliases[parts[os + 1]] ?? parts[os + 1]
        cpuPart = parts[os + 1]
        suffix = Array(parts[(os + 2)...])
        libc = parts[os] == "linuxmusl" || suffix.contains { $0.hasPrefix("musl") } ? .musl : .glibc
    }

    /// The name says its build is for ARMv7 (`gnueabihf`, `musleabihf`, `armv7`): not for
    /// ARMv6 (linux/arm/v6), whose cpu npm also calls `arm`.
    var isARMv7HardFloat: Bool { cpu == "arm" && (cpuPart.hasPrefix("armv7") || suffix.contains { $0.hasSuffix("eabihf") }) }

    /// False for an ARMv7 hard-float build on an older ARM (or one whose variant is unknown).
    func runs(on architecture: Architecture) -> Bool {
        guard isARMv7HardFloat, case .arm(let variant) = architecture else { return true }
        return (variant ?? .v5) >= .v7
    }

    /// True when the name says the package is for `platform` (cpu, libc, and ARM variant).
    func fits(_ platform: LockfilePlatform) -> Bool {
        cpu == platform.npmCPU && libc == platform.libc && runs(on: platform.architecture)
    }

    /// The sibling package name for the other libc.
    func sibling(libc other: LibcFamily, originalName: String) -> String {
        if originalName.hasSuffix("-linux-\(cpu)-gnu") && other == .musl {
            return family + "-linux-\(cpu)-musl"
        }
        if originalName.hasSuffix("-linux-\(cpu)-gnueabihf") && other == .musl {
            return family + "-linux-\(cpu)-musleabihf"
        }
        if originalName.hasSuffix("-linux-\(cpu)-glibc") && other == .musl {
            return family + "-linux-\(cpu)-musl"
        }
        if originalName.hasSuffix("-linux-\(cpu)-musl") && other == .glibc {
            return family + "-linux-\(cpu)-gnu"
        }
        return family + (other == .musl ? "-linuxmusl-" : "-linux-") + cpu
    }

    /// npm's cpu name for a file's architecture.
    static func npmCPU(for architecture: Architecture) -> String? { architecture.npmName }
}
