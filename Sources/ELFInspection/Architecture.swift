/// One CPU architecture, as every side of basefit names it: the ELF side (`x86_64`,
/// `aarch64`), container platforms (`amd64`, `arm64`, `arm/v7`), wheels (`x86_64`,
/// `aarch64`, `armv7l`, `i686`) and npm (`x64`, `arm64`, `ia32`). Strings exist only
/// at those edges; everything in between compares values of this type.
public enum Architecture: Sendable, Hashable, Comparable, CustomStringConvertible {
    case amd64
    case arm64
    /// 32-bit ARM. The variant is known for container platforms; an ELF file says only
    /// "ARM" (nil), and such a file is held to arm/v7, the platform every 32-bit ARM
    /// build of the official images targets.
    case arm(ARMVariant?)
    case i386
    case ppc64le
    case s390x
    case riscv64
    case mips64le
    case loong64
    /// A machine no container platform exists for (`sparc`, `mips64` big-endian …),
    /// kept by its ELF name.
    case other(String)

    public enum ARMVariant: String, Sendable, Hashable, Comparable {
        case v5, v6, v7

        public static func < (lhs: ARMVariant, rhs: ARMVariant) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Every architecture a container platform can name, in a stable order.
    public static let platforms: [Architecture] = [
        .amd64, .arm64, .arm(.v5), .arm(.v6), .arm(.v7), .i386, .ppc64le, .s390x, .riscv64, .mips64le, .loong64,
    ]

    // MARK: ELF

    /// From `e_machine`, the ELF class and the byte order.
    public init(elfMachine code: UInt16, is64Bit: Bool, littleEndian: Bool) {
        switch (code, is64Bit, littleEndian) {
        // x32 (ELFCLASS32 with EM_X86_64) is its own ABI: an amd64 loader refuses it.
        case (ELFMachine.x86_64, true, _): self = .amd64
        case (ELFMachine.aarch64, _, _): self = .arm64
        case (ELFMachine.arm, _, _): self = .arm(nil)
        case (ELFMachine.i386, _, _): self = .i386
        case (ELFMachine.ppc64, _, true): self = .ppc64le
        case (ELFMachine.s390, true, _): self = .s390x
        case (ELFMachine.riscv, true, _): self = .riscv64
        case (ELFMachine.mips, true, true): self = .mips64le
        case (ELFMachine.loongarch, _, _): self = .loong64
        default: self = .other(Machine.name(code: code, is64Bit: is64Bit, littleEndian: littleEndian))
        }
    }

    /// The name basefit reports for ELF files (`x86_64`, `aarch64`, `arm` …).
    public var elfName: String {
        switch self {
        case .amd64: return "x86_64"
        case .arm64: return "aarch64"
        case .arm: return "arm"
        case .i386: return "i386"
        case .ppc64le: return "ppc64le"
        case .s390x: return "s390x"
        case .riscv64: return "riscv64"
        case .mips64le: return "mips64el"
        case .loong64: return "loongarch64"
        case .other(let name): return name
        }
    }

    // MARK: Container platforms

    /// The OCI platform architecture with its variant (`amd64`, `arm/v7`), or nil when
    /// container platforms have none. A variant-less ARM file is named `arm`.
    public var platformName: String? {
        switch self {
        case .amd64: return "amd64"
        case .arm64: return "arm64"
        case .arm(let variant?): return "arm/\(variant.rawValue)"
        case .arm(nil): return "arm"
        case .i386: return "386"
        case .ppc64le: return "ppc64le"
        case .s390x: return "s390x"
        case .riscv64: return "riscv64"
        case .mips64le: return "mips64le"
        case .loong64: return "loong64"
        case .other: return nil
        }
    }

    /// What users and reports call it: the platform name, else the ELF name.
    public var description: String { platformName ?? elfName }

