/// Names for ELF `e_machine` values, as binutils and users say them.
public enum Machine {
    /// The name basefit reports (`x86_64`, `aarch64`, `ppc64le` …), from the machine
    /// code, the ELF class and the byte order.
    public static func name(code: UInt16, is64Bit: Bool, littleEndian: Bool) -> String {
        switch code {
        case ELFMachine.i386: return "i386"
        case ELFMachine.x86_64: return is64Bit ? "x86_64" : "x32"  // ELFCLASS32 on x86-64: the x32 ABI
        case ELFMachine.aarch64: return "aarch64"
        case ELFMachine.arm: return "arm"
        case ELFMachine.mips: return is64Bit ? (littleEndian ? "mips64el" : "mips64") : (littleEndian ? "mipsel" : "mips")
        case ELFMachine.ppc: return "ppc"
        case ELFMachine.ppc64: return littleEndian ? "ppc64le" : "ppc64"
        case ELFMachine.s390: return is64Bit ? "s390x" : "s390"
        case ELFMachine.riscv: return is64Bit ? "riscv64" : "riscv32"
        case ELFMachine.loongarch: return "loongarch64"
        case ELFMachine.sparc: return "sparc"
        case ELFMachine.sparcV9: return "sparc64"
        case ELFMachine.ia64: return "ia64"
        case ELFMachine.superH: return "sh"
        case ELFMachine.parisc: return "parisc"
        case 9: return "s370"
        default: return "unknown-\(code)"
        }
    }

    /// The operating system an `EI_OSABI` value names when it is not Linux's (`freebsd`); nil
    /// for System V (0) and GNU/Linux (3), the two glibc's loader accepts, and for the
    /// architecture-specific values (64 and up, as ARM's EABI marks) that are not judged here.
    public static func operatingSystem(osABI: UInt8) -> String? {
        switch osABI {
        case 1: return "hpux"
        case 2: return "netbsd"
        case 6: return "solaris"
        case 7: return "aix"
        case 8: return "irix"
        case 9: return "freebsd"
        case 10: return "tru64"
        case 11: return "modesto"
        case 12: return "openbsd"
        case 13: return "openvms"
        case 14: return "nsk"
        case 15: return "aros"
        case 16: return "fenixos"
        case 17: return "cloudabi"
        case 18: return "openvos"
        case 255: return "standalone"
        default: return nil
        }
    }

    /// The OCI/Docker platform architecture for a basefit machine name
    /// (`x86_64` → `amd64`), or nil when container platforms have none.
    public static func platformArchitecture(_ machine: String) -> String? {
        Architecture(machine)?.platformName
    }
}
