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

    /// The OCI/Docker platform architecture for a basefit machine name
    /// (`x86_64` → `amd64`), or nil when container platforms have none.
    public static func platformArchitecture(_ machine: String) -> String? {
        Architecture(machine)?.platformName
    }
}
