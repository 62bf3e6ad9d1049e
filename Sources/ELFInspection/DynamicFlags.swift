/// Names of `DT_FLAGS_1` bits, spelled as binutils' readelf prints them.
enum DynamicFlags {
    static let pie: UInt64 = 0x0800_0000
    static let noDefaultLib: UInt64 = 0x800

    private static let names: [(UInt64, String)] = [
        (0x1, "NOW"), (0x2, "GLOBAL"), (0x4, "GROUP"), (0x8, "NODELETE"), (0x10, "LOADFLTR"),
        (0x20, "INITFIRST"), (0x40, "NOOPEN"), (0x80, "ORIGIN"), (0x100, "DIRECT"), (0x200, "TRANS"),
        (0x400, "INTERPOSE"), (0x800, "NODEFLIB"), (0x1000, "NODUMP"), (0x2000, "CONFALT"),
        (0x4000, "ENDFILTEE"), (0x8000, "DISPRELDNE"), (0x10000, "DISPRELPND"), (0x20000, "NODIRECT"),
        (0x40000, "IGNMULDEF"), (0x80000, "NOKSYMS"), (0x100000, "NOHDR"), (0x200000, "EDITED"),
        (0x400000, "NORELOC"), (0x800000, "SYMINTPOSE"), (0x100_0000, "GLOBAUDIT"),
        (0x200_0000, "SINGLETON"), (0x400_0000, "STUB"), (0x800_0000, "PIE"), (0x1000_0000, "KMOD"),
        (0x2000_0000, "WEAKFILTER"), (0x4000_0000, "NOCOMMON"),
    ]

    static func flags1Names(_ value: UInt64) -> [String] {
        var result = names.filter { value & $0.0 != 0 }.map(\.1)
        let known = names.reduce(UInt64(0)) { $0 | $1.0 }
        let unknown = value & ~known
        if unknown != 0 { result.append("0x" + String(unknown, radix: 16)) }
        return result
    }
}
