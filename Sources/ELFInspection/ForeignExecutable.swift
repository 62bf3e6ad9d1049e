/// A native file format that is not ELF: what a `.node` or `.so` built on macOS or
/// Windows holds. No Linux loader opens it ("invalid ELF header"), so basefit names it
/// instead of passing over it as "not ELF".
public enum ForeignExecutable: String, Sendable, Hashable {
    case machO = "Mach-O"
    case universalMachO = "universal Mach-O"
    case portableExecutable = "PE"

    /// The system such a file is built for.
    public var system: String {
        switch self {
        case .machO, .universalMachO: return "macOS"
        case .portableExecutable: return "Windows"
        }
    }

    /// The format the first bytes of a file announce, if it is one of these. `0xCAFEBABE`
    /// is also a Java class file: callers ask only of files named as native libraries.
    /// Reads the bytes in place (it runs for every file that is not ELF).
    public init?(prefix bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 2 else { return nil }
        if bytes[0] == 0x4d && bytes[1] == 0x5a {  // "MZ": the DOS stub every PE file starts with
            self = .portableExecutable
            return
        }
        guard bytes.count >= 4 else { return nil }
        switch (bytes[0], bytes[1], bytes[2], bytes[3]) {
        case (0xfe, 0xed, 0xfa, 0xce), (0xfe, 0xed, 0xfa, 0xcf), (0xce, 0xfa, 0xed, 0xfe), (0xcf, 0xfa, 0xed, 0xfe):
            self = .machO
        case (0xca, 0xfe, 0xba, 0xbe), (0xca, 0xfe, 0xba, 0xbf):
            self = .universalMachO
        default:
            return nil
        }
    }
}
