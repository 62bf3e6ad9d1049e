/// Names for ELF `e_machine` values, as users and container platforms say them.
public enum Machine {
    /// The name basefit reports (`x86_64`, `aarch64`, `ppc64le` …), from the machine
    /// code, the ELF class and the byte order.
    public static func name(code: UInt16, is64Bit: Bool, littleEndian: Bool) -> String {
        switch code {
        case 3: return "i386"
        case 62: return "x86_64"
        case 183: return "aarch64"
        case 40: return "arm"
        case 8: return is64Bit ? (littleEndian ? "mips64el" : "mips64") : (littleEndian ? "mipsel" : "mips")
        case 20: return "ppc"
        case 21: return littleEndian ? "ppc64le" : "ppc64"
        case 22: return is64Bit ? "s390x" : "s390"
        case 243: return is64Bit ? "riscv64" : "riscv32"
        case 258: return "loongarch64"
        case 2: return "sparc"
        case 43: return "sparc64"
        case 50: return "ia64"
        case 42: return "sh"
        case 15: return "parisc"
        case 9: return "s370"
        default: return "unknown-\(code)"
        }
    }

    /// The OCI/Docker platform architecture for a basefit machine name
    /// (`x86_64` → `amd64`), or nil when container platforms have none.
    public static func platformArchitecture(_ machine: String) -> String? {
        switch machine {
        case "x86_64": return "amd64"
        case "aarch64": return "arm64"
        case "arm": return "arm"
        case "i386": return "386"
        case "ppc64le": return "ppc64le"
        case "s390x": return "s390x"
        case "riscv64": return "riscv64"
        case "mips64el": return "mips64le"
        case "loongarch64": return "loong64"
        default: return nil
        }
    }
}
