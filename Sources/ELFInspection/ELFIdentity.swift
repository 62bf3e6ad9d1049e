/// What the first 20 bytes of a file say: whether it is ELF, its class, byte order,
/// type and machine. The one place the ELF magic and `e_ident` are read without libelf
/// (a cheap probe before a file is inspected whole).
public struct ELFIdentity: Sendable, Hashable {
    /// `\x7fELF`.
    public static let magic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]
    /// Bytes needed for `init(prefix:)`: e_ident, e_type and e_machine.
    public static let prefixLength = 20

    public var is64Bit: Bool
    public var littleEndian: Bool
    public var fileType: ELFFileType
    public var machineCode: UInt16

    /// True when `bytes` starts with the ELF magic.
    public static func hasMagic(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: magic)
    }

    /// Nil unless `prefix` holds a well-formed ELF identification (class and data encoding valid).
    public init?(prefix: [UInt8]) {
        guard prefix.count >= Self.prefixLength, Self.hasMagic(prefix),
              prefix[4] == 1 || prefix[4] == 2, prefix[5] == 1 || prefix[5] == 2 else { return nil }
        let little = prefix[5] == 1
        littleEndian = little
        is64Bit = prefix[4] == 2
        func half(_ at: Int) -> UInt16 {
            little ? UInt16(prefix[at]) | UInt16(prefix[at + 1]) << 8 : UInt16(prefix[at]) << 8 | UInt16(prefix[at + 1])
        }
        fileType = ELFFileType(code: half(16))
        machineCode = half(18)
    }

    public var architecture: Architecture { Architecture(elfMachine: machineCode, is64Bit: is64Bit, littleEndian: littleEndian) }

    /// basefit's machine name (`x86_64`, `aarch64`, `ppc64` …).
    public var machine: String { Machine.name(code: machineCode, is64Bit: is64Bit, littleEndian: littleEndian) }

    /// A program or a shared object (not an object file or a core dump).
    public var isLoadable: Bool { fileType == .executable || fileType == .sharedObject }
}
