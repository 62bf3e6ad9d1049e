/// What the caller wants beyond the standard facts.
public struct InspectionOptions: Sendable {
    /// Defined dynamic symbols whose names start with one of these prefixes are
    /// reported in `BinaryFacts.exports` (e.g. `napi_register_module_v1`).
    public var exportPrefixes: [String]
    /// Undefined dynamic symbols whose names start with one of these prefixes are
    /// reported in `BinaryFacts.imports` (at most `importLimit` of them), e.g.
    /// `node_module_register` and V8's `_ZN2v8` for a Node addon without N-API.
    public var importPrefixes: [String]
    public static let importLimit = 32
    /// Report the Node-API functions the file calls (`BinaryFacts.nodeAPIFunctions`): asked for
    /// a Node addon.
    public var nodeAPIFunctions: Bool

    public init(exportPrefixes: [String] = [], importPrefixes: [String] = [], nodeAPIFunctions: Bool = false) {
        self.exportPrefixes = exportPrefixes
        self.importPrefixes = importPrefixes
        self.nodeAPIFunctions = nodeAPIFunctions
    }

    /// Node-API's functions: `napi_*` (versions 1–8) and `node_api_*` (9 on).
    public static let nodeAPIPrefixes = ["napi_", "node_api_"]
}

/// Turns one ELF file (on disk or in memory) into `BinaryFacts`.
public enum ELFInspector {
    public static func inspect(path: String, options: InspectionOptions = .init()) throws(ELFError) -> BinaryFacts {
        let handle = try ELFHandle(path: path)
        return try facts(of: handle, options: options)
    }

    /// Inspects `name` inside the open directory `directory` without following a
    /// symbolic link there (the walker already decided what the entry is).
    public static func inspect(
        directory: Int32, name: String, path: String, options: InspectionOptions = .init()
    ) throws(ELFError) -> BinaryFacts {
        let handle = try ELFHandle(directory: directory, name: name, path: path, followLinks: false)
        return try facts(of: handle, options: options)
    }

    /// Inspects an entry of the open directory `directory` by the raw bytes of its
    /// name (for names that are not valid UTF-8); never follows a symbolic link.
    public static func inspect(
        directory: Int32, rawName: [UInt8], path: String, options: InspectionOptions = .init()
    ) throws(ELFError) -> BinaryFacts {
        let handle = try ELFHandle(directory: directory, rawName: rawName, path: path)
        return try facts(of: handle, options: options)
    }

