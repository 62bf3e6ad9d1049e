import ELFInspection

/// Reads the platform out of npm package names that carry one: napi-rs
/// (`@swc/core-linux-x64-musl`, `lightningcss-linux-arm-gnueabihf`) and sharp
/// (`@img/sharp-linuxmusl-x64`).
struct NodePlatformName: Sendable, Hashable {
    /// The package family without the platform part (`@swc/core`, `@img/sharp`).
    var family: String
    /// npm's cpu name (`x64`, `arm64` …).
    var cpu: String
    var libc: LibcFamily

    private static let cpus: Set<String> = ["x64", "arm64", "arm", "ia32", "riscv64", "s390x", "ppc64", "loong64"]

    init?(packageName: String) {
        let parts = packageName.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3 else { return nil }
        // napi-rs: <family>-linux-<cpu>-<abi>
        if parts.count >= 4, parts[parts.count - 3] == "linux", Self.cpus.contains(parts[parts.count - 2]) {
            let abi = parts[parts.count - 1]
            if abi.hasPrefix("musl") { libc = .musl } else if abi.hasPrefix("gnu") { libc = .glibc } else { return nil }
            cpu = parts[parts.count - 2]
            family = parts.dropLast(3).joined(separator: "-")
            return
        }
        // sharp: <family>-linux-<cpu> (glibc) / <family>-linuxmusl-<cpu>
        let os = parts[parts.count - 2]
        guard Self.cpus.contains(parts[parts.count - 1]), os == "linux" || os == "linuxmusl" else { return nil }
        cpu = parts[parts.count - 1]
        libc = os == "linuxmusl" ? .musl : .glibc
        family = parts.dropLast(2).joined(separator: "-")
    }

    /// The sibling package name for the other libc.
    func sibling(libc other: LibcFamily, originalName: String) -> String {
        if originalName.hasSuffix("-linux-\(cpu)-gnu") && other == .musl {
            return family + "-linux-\(cpu)-musl"
        }
        if originalName.hasSuffix("-linux-\(cpu)-gnueabihf") && other == .musl {
            return family + "-linux-\(cpu)-musleabihf"
        }
        if originalName.hasSuffix("-linux-\(cpu)-musl") && other == .glibc {
            return family + "-linux-\(cpu)-gnu"
        }
        return family + (other == .musl ? "-linuxmusl-" : "-linux-") + cpu
    }

    /// npm's cpu name for a file's architecture.
    static func npmCPU(for architecture: Architecture) -> String? { architecture.npmName }
}
