// Raw on-disk records as libelf hands them over, kept apart from the friendly
// `BinaryFacts`. Only `LibElf.swift` creates these; `ELFInspector` interprets them.

/// The ELF header fields basefit reads.
struct RawHeader: Sendable {
    var elfClass: UInt8        // EI_CLASS: 1 = 32-bit, 2 = 64-bit
    var dataEncoding: UInt8    // EI_DATA: 1 = little endian, 2 = big endian
    var osABI: UInt8
    var type: UInt16
    var machine: UInt16
    var flags: UInt32
    var entry: UInt64
}

struct RawProgramHeader: Sendable {
    var type: UInt32
    var offset: UInt64
    var virtualAddress: UInt64
    var fileSize: UInt64
    var memorySize: UInt64
    /// p_flags (PF_X = 1, PF_W = 2, PF_R = 4).
    var flags: UInt32 = 0
}

struct RawSection: Sendable {
    var index: Int
    var name: String?
    var type: UInt32
    var flags: UInt64
    var address: UInt64
    var offset: UInt64
    var size: UInt64
    var link: UInt32
    var info: UInt32
}

struct RawDynamicEntry: Sendable {
    var tag: Int64
    var value: UInt64
}

/// One `Elf_Vernaux`: a version required from a library.
struct RawVersionAux: Sendable {
    var name: String
    var flags: UInt16
    var index: UInt16          // vna_other: the index `.gnu.version` uses
}

/// One `Elf_Verneed`: a library and the versions required from it.
struct RawVersionNeed: Sendable {
    var file: String
    var versions: [RawVersionAux]
}

/// One `Elf_Verdef` with its first name (the version it defines).
struct RawVersionDefinition: Sendable {
    var index: UInt16
    var flags: UInt16
    var names: [String]
}

struct RawSymbol: Sendable {
    var name: String?
    var sectionIndex: UInt16   // SHN_UNDEF (0) for undefined symbols
    var binding: UInt8
    var type: UInt8
}

struct RawNote: Sendable {
    var name: String
    var type: UInt32
    var descriptor: [UInt8]
}

/// Where a dynamic-section walk found its entries.
enum DynamicSource: Sendable {
    case section(RawSection)
    case programHeader(RawProgramHeader)
}
