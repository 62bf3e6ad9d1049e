import ELFInspection

/// The wheel tags an interpreter on a platform accepts, most preferred first, as
/// `packaging.tags` orders them for CPython on Linux (`cpython_tags` then
/// `compatible_tags`) and pip ranks wheels by: manylinux_2_N from the libc's own
/// version down (with the legacy manylinux2014/2010/1 aliases at 2.17/2.12/2.5),
/// musllinux_1_N down to 1_0, then linux_<arch>.
public struct WheelTags: Sendable {
    /// `cp312-cp312-manylinux_2_36_x86_64` → rank (0 is best).
    public let ranks: [String: Int]
    /// In preference order.
    public let ordered: [String]
    /// The platform tags, in preference order (what pip's `--platform` takes).
    public let platforms: [String]

    /// Nil when the platform has no Python version or no libc a wheel can target.
    public init?(_ platform: LockfilePlatform) {
        guard let line = platform.python, let version = VersionNumber(line), version.components.count >= 2,
              version.components[0] == 3, let platforms = Self.platformTags(for: platform) else { return nil }
        let minor = version.components[1]
        self.platforms = platforms

        var tags: [String] = []
        let interpreter = "cp3\(minor)"
        let abi = interpreter + (platform.freeThreaded ? "t" : "")
        // PEP 384's abi3 for GIL builds; PEP 803's abi3t for free-threaded ones (packaging ≥ 26).
        let stable = platform.freeThreaded ? "abi3t" : "abi3"
        let useStable = minor >= 2
        for p in platforms { tags.append("\(interpreter)-\(abi)-\(p)") }
        if useStable { for p in platforms { tags.append("\(interpreter)-\(stable)-\(p)") } }
        for p in platforms { tags.append("\(interpreter)-none-\(p)") }
        if useStable {
            for older in stride(from: minor - 1, to: 1, by: -1) {
                for p in platforms { tags.append("cp3\(older)-\(stable)-\(p)") }
            }
        }
        let pyRange = ["py3\(minor)", "py3"] + stride(from: minor - 1, through: 0, by: -1).map { "py3\($0)" }
        for py in pyRange { for p in platforms { tags.append("\(py)-none-\(p)") } }
        tags.append("\(interpreter)-none-any")
        for py in pyRange { tags.append("\(py)-none-any") }
        ordered = tags
        var ranks: [String: Int] = [:]
        for (index, tag) in tags.enumerated() where ranks[tag] == nil { ranks[tag] = index }
        self.ranks = ranks
    }

    /// The platform tags pip installs on `platform` (its libc, libc version and architecture; the
    /// Python version does not matter), most preferred first; nil for a libc no wheel targets.
    public static func platformTags(for platform: LockfilePlatform) -> [String]? {
        guard let arch = wheelArchitecture(platform.architecture) else { return nil }
        var platforms: [String] = []
        switch platform.libc {
        case .glibc:
            // Unknown glibc: assume the oldest manylinux any current image exceeds (2.17).
            let glibc = platform.libcVersion ?? VersionNumber([2, 17])
            guard glibc.components.first == 2 else { return nil }
            let glibcMinor = glibc.components.count > 1 ? glibc.components[1] : 0
            let floor = (arch == "x86_64" || arch == "i686") ? 4 : 16
            if glibcMinor > floor {
                for m in stride(from: glibcMinor, to: floor, by: -1) {
                    platforms.append("manylinux_2_\(m)_\(arch)")
                    if let legacy = [17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"][m] {
                        platforms.append("\(legacy)_\(arch)")
                    }
                }
            }
        case .musl:
            let musl = platform.libcVersion ?? VersionNumber([1, 2])
            guard musl.components.first == 1 else { return nil }
            let muslMinor = musl.components.count > 1 ? musl.components[1] : 0
            for m in stride(from: muslMinor, through: 0, by: -1) { platforms.append("musllinux_1_\(m)_\(arch)") }
        default:
            return nil
        }
        platforms.append("linux_\(arch)")
        return platforms
    }

    /// The wheel's best rank among its expanded tag triples (nil: not installable here).
    public func rank(of wheel: WheelName) -> Int? {
        var best: Int?
        for python in wheel.pythonTags {
            for abi in wheel.abiTags {
                for platform in wheel.platformTags {
                    if let rank = ranks["\(python)-\(abi)-\(platform)"], rank < (best ?? .max) { best = rank }
                }
            }
        }
        return best
    }

    /// The architecture as wheel platform tags spell it.
    public static func wheelArchitecture(_ architecture: Architecture) -> String? {
        switch architecture {
        case .amd64: return "x86_64"
        case .arm64: return "aarch64"
        case .arm(let variant): return variant == nil || variant == .v7 ? "armv7l" : "armv6l"
        case .i386: return "i686"
        case .ppc64le: return "ppc64le"
        case .s390x: return "s390x"
        case .riscv64: return "riscv64"
        case .loong64: return "loongarch64"
        default: return nil
        }
    }
}