    public static func inspect(
        bytes: [UInt8], path: String, options: InspectionOptions = .init()
    ) throws(ELFError) -> BinaryFacts {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(ELFError) in
                let handle = try ELFHandle(bytes: raw, path: path)
                return try facts(of: handle, options: options)
            }
        }
        return try result.get()
    }

    /// Inspects an ELF image in the caller's memory in place, without the copy
    /// `inspect(bytes:)` makes; libelf may use the memory as scratch while this runs.
    /// With `coverage` (a member inflated in part) only the covered bytes are read; a fact
    /// that needs any other byte makes it throw `.incomplete`, never a guess.
    public static func inspect(
        lending memory: UnsafeMutableRawBufferPointer, path: String, options: InspectionOptions = .init(),
        coverage: ByteCoverage? = nil
    ) throws(ELFError) -> BinaryFacts {
        let handle = try ELFHandle(lending: memory, path: path, coverage: coverage)
        let result: BinaryFacts
        do {
            result = try facts(of: handle, options: options)
        } catch {
            // A string or bytes outside the coverage answer nil, and the caller may call the
            // file malformed for it: the miss is the reason.
            try handle.checkCoverage()
            throw error
        }
        try handle.checkCoverage()
        return result
    }

    /// Where a file's late parts begin (the dynamic section and the section header table,
    /// which linkers put after the code), read from its first bytes only: `memory` holds the
    /// whole declared size, `coverage` the part that was read. Nil when the file has neither.
    public static func lateStart(
        lending memory: UnsafeMutableRawBufferPointer, path: String, coverage: ByteCoverage
    ) throws(ELFError) -> UInt64? {
        let handle = try ELFHandle(lending: memory, path: path, coverage: coverage)
        let dynamic = try handle.programHeaders().first(where: { $0.type == ProgramType.dynamic })?.offset
        let sections = try handle.sectionTableOffset()
        return [dynamic, sections == 0 ? nil : sections].compactMap { $0 }.min()
    }

    // ELF constants used below (values from the gABI and the GNU extensions).
    private enum ProgramType {
        static let load: UInt32 = 1, dynamic: UInt32 = 2, interp: UInt32 = 3, gnuStack: UInt32 = 0x6474_e551
    }
    private enum SectionType {
        static let dynamic: UInt32 = 6, note: UInt32 = 7, dynsym: UInt32 = 11
        static let verdef: UInt32 = 0x6fff_fffd, verneed: UInt32 = 0x6fff_fffe, versym: UInt32 = 0x6fff_ffff
    }
    /// `.gnu.version` entries and `vna_flags`/`vd_flags` bits (elf.h).
    enum VersionIndex {
        /// VERSYM_VERSION: the index without the hidden bit.
        static let mask: UInt16 = 0x7fff
        /// VER_FLG_BASE: the file's own name in `.gnu.version_d`.
        static let baseFlag: UInt16 = 0x1
        /// VER_FLG_WEAK.
        static let weakFlag: UInt16 = 0x2
    }
    /// `NT_GNU_PROPERTY_TYPE_0`: the note that carries the x86-64 ISA level.
    static let gnuPropertyNote: UInt32 = 5

    private enum DynamicTag {
        static let needed: Int64 = 1, stringTable: Int64 = 5, stringTableSize: Int64 = 10
        static let soname: Int64 = 14, rpath: Int64 = 15, runpath: Int64 = 29, relr: Int64 = 36
        /// DT_FILTER: a filtee the loader must load (a failure is fatal, as for DT_NEEDED).
        static let filter: Int64 = 0x7fff_ffff
        static let flags1: Int64 = 0x6fff_fffb
        static let verneed: Int64 = 0x6fff_fffe, verneedCount: Int64 = 0x6fff_ffff
    }

    static func facts(of handle: borrowing ELFHandle, options: InspectionOptions) throws(ELFError) -> BinaryFacts {
        let header = try handle.header()
        guard header.elfClass == 1 || header.elfClass == 2 else {
            throw ELFError(.unsupported, path: handle.path, location: "ELF header",
                           detail: "unknown ELF class \(header.elfClass)")
        }
        guard header.dataEncoding == 1 || header.dataEncoding == 2 else {
            throw ELFError(.unsupported, path: handle.path, location: "ELF header",
                           detail: "unknown data encoding \(header.dataEncoding)")
        }
        let is64Bit = header.elfClass == 2
        let littleEndian = header.dataEncoding == 1
        let fileType = ELFFileType(code: header.type)

        let programHeaders = try handle.programHeaders()
        var interpreter: String?
        if let interp = programHeaders.first(where: { $0.type == ProgramType.interp }) {
            guard let bytes = handle.bytes(at: interp.offset, count: min(interp.fileSize, 4096)) else {
                throw ELFError(.malformed, path: handle.path, location: "PT_INTERP",
                               detail: "the interpreter path lies outside the file")
            }
            interpreter = cString(bytes, at: 0)
        }
        let dynamicHeader = programHeaders.first(where: { $0.type == ProgramType.dynamic })

        let sections = try handle.sections()
        let loads = programHeaders.filter { $0.type == ProgramType.load }
        let dynamic = try readDynamic(handle, sections: sections, dynamicHeader: dynamicHeader, loads: loads)

        // Version needs and the symbols bound to each needed version.
        var needs: [LibraryVersionNeeds] = []
        var versionByIndex: [UInt16: (library: Int, version: Int)] = [:]
        let verneedOffset = dynamic.verneedAddress.map { fileOffset(of: $0, in: loads) }
        var rawNeeds: [RawVersionNeed] = []
        if let section = sections.first(where: { $0.type == SectionType.verneed }) {
            // The loader reads DT_VERNEED, not the section: they must be the same table.
            if let verneedOffset, verneedOffset?.offset != section.offset {
                throw ELFError(.malformed, path: handle.path, location: section.name ?? ".gnu.version_r",
                               detail: "the section (offset \(section.offset)) is not the table DT_VERNEED points at (\(verneedOffset.map { "offset \($0.offset)" } ?? "outside every PT_LOAD"))")
            }
            rawNeeds = try handle.versionNeeds(section)
        } else if let address = dynamic.verneedAddress {
            // No section header for it (stripped with sstrip, or removed on purpose):
            // read what the loader reads.
            guard let (offset, available) = verneedOffset ?? nil else {
                throw ELFError(.malformed, path: handle.path, location: "DT_VERNEED",
                               detail: "address 0x\(String(address, radix: 16)) lies in no PT_LOAD segment")
            }
            rawNeeds = try handle.versionNeeds(atFileOffset: offset, available: min(available, 1 << 20),
                                               expected: Int(clamping: dynamic.verneedCount ?? 0)) { dynamic.string(handle, at: $0) }
        }
        for need in rawNeeds {
            var entry = LibraryVersionNeeds(library: need.file, versions: [])
            for aux in need.versions {
                versionByIndex[aux.index & VersionIndex.mask] = (needs.count, entry.versions.count)
                entry.versions.append(VersionNeed(
                    version: SymbolVersion(aux.name), weak: aux.flags & VersionIndex.weakFlag != 0, symbols: []))
            }
            needs.append(entry)
        }
        var exports: [String] = []
        var imports: [String] = []
        // A program linked against OpenSSL may read the system's CA certificates.
        var importPrefixes = options.importPrefixes
        if dynamic.needed.contains(where: { $0.hasPrefix("libssl.so") || $0.hasPrefix("libcrypto.so") }) {
            importPrefixes += SystemFileUse.openSSLImports
        }
        // A musl-linked file (musl's loader, or Alpine's or Debian's name of its libc): the
        // functions a newer musl added that it calls.
        var muslSymbols: [String] = []
        let mayBeMusl = interpreter.map { LibcNames.family(ofLoader: $0) == .musl }
            ?? dynamic.needed.contains { $0.hasPrefix("libc.musl-") || $0 == "libc.so" }
        // The Node-API functions an addon calls (undefined, not weak): a Node that does not export
        // one refuses the addon (linked with BIND_NOW) or fails at the call.
        var nodeAPIFunctions: [String] = []
        if let dynsym = sections.first(where: { $0.type == SectionType.dynsym }),
           !versionByIndex.isEmpty || !options.exportPrefixes.isEmpty || !importPrefixes.isEmpty || mayBeMusl || options.nodeAPIFunctions {
            let versym = try sections.first(where: { $0.type == SectionType.versym }).map {
                section throws(ELFError) in try handle.versionIndices(section)
            } ?? []
            let wantsExports = !options.exportPrefixes.isEmpty
            let wantsImports = !importPrefixes.isEmpty
            try handle.forEachSymbol(dynsym, wantsName: { index, sectionIndex, binding in
                if sectionIndex == 0 {
                    // Node-API's functions are unversioned: versioned names (glibc's …) are not read for them.
                    let unversioned = index >= versym.count || versym[index] & VersionIndex.mask <= 1
                    return index > 0 && (wantsImports || (mayBeMusl && binding == 1) || (options.nodeAPIFunctions && binding == 1 && unversioned)
                        || (index < versym.count && versionByIndex[versym[index] & VersionIndex.mask] != nil))
                }
                return wantsExports && (binding == 1 || binding == 2)
            }) { index, symbol in
                guard let name = symbol.name, !name.isEmpty else { return }
                if symbol.sectionIndex == 0 {
                    if index < versym.count, let slot = versionByIndex[versym[index] & VersionIndex.mask] {
                        needs[slot.library].versions[slot.version].symbols.append(name)
                    }
                    if imports.count < InspectionOptions.importLimit, importPrefixes.contains(where: { name.hasPrefix($0) }) {
                        imports.append(name)
                    }
                    if mayBeMusl, symbol.binding == 1, MuslSymbols.firstRelease[name] != nil { muslSymbols.append(name) }
                    if options.nodeAPIFunctions, symbol.binding == 1,
                       InspectionOptions.nodeAPIPrefixes.contains(where: { name.hasPrefix($0) }) {
                        nodeAPIFunctions.append(name)
                    }
                } else if options.exportPrefixes.contains(where: { name.hasPrefix($0) }) {
                    exports.append(name)
                }
            }
        }
        for library in needs.indices {
            for version in needs[library].versions.indices {
                needs[library].versions[version].symbols = Array(Set(needs[library].versions[version].symbols)).sorted()
            }
        }

        var definitions: [String] = []
        if let section = sections.first(where: { $0.type == SectionType.verdef }) {
            for definition in try handle.versionDefinitions(section) where definition.flags & VersionIndex.baseFlag == 0 {
                if let name = definition.names.first { definitions.append(name) }
            }
        }

        var isaLevel: Int?
        for section in sections where section.type == SectionType.note && section.name == ".note.gnu.property" {
            for note in try handle.notes(section) where note.name == "GNU" && note.type == gnuPropertyNote {
                if let level = x86ISALevel(note.descriptor, is64Bit: is64Bit, littleEndian: littleEndian) {
                    isaLevel = max(isaLevel ?? 0, level)
                }
            }
        }

        var go: GoBuildInfo?
        if let section = sections.first(where: { $0.name == ".go.buildinfo" }) {
            go = GoBuildInfo.parse(try handle.sectionBytes(section, limit: 64 * 1024))
        }
        var systemFiles: [SystemFileUse] = []
        if let table = sections.first(where: { $0.name == ".gopclntab" }) {
            systemFiles = SystemFileUse.goUses(in: try handle.sectionBytes(table, limit: Int(ELFLimits.sectionBytes)))
        }
        if let call = imports.first(where: { name in SystemFileUse.openSSLImports.contains(name) }) {
            systemFiles.append(SystemFileUse(file: .caCertificates, evidence: call))
            imports.removeAll { SystemFileUse.openSSLImports.contains($0) && !options.importPrefixes.contains(where: $0.hasPrefix) }
        }

        let flags1 = dynamic.flags1 ?? 0
        let linkage = linkageOf(fileType: fileType, interpreter: interpreter, needed: dynamic.needed,
                                hasDynamic: dynamicHeader != nil || dynamic.found, flags1: flags1)
        let libc = libcOf(interpreter: interpreter, needed: dynamic.needed, needs: needs, linkage: linkage)
        var facts = BinaryFacts(
            is64Bit: is64Bit, littleEndian: littleEndian,
            machine: Machine.name(code: header.machine, is64Bit: is64Bit, littleEndian: littleEndian),
            machineCode: header.machine, fileType: fileType,
            pie: fileType == .sharedObject && (flags1 & DynamicFlags.pie != 0 || interpreter != nil),
            interpreter: interpreter, soname: dynamic.soname, needed: dynamic.needed,
            rpath: dynamic.rpath, runpath: dynamic.runpath,
            flags1: DynamicFlags.flags1Names(flags1), versionNeeds: needs,
            minimum: minimumVersions(needs), versionDefinitions: definitions,
            exports: Array(Set(exports)).sorted(), imports: Array(Set(imports)).sorted(), systemFiles: systemFiles, go: go, x86ISALevel: isaLevel,
            libc: libc, linkage: linkage)
        if libc == .musl { facts.muslSymbols = Array(Set(muslSymbols)).sorted() }
        facts.nodeAPIFunctions = Array(Set(nodeAPIFunctions)).sorted()
        facts.executableStack = executableStack(programHeaders.first { $0.type == ProgramType.gnuStack }, machine: header.machine)
        facts.osABI = header.osABI
        facts.packedRelocations = dynamic.packedRelocations
        return facts
    }

    /// Whether the file asks for an executable stack: PT_GNU_STACK with PF_X, or no
    /// PT_GNU_STACK where glibc's default for the architecture is executable (every one but
    /// AArch64's, whose stackinfo.h defaults to PF_R|PF_W).
    static func executableStack(_ header: RawProgramHeader?, machine: UInt16) -> Bool {
        if let header { return header.flags & 1 != 0 }
        return machine != 183
    }

    // MARK: Dynamic section

    private struct DynamicInfo {
        var found = false
        var needed: [String] = []
        var soname: String?
        var rpath: String?
        var runpath: String?
        var flags1: UInt64?
        /// DT_RELR: relative relocations packed (`ld -z pack-relative-relocs`).
        var packedRelocations = false
        /// DT_VERNEED (an address) and DT_VERNEEDNUM: where the loader finds the version needs.
        var verneedAddress: UInt64?
        var verneedCount: UInt64?
        /// The dynamic string table: a section index, or the bytes DT_STRTAB points at.
        var stringTable: Int?
        var stringBytes: [UInt8] = []

        func string(_ handle: borrowing ELFHandle, at offset: UInt64) -> String? {
            if let stringTable { return handle.string(table: stringTable, offset: offset) }
            return offset < UInt64(stringBytes.count) ? cString(stringBytes, at: Int(offset)) : nil
        }
    }

    /// The file offset of a virtual address and the bytes of its PT_LOAD after it.
    static func fileOffset(of address: UInt64, in loads: [RawProgramHeader]) -> (offset: UInt64, available: UInt64)? {
        guard let load = loads.first(where: { address >= $0.virtualAddress && address - $0.virtualAddress < $0.fileSize }) else {
            return nil
        }
        let delta = address - load.virtualAddress
        let (offset, overflow) = load.offset.addingReportingOverflow(delta)
        return overflow ? nil : (offset, load.fileSize - delta)
    }

    private static func readDynamic(
        _ handle: borrowing ELFHandle, sections: [RawSection], dynamicHeader: RawProgramHeader?,
        loads: [RawProgramHeader]
    ) throws(ELFError) -> DynamicInfo {
        var info = DynamicInfo()
        let entries: [RawDynamicEntry]
        var tableIndex: Int?
        var tableBytes: [UInt8] = []
        if let section = sections.first(where: { $0.type == SectionType.dynamic }) {
            entries = try handle.dynamicEntries(.section(section))
            tableIndex = Int(section.link)
        } else if let dynamicHeader {
            // No section headers (stripped with sstrip, or hostile): follow PT_DYNAMIC
            // and find the string table through DT_STRTAB's address in a PT_LOAD.
            entries = try handle.dynamicEntries(.programHeader(dynamicHeader))
            if let address = entries.first(where: { $0.tag == DynamicTag.stringTable })?.value,
               let size = entries.first(where: { $0.tag == DynamicTag.stringTableSize })?.value,
               let (offset, available) = fileOffset(of: address, in: loads) {
                // A hostile PT_LOAD can put its offset near 2^64; `fileOffset` and
                // `bytes(at:count:)` refuse what lies outside the file.
                tableBytes = handle.bytes(at: offset, count: min(size, available)) ?? []
            }
        } else {
            return info
        }
        info.found = true
        info.stringTable = tableIndex
        info.stringBytes = tableBytes
        let names = info
        // A name that cannot be read is an error, not a gap: dropping a DT_NEEDED
        // would make basefit call an image compatible that lacks the library.
        func lookup(_ offset: UInt64, _ tag: String, _ index: Int) throws(ELFError) -> String {
            guard let name = names.string(handle, at: offset) else {
                throw ELFError(.malformed, path: handle.path, location: tableIndex == nil ? "PT_DYNAMIC" : ".dynamic",
                               detail: "\(tag) (entry \(index)) names offset \(offset), which is not a string in the dynamic string table")
            }
            return name
        }
        for (index, entry) in entries.enumerated() {
            switch entry.tag {
            case DynamicTag.needed: info.needed.append(try lookup(entry.value, "DT_NEEDED", index))
            // glibc maps a DT_FILTER name with the DT_NEEDED ones (`_dl_map_object_deps`), and one
            // it cannot find stops the load: a need like any other. (DT_AUXILIARY's may be missing.)
            case DynamicTag.filter: info.needed.append(try lookup(entry.value, "DT_FILTER", index))
            case DynamicTag.soname: info.soname = try lookup(entry.value, "DT_SONAME", index)
            case DynamicTag.rpath: info.rpath = try lookup(entry.value, "DT_RPATH", index)
            case DynamicTag.runpath: info.runpath = try lookup(entry.value, "DT_RUNPATH", index)
            case DynamicTag.flags1: info.flags1 = entry.value
            case DynamicTag.relr: info.packedRelocations = true
            case DynamicTag.verneed: info.verneedAddress = entry.value
            case DynamicTag.verneedCount: info.verneedCount = entry.value
            default: break
            }
        }
        return info
    }

    // MARK: Verdicts

    static func linkageOf(
        fileType: ELFFileType, interpreter: String?, needed: [String], hasDynamic: Bool, flags1: UInt64
    ) -> Linkage {
        if fileType == .relocatable { return .relocatable }
        if interpreter != nil || !needed.isEmpty { return .dynamic }
        if !hasDynamic { return .static }
        if fileType == .sharedObject && flags1 & DynamicFlags.pie != 0 { return .staticPIE }
        if fileType == .executable { return .static }
        return .dynamic
    }

    static func libcOf(interpreter: String?, needed: [String], needs: [LibraryVersionNeeds], linkage: Linkage) -> LibcFamily {
        if let interpreter, let family = LibcNames.family(ofLoader: interpreter) { return family }
        for library in needed {
            if let family = LibcNames.family(ofNeeded: library) { return family }
        }
        if needs.contains(where: { $0.versions.contains { $0.version.family == "GLIBC" } }) { return .glibc }
        switch linkage {
        case .static, .staticPIE: return .none
        case .relocatable: return .unknown
        case .dynamic: return interpreter == nil ? .either : .unknown
        }
    }

    /// The highest numbered version per family over all libraries, with every
    /// undefined symbol bound to exactly that version (a glibc feature marker such as
    /// `GLIBC_ABI_DT_RELR` counts as the first glibc release that defines it).
    public static func minimumVersions(_ needs: [LibraryVersionNeeds]) -> [String: MinimumVersion] {
        var result: [String: MinimumVersion] = [:]
        for library in needs {
            for need in library.versions {
                // A glibc feature marker counts as the first release that defines it.
                let release = need.version.number == nil ? GlibcFeatureVersion.firstRelease(of: need.version) : nil
                guard let number = need.version.number ?? release else { continue }
                let family = release == nil ? need.version.family : "GLIBC"
                if let current = result[family] {
                    if number > current.version {
                        result[family] = MinimumVersion(family: family, version: number, versionName: need.version.name,
                                                        library: library.library, symbols: need.symbols)
                    } else if number == current.version {
                        result[family]!.symbols = Array(Set(current.symbols + need.symbols)).sorted()
                    }
                } else {
                    result[family] = MinimumVersion(family: family, version: number, versionName: need.version.name,
                                                    library: library.library, symbols: need.symbols)
                }
            }
        }
        return result
    }

    /// The x86-64 ISA level a GNU property note says the file needs.
    static func x86ISALevel(_ descriptor: [UInt8], is64Bit: Bool, littleEndian: Bool) -> Int? {
        let alignment = is64Bit ? 8 : 4
        func word(_ at: Int) -> UInt32 {
            let bytes = descriptor[at..<at + 4]
            return bytes.enumerated().reduce(UInt32(0)) { value, pair in
                let shift = littleEndian ? pair.offset * 8 : (3 - pair.offset) * 8
                return value | UInt32(pair.element) << UInt32(shift)
            }
        }
        var cursor = 0
        var level: Int?
        while cursor + 8 <= descriptor.count {
            let type = word(cursor)
            let size = Int(word(cursor + 4))
            cursor += 8
            guard size <= descriptor.count - cursor else { break }
            // GNU_PROPERTY_X86_ISA_1_NEEDED (binutils ≥ 2.36) and its older number.
            if (type == 0xc000_8002 || type == 0xc000_0002) && size >= 4 {
                let bits = word(cursor)
                for (bit, value) in [(UInt32(8), 4), (4, 3), (2, 2), (1, 1)] where bits & bit != 0 {
                    level = max(level ?? 0, value)
                    break
                }
            }
            cursor += (size + alignment - 1) / alignment * alignment
        }
        return level
    }
}

/// The NUL-terminated string at `offset` of `bytes` (to the end when unterminated).
func cString(_ bytes: [UInt8], at offset: Int) -> String {
    guard offset < bytes.count else { return "" }
    let end = bytes[offset...].firstIndex(of: 0) ?? bytes.count
    return String(decoding: bytes[offset..<end], as: UTF8.self)
}
