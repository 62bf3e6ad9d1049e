/// Which C library a file needs from the image.
public enum LibcFamily: String, Sendable, Codable, Hashable, CaseIterable {
    case glibc
    case musl
    /// Statically linked: brings its own libc (or none), needs none from the image.
    case none
    /// Dynamically linked but needs no libc itself (pure glue); loads on either.
    case either
    case unknown
}

public enum Linkage: String, Sendable, Codable, Hashable {
    case dynamic
    case `static`
    case staticPIE = "static-pie"
    /// An object file (`ET_REL`): not loadable by itself.
    case relocatable
}

public enum ELFFileType: String, Sendable, Codable, Hashable {
    case relocatable = "REL"
    case executable = "EXEC"
    case sharedObject = "DYN"
    case core = "CORE"
    case other = "OTHER"

    init(code: UInt16) {
        switch code {
        case 1: self = .relocatable
        case 2: self = .executable
        case 3: self = .sharedObject
        case 4: self = .core
        default: self = .other
        }
    }
}

/// One version a file requires from one library, with the undefined symbols bound to it.
public struct VersionNeed: Sendable, Codable, Hashable {
    public var version: SymbolVersion
    /// `VER_FLG_WEAK`: the loader only warns when the version is missing.
    public var weak: Bool
    public var symbols: [String]

    public init(version: SymbolVersion, weak: Bool, symbols: [String]) {
        self.version = version
        self.weak = weak
        self.symbols = symbols
    }
}

/// The versions a file requires from one library (`.gnu.version_r`).
public struct LibraryVersionNeeds: Sendable, Codable, Hashable {
    public var library: String
    public var versions: [VersionNeed]

    public init(library: String, versions: [VersionNeed]) {
        self.library = library
        self.versions = versions
    }
}

/// The highest version of one family (GLIBC, GLIBCXX …) a file requires, where
/// it comes from, and the undefined symbols that force it.
public struct MinimumVersion: Sendable, Codable, Hashable {
    public var family: String
    public var version: VersionNumber
    public var versionName: String
    public var library: String
    public var symbols: [String]
}

/// What `.go.buildinfo` says about a Go binary.
public struct GoBuildInfo: Sendable, Codable, Hashable {
    /// `go1.19.8`, or nil when the build info uses the pre-1.18 pointer layout.
    public var version: String?
    /// True when the build settings say `CGO_ENABLED=1`, false when `0`,
    /// nil when the binary does not record it.
    public var cgo: Bool?
}

/// Everything basefit knows about one ELF file. Missing values are nil.
public struct BinaryFacts: Sendable, Codable, Hashable {
    public var is64Bit: Bool
    public var littleEndian: Bool
    public var machine: String
    public var machineCode: UInt16
    public var fileType: ELFFileType
    public var pie: Bool
    public var interpreter: String?
    public var soname: String?
    /// DT_NEEDED names, and DT_FILTER names (filtees the loader must load too), in the order of
    /// the dynamic section.
    public var needed: [String]
    public var rpath: String?
    public var runpath: String?
    /// Names of the `DT_FLAGS_1` bits that are set (`NOW`, `PIE`, `NODEFLIB` …).
    public var flags1: [String]
    public var versionNeeds: [LibraryVersionNeeds]
    /// Highest required version per family, keyed by family.
    public var minimum: [String: MinimumVersion]
    /// Versions this file defines (`.gnu.version_d`), without the base entry.
    public var versionDefinitions: [String]
    /// Dynamic symbols this file defines whose names the caller asked for.
    public var exports: [String]
    /// Undefined dynamic symbols whose names the caller asked for.
    public var imports: [String] = []
    /// Files beyond libraries the program visibly reads at run time (CA roots, tzdata, passwd).
    public var systemFiles: [SystemFileUse] = []
    public var go: GoBuildInfo?
    /// x86-64 micro-architecture level from `GNU_PROPERTY_X86_ISA_1_NEEDED` (1…4).
    public var x86ISALevel: Int?
    public var libc: LibcFamily
    public var linkage: Linkage
    /// It asks for an executable stack (PT_GNU_STACK with PF_X, or none where the
    /// architecture's default is executable): glibc 2.41 and later refuse to dlopen it.
    public var executableStack = false
    /// `EI_OSABI`: 0 (System V) or 3 (GNU/Linux) for a Linux build.
    public var osABI: UInt8 = 0
    /// Functions of `MuslSymbols` a musl-linked file needs (undefined, not weak): what a musl
    /// older than the one it was built against does not have.
    public var muslSymbols: [String] = []
    /// Node-API functions (`napi_*`, `node_api_*`) the file calls (undefined, not weak), when
    /// asked (`InspectionOptions.nodeAPIFunctions`): a Node that does not export one of them
    /// cannot run the addon.
    public var nodeAPIFunctions: [String] = []
    /// DT_RELR: its relative relocations are packed, which a loader applies only from glibc 2.36
    /// (musl 1.2.4); an older one ignores them and the file crashes.
    public var packedRelocations = false

    /// The architecture the file is built for; a file for another operating system (`EI_OSABI`
    /// FreeBSD …, which glibc's loader refuses: "ELF file OS ABI invalid") is a platform of its
    /// own (`freebsd-x86_64`), so no Linux image takes it.
    public var architecture: Architecture {
        if let system = Machine.operatingSystem(osABI: osABI) { return .other(system + "-" + machine) }
        return Architecture(elfMachine: machineCode, is64Bit: is64Bit, littleEndian: littleEndian)
    }
}