    /// Parses any spelling a user, a Dockerfile, a wheel tag, npm or an ELF report uses:
    /// `amd64`, `linux/amd64`, `x86_64`, `x64`; `arm64`, `arm64/v8`, `aarch64`;
    /// `arm`, `arm/v7`, `armv7l`, `armhf`, `armel`; `386`, `i386`, `i686`, `ia32`; …
    public init?(_ text: String) {
        var name = text.lowercased()
        if name.hasPrefix("linux/") { name.removeFirst("linux/".count) }
        switch name {
        case "amd64", "x86_64", "x86-64", "x64": self = .amd64
        case "arm64", "arm64/v8", "aarch64", "arm64v8": self = .arm64
        case "arm", "arm32": self = .arm(nil)
        case "arm/v7", "armv7", "armv7l", "armhf", "arm32v7": self = .arm(.v7)
        case "arm/v6", "armv6", "armv6l", "arm32v6": self = .arm(.v6)
        case "arm/v5", "armv5", "armv5l", "armv5tel", "armel", "arm32v5": self = .arm(.v5)
        case "386", "i386", "i486", "i586", "i686", "ia32", "x86": self = .i386
        case "ppc64le", "ppc64el", "powerpc64le": self = .ppc64le
        case "ppc64", "powerpc64": self = .other("ppc64")
        case "s390x": self = .s390x
        case "riscv64": self = .riscv64
        case "mips64le", "mips64el": self = .mips64le
        case "loong64", "loongarch64": self = .loong64
        default: return nil
        }
    }

    /// npm's `cpu` name (`process.arch`): `x64`, `arm64`, `ia32` …; nil where Node has none.
    public var npmName: String? {
        switch self {
        case .amd64: return "x64"
        case .arm64: return "arm64"
        case .arm: return "arm"
        case .i386: return "ia32"
        case .ppc64le: return "ppc64"  // Node on Linux is little-endian ppc64 only
        case .s390x: return "s390x"
        case .riscv64: return "riscv64"
        case .loong64: return "loong64"
        case .mips64le: return "mips64el"
        case .other: return nil
        }
    }

    /// Debian's multiarch tuples for the architecture (`x86_64-linux-gnu`; 32-bit ARM has
    /// armhf's and armel's), the library directories its loader searches first.
    public var debianMultiarch: [String] {
        switch self {
        case .amd64: return ["x86_64-linux-gnu"]
        case .arm64: return ["aarch64-linux-gnu"]
        case .arm(.v5?): return ["arm-linux-gnueabi"]
        case .arm: return ["arm-linux-gnueabihf", "arm-linux-gnueabi"]
        case .i386: return ["i386-linux-gnu"]
        case .ppc64le: return ["powerpc64le-linux-gnu"]
        case .s390x: return ["s390x-linux-gnu"]
        case .riscv64: return ["riscv64-linux-gnu"]
        case .mips64le: return ["mips64el-linux-gnuabi64"]
        case .loong64: return ["loongarch64-linux-gnu"]
        case .other: return []
        }
    }

    /// True when a file built for `self` can run on an image published for `platform`.
    /// A 32-bit ARM file of unknown variant needs arm/v7 (a v7 CPU runs v5–v7 code;
    /// a v6 or v5 one does not run v7 code). `any` (scratch) runs everything.
    public func runs(on platform: Architecture) -> Bool {
        switch (self, platform) {
        case (.arm(nil), .arm(let variant)): return variant == .v7 || variant == nil
        case (.arm(let mine?), .arm(let theirs?)): return mine <= theirs
        case (.arm(_?), .arm(nil)): return true
        default: return self == platform
        }
    }

    public static func < (lhs: Architecture, rhs: Architecture) -> Bool {
        lhs.description < rhs.description
    }
}

/// `e_machine` values basefit names (elf.h).
public enum ELFMachine {
    public static let sparc: UInt16 = 2
    public static let i386: UInt16 = 3
    public static let mips: UInt16 = 8
    public static let parisc: UInt16 = 15
    public static let ppc: UInt16 = 20
    public static let ppc64: UInt16 = 21
    public static let s390: UInt16 = 22
    public static let arm: UInt16 = 40
    public static let superH: UInt16 = 42
    public static let sparcV9: UInt16 = 43
    public static let ia64: UInt16 = 50
    public static let x86_64: UInt16 = 62
    public static let aarch64: UInt16 = 183
    public static let riscv: UInt16 = 243
    public static let loongarch: UInt16 = 258
}

/// Encoded by the ELF name (`x86_64`, `aarch64`, `arm`), as scan output names machines.
extension Architecture: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = Architecture(text) ?? .other(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(elfName)
    }
}
