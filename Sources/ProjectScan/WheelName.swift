import ELFInspection

/// A wheel file name split per PEP 427/425:
/// `{distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl`, each tag
/// possibly a `.`-joined set.
public struct WheelName: Sendable, Hashable {
    public var distribution: String
    public var version: String
    public var pythonTags: [String]
    public var abiTags: [String]
    public var platformTags: [String]
    /// The optional build tag (`-2-`, `-1abc-`): pip's tie-breaker after tag priority.
    public var build: BuildTag?

    /// A wheel's build tag as pip compares it: its leading number, then the rest as text;
    /// a wheel without one sorts below every wheel with one.
    public struct BuildTag: Sendable, Hashable, Comparable {
        public var number: Int
        public var suffix: String

        /// packaging's rule: it must start with a digit.
        public init?(_ text: String) {
            let digits = text.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let number = Int(digits) else { return nil }
            self.number = number
            suffix = String(text.dropFirst(digits.count))
        }

        public static func < (lhs: BuildTag, rhs: BuildTag) -> Bool { (lhs.number, lhs.suffix) < (rhs.number, rhs.suffix) }
    }

    /// Tags are compared lower-cased, as packaging parses them (`CP312` is `cp312`).
    public init?(fileName: String) {
        guard fileName.hasSuffix(".whl") else { return nil }
        let parts = fileName.dropLast(4).split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5 || parts.count == 6, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        distribution = parts[0]
        version = parts[1]
        if parts.count == 6 {
            guard let build = BuildTag(parts[2]) else { return nil }
            self.build = build
        }
        pythonTags = parts[parts.count - 3].lowercased().split(separator: ".").map(String.init)
        abiTags = parts[parts.count - 2].lowercased().split(separator: ".").map(String.init)
        platformTags = parts[parts.count - 1].lowercased().split(separator: ".").map(String.init)
    }

    public init(distribution: String, version: String, pythonTags: [String], abiTags: [String], platformTags: [String]) {
        self.distribution = distribution
        self.version = version
        self.pythonTags = pythonTags
        self.abiTags = abiTags
        self.platformTags = platformTags
    }
}

/// One platform tag (PEP 600 manylinux, PEP 656 musllinux, legacy aliases).
public enum PlatformTag: Sendable, Hashable {
    case manylinux(glibc: VersionNumber, architecture: String)
    case musllinux(musl: VersionNumber, architecture: String)
    case linux(architecture: String)
    case any
    case other(String)

    public init(_ tag: String) {
        if tag == "any" { self = .any; return }
        let legacy: [(String, VersionNumber)] = [
            ("manylinux1_", VersionNumber([2, 5])), ("manylinux2010_", VersionNumber([2, 12])),
            ("manylinux2014_", VersionNumber([2, 17])),
        ]
        for (prefix, version) in legacy where tag.hasPrefix(prefix) {
            self = .manylinux(glibc: version, architecture: String(tag.dropFirst(prefix.count)))
            return
        }
        for (prefix, isMusl) in [("manylinux_", false), ("musllinux_", true)] where tag.hasPrefix(prefix) {
            let rest = tag.dropFirst(prefix.count).split(separator: "_", maxSplits: 2).map(String.init)
            if rest.count == 3, let major = Int(rest[0]), let minor = Int(rest[1]) {
                let version = VersionNumber([major, minor])
                self = isMusl ? .musllinux(musl: version, architecture: rest[2])
                    : .manylinux(glibc: version, architecture: rest[2])
                return
            }
        }
        if tag.hasPrefix("linux_") { self = .linux(architecture: String(tag.dropFirst(6))); return }
        self = .other(tag)
    }

    /// The architecture the tag names (`x86_64`, `aarch64`, `i686`, `armv7l` …).
    public var architecture: Architecture? {
        switch self {
        case .manylinux(_, let arch), .musllinux(_, let arch), .linux(let arch): return Architecture(arch)
        default: return nil
        }
    }

    /// The libc a wheel so tagged is built for (nil: `linux_<arch>`, `any` and others).
    public var libc: LibcFamily? {
        switch self {
        case .manylinux: return .glibc
        case .musllinux: return .musl
        default: return nil
        }
    }

    /// The basefit machine name of the tag's architecture.
    public var machine: String? { architecture?.elfName }
}

/// Symbol-version ceilings of the manylinux policies, per auditwheel's
/// `policy/manylinux-policy.json` (x86_64 columns; see shared/research/peers.md).
/// GLIBCXX and CXXABI follow the reference toolchain and are the same on every
/// architecture; GCC versions are checked on x86 only.
enum ManylinuxPolicy {
    struct Row {
        var glibc: VersionNumber
        var ceilings: [String: VersionNumber]
    }

    static let rows: [Row] = [
        row("2.5", glibcxx: "3.4.8", cxxabi: "1.3.1", gcc: "4.2.0"),
        row("2.12", glibcxx: "3.4.13", cxxabi: "1.3.3", gcc: "4.3.0"),
        row("2.17", glibcxx: "3.4.19", cxxabi: "1.3.7", gcc: "4.8.0"),
        row("2.24", glibcxx: "3.4.22", cxxabi: "1.3.10", gcc: "4.8.0"),
        row("2.27", glibcxx: "3.4.24", cxxabi: "1.3.11", gcc: "7.0.0"),
        row("2.31", glibcxx: "3.4.28", cxxabi: "1.3.12", gcc: "7.0.0"),
        row("2.34", glibcxx: "3.4.29", cxxabi: "1.3.13", gcc: "7.0.0"),
        row("2.35", glibcxx: "3.4.30", cxxabi: "1.3.13", gcc: "12.0.0"),
        row("2.39", glibcxx: "3.4.33", cxxabi: "1.3.15", gcc: "14.0.0"),
    ]

    private static func row(_ glibc: String, glibcxx: String, cxxabi: String, gcc: String) -> Row {
        Row(glibc: VersionNumber(glibc)!, ceilings: [
            "GLIBC": VersionNumber(glibc)!, "GLIBCXX": VersionNumber(glibcxx)!,
            "CXXABI": VersionNumber(cxxabi)!, "GCC": VersionNumber(gcc)!,
        ])
    }

    /// Ceilings for a `manylinux_X_Y` tag: the policy row with the highest glibc ≤ X.Y,
    /// with GLIBC itself capped at X.Y.
    static func ceilings(forGlibc glibc: VersionNumber, machine: String) -> [String: VersionNumber] {
        var result = rows.last(where: { $0.glibc <= glibc })?.ceilings ?? ["GLIBC": glibc]
        result["GLIBC"] = glibc
        if machine != "x86_64" && machine != "i386" { result["GCC"] = nil }
        return result
    }
}
