// The one gateway to libelf (elfutils). Every C call basefit makes on an ELF
// file lives in this file; everything above it sees only the `Raw…` records.

import CLibElf
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Upper bounds on every count or chain libelf lets us walk. A hostile file can
/// claim billions of entries; basefit stops at these and says so.
public enum ELFLimits {
    public static let programHeaders = 4_096
    public static let sections = 65_536
    public static let dynamicEntries = 100_000
    public static let versionNeedFiles = 4_096
    public static let versionAuxPerFile = 4_096
    /// Version entries (needs plus their aux entries, or definitions plus their
    /// names) read from one section in all: entries can share aux chains, so the
    /// per-chain bounds alone would allow millions.
    public static let versionEntriesPerSection = 65_536
    public static let versionDefinitions = 16_384
    public static let symbols = 2_000_000
    public static let notes = 4_096
    /// Bytes of one section basefit reads (the dynamic symbol table, string table,
    /// version tables, notes). Real ones are a few MB; a 2 GB section is an attack.
    public static let sectionBytes: UInt64 = 256 * 1024 * 1024
}

/// libelf must be told the ELF version once per process before any other call.
private let libelfReady: Bool = elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE)

private func libelfMessage() -> String {
    if let message = elf_errmsg(-1) { return String(cString: message) }
    return "unknown libelf error"
}

/// Owns one `Elf*` and the file descriptor (or memory) behind it; releases both.
struct ELFHandle: ~Copyable {
    private let elf: OpaquePointer
    private let descriptor: Int32
    private let memory: UnsafeMutableRawBufferPointer?
    let path: String
    /// Size of the underlying file or buffer in bytes.
    let byteCount: UInt64
    /// For an image read in part: what it holds, and the first read outside that.
    private let coverage: ByteCoverage?
    private let misses: CoverageMisses?

    /// Opens `name` relative to the open directory `directory` (or `path` itself with
    /// `AT_FDCWD`), refuses anything but a regular file, and checks the ELF magic
    /// before libelf sees the file. `followLinks: false` refuses a symbolic link
    /// swapped in after the directory was read.
    init(directory: Int32 = AT_FDCWD, name: String? = nil, path: String, followLinks: Bool = true) throws(ELFError) {
        let fd = openat(directory, name ?? path, Self.openFlags(followLinks: followLinks))
        try self.init(opened: fd, path: path)
    }

    /// Opens an entry whose name is not valid UTF-8 (a Swift String cannot hold it)
    /// by its raw bytes, relative to the open directory; never follows a link.
    init(directory: Int32, rawName: [UInt8], path: String) throws(ELFError) {
        let fd = (rawName + [0]).withUnsafeBytes { bytes in
            openat(directory, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Self.openFlags(followLinks: false))
        }
        try self.init(opened: fd, path: path)
    }

    private static func openFlags(followLinks: Bool) -> Int32 {
        O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (followLinks ? 0 : O_NOFOLLOW)
    }

    /// Takes over `fd` (the result of an open: negative when it failed).
    private init(opened fd: Int32, path: String) throws(ELFError) {
        guard fd >= 0 else {
            throw ELFError(.unreadable, path: path, detail: String(cString: strerror(errno)))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ELFError(.unreadable, path: path, detail: message)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ELFError(.notELF, path: path, detail: "not a regular file")
        }
        var ident: (UInt64, UInt64) = (0, 0)
        let got = withUnsafeMutableBytes(of: &ident) { pread(fd, $0.baseAddress, 16, 0) }
        guard got >= 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ELFError(.unreadable, path: path, detail: message)
        }
        let isELF = withUnsafeBytes(of: ident) { ELFIdentity.hasMagic($0) }
        guard got >= 4, isELF else {
            close(fd)
            throw withUnsafeBytes(of: ident) { Self.notELF(path, UnsafeRawBufferPointer(rebasing: $0.prefix(max(0, got)))) }
        }
        guard got == 16 else {
            close(fd)
            throw ELFError(.malformed, path: path, location: "ELF header",
                           detail: "file ends after \(got) bytes, inside the identification bytes")
        }
        // ELF_C_READ, not ELF_C_READ_MMAP: libelf then reads each table with pread when
        // asked, so only what basefit looks at is read, and a file truncated while it
        // is being scanned gives a read error instead of SIGBUS on a mapped page.
        let headerSize = withUnsafeBytes(of: ident) { $0[4] == 1 ? 52 : 64 }
        guard info.st_size >= headerSize else {
            close(fd)
            throw Self.shortHeader(path, size: Int(info.st_size), headerSize: headerSize)
        }
        guard libelfReady, let elf = elf_begin(fd, ELF_C_READ, nil) else {
            let message = libelfMessage()
            close(fd)
            throw ELFError(.malformed, path: path, location: "ELF header", detail: message)
        }
        guard elf_kind(elf) == ELF_K_ELF else {
            elf_end(elf)
            close(fd)
            throw Self.notRecognised(path)
        }
        self.elf = elf
        self.descriptor = fd
        self.memory = nil
        self.path = path
        self.byteCount = UInt64(info.st_size)
        self.coverage = nil
        self.misses = nil
    }

    /// Reads an ELF image held in memory (an archive member, a fuzz input). The bytes
    /// are copied once into a buffer the handle owns.
    init(bytes: UnsafeRawBufferPointer, path: String) throws(ELFError) {
        try Self.checkIdentification(bytes, path: path)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
        buffer.copyMemory(from: bytes)
        try self.init(memory: buffer, owned: true, path: path)
    }

    /// Reads an ELF image in the caller's memory without copying it (a wheel member of
    /// many megabytes: the copy and its page faults cost as much as a quarter of the
    /// inflating). The memory must outlive the handle; libelf may use it as scratch.
    /// With `coverage`, only the bytes it covers are the file's (the rest of the memory is
    /// not), and every read is held against it.
    init(lending memory: UnsafeMutableRawBufferPointer, path: String, coverage: ByteCoverage? = nil) throws(ELFError) {
        if let coverage, !coverage.covers(0, count: UInt64(min(memory.count, memory.count >= 5 && memory[4] == 1 ? 52 : 64))) {
            throw Self.incomplete(path, "ELF header", 0, 64)
        }
        try Self.checkIdentification(UnsafeRawBufferPointer(memory), path: path)
        try self.init(memory: memory, owned: false, path: path, coverage: coverage)
    }

    /// The error for a file without the ELF magic, with what its first bytes (up to 16) say it is.
    private static func notELF(_ path: String, _ prefix: UnsafeRawBufferPointer) -> ELFError {
        var error = ELFError(.notELF, path: path, detail: "no ELF magic")
        error.foreign = ForeignExecutable(prefix: prefix)
        error.content = NonELFContent(prefix: prefix)
        return error
    }

    private static func checkIdentification(_ bytes: UnsafeRawBufferPointer, path: String) throws(ELFError) {
        let count = bytes.count
        guard count >= 4, bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46 else {
            throw notELF(path, UnsafeRawBufferPointer(rebasing: bytes.prefix(16)))
        }
        guard count >= 16 else {
            throw ELFError(.malformed, path: path, location: "ELF header",
                           detail: "file ends after \(count) bytes, inside the identification bytes")
        }
        let headerSize = bytes[4] == 1 ? 52 : 64
        guard count >= headerSize else { throw Self.shortHeader(path, size: count, headerSize: headerSize) }
    }

    /// `memory` has passed `checkIdentification`; with `owned` the handle deallocates it
    /// (also when this throws).
    private init(memory buffer: UnsafeMutableRawBufferPointer, owned: Bool, path: String, coverage: ByteCoverage? = nil) throws(ELFError) {
        let count = buffer.count
        guard libelfReady,
              let elf = elf_memory(buffer.baseAddress!.assumingMemoryBound(to: CChar.self), count)
        else {
            if owned { buffer.deallocate() }
            throw Self.unreadBytes(coverage, count: count, path: path) ?? ELFError(.malformed, path: path, location: "ELF header", detail: libelfMessage())
        }
        guard elf_kind(elf) == ELF_K_ELF else {
            elf_end(elf)
            if owned { buffer.deallocate() }
            throw Self.unreadBytes(coverage, count: count, path: path) ?? Self.notRecognised(path)
        }
        self.elf = elf
        self.descriptor = -1
        self.memory = owned ? buffer : nil
        self.path = path
        self.byteCount = UInt64(count)
        self.coverage = coverage
        self.misses = coverage == nil ? nil : CoverageMisses()
    }

    deinit {
        elf_end(elf)
        if descriptor >= 0 { close(descriptor) }
        memory?.deallocate()
    }

    /// libelf reads the header tables when it opens an image: if it refuses an image read in
    /// part, the refusal may come from bytes that were not read, so it is `.incomplete` (the
    /// caller reads the whole file and learns the real error).
    private static func unreadBytes(_ coverage: ByteCoverage?, count: Int, path: String) -> ELFError? {
        guard let coverage else { return nil }
        var position: UInt64 = 0
        for range in coverage.ranges where position < UInt64(count) {
            if range.lowerBound > position { break }
            position = max(position, range.upperBound)
        }
        guard position < UInt64(count) else { return nil }
        let next = coverage.ranges.first { $0.lowerBound > position }?.lowerBound ?? UInt64(count)
        return incomplete(path, "ELF header", position, min(next, UInt64(count)) - position)
    }

    private static func shortHeader(_ path: String, size: Int, headerSize: Int) -> ELFError {
        ELFError(.malformed, path: path, location: "ELF header",
                 detail: "file ends after \(size) bytes, inside the \(headerSize)-byte ELF header")
    }

    private static func notRecognised(_ path: String) -> ELFError {
        ELFError(.malformed, path: path, location: "ELF header", detail: "libelf does not recognise the file as ELF")
    }

    private func malformed(_ location: String, _ detail: String? = nil) -> ELFError {
        ELFError(.malformed, path: path, location: location, detail: detail ?? libelfMessage())
    }

    // MARK: Coverage

    /// Throws when `offset..<offset+size` is not all covered (an image read in part).
    private func require(_ location: String, _ offset: UInt64, _ size: UInt64) throws(ELFError) {
        guard uncovered(offset, size) else { return }
        throw Self.incomplete(path, location, offset, size)
    }

    /// Whether some byte of `offset..<offset+size` inside the file lies outside the coverage.
    /// Bytes past the file's end are not "unread": the checks for a whole file judge them.
    private func uncovered(_ offset: UInt64, _ size: UInt64) -> Bool {
        guard let coverage, offset < byteCount else { return false }
        return !coverage.covers(offset, count: min(size, byteCount - offset))
    }

    private static func incomplete(_ path: String, _ location: String, _ offset: UInt64, _ size: UInt64) -> ELFError {
        var error = ELFError(.incomplete, path: path, location: location, detail: "bytes \(offset)+\(size) were not read")
        let (end, overflow) = offset.addingReportingOverflow(size)
        error.missing = offset..<(overflow ? UInt64.max : end)
        return error
    }

    /// For reads that answer nil instead of throwing: whether the bytes are covered; a miss
    /// is kept, and `checkCoverage` throws it after the inspection.
    private func covered(_ location: String, _ offset: UInt64, _ size: UInt64) -> Bool {
        guard uncovered(offset, size) else { return true }
        misses?.record(location: location, offset: offset, size: size)
        return false
    }

    /// Throws the first miss of a nil-answering read (their callers may have gone on without the value).
    func checkCoverage() throws(ELFError) {
        if let miss = misses?.first { throw Self.incomplete(path, miss.location, miss.offset, miss.size) }
    }

    /// A section's place in the file, by index (for string tables read through libelf).
    private func placement(ofSection index: Int) -> (offset: UInt64, size: UInt64)? {
        guard let scn = elf_getscn(elf, index) else { return nil }
        var shdr = GElf_Shdr()
        guard gelf_getshdr(scn, &shdr) != nil else { return nil }
        return (shdr.sh_offset, shdr.sh_type == Self.sectionNoBits ? 0 : shdr.sh_size)
    }

    /// A string table is read whole by libelf: the section must be covered.
    private func tableCovered(_ index: Int) -> Bool {
        guard coverage != nil else { return true }
        // No such section: libelf answers nil itself, as for a whole file.
        guard let place = placement(ofSection: index) else { return true }
        return covered("section \(index)", place.offset, place.size)
    }

    // MARK: Header and tables

    func header() throws(ELFError) -> RawHeader {
        var ehdr = GElf_Ehdr()
        guard gelf_getehdr(elf, &ehdr) != nil else { throw malformed("ELF header") }
        let ident = withUnsafeBytes(of: ehdr.e_ident) { Array($0) }
        return RawHeader(
            elfClass: ident[Int(EI_CLASS)], dataEncoding: ident[Int(EI_DATA)],
            osABI: ident[Int(EI_OSABI)], type: ehdr.e_type, machine: ehdr.e_machine,
            flags: ehdr.e_flags, entry: ehdr.e_entry)
    }

    /// Checks that a header table of `count` entries at `offset` lies inside the file:
    /// libelf quietly treats a table past the end as absent, which would hide the
    /// damage (and, for section headers, every version requirement).
    private func checkTable(_ location: String, offset: UInt64, count: Int, entrySize: Int) throws(ELFError) {
        guard count > 0 else { return }
        let (bytes, overflow) = UInt64(count).multipliedReportingOverflow(by: UInt64(entrySize))
        guard !overflow, offset <= byteCount, bytes <= byteCount - offset else {
            throw malformed(location, "the table (offset \(offset), \(count) entries of \(entrySize) bytes) lies past the end of the \(byteCount)-byte file")
        }
    }

    private func rawHeader() throws(ELFError) -> GElf_Ehdr {
        var ehdr = GElf_Ehdr()
        guard gelf_getehdr(elf, &ehdr) != nil else { throw malformed("ELF header") }
        return ehdr
    }

    /// e_shoff: where the section header table starts (0: none).
    func sectionTableOffset() throws(ELFError) -> UInt64 { try rawHeader().e_shoff }

    func programHeaders() throws(ELFError) -> [RawProgramHeader] {
        let ehdr = try rawHeader()
        let entrySize = gelf_fsize(elf, ELF_T_PHDR, 1, UInt32(EV_CURRENT))
        // libelf shortens or refuses a table that runs past the end without saying
        // why; the header's own count is the claim (unless it is PN_XNUM, 0xffff:
        // the count is then in section 0, and libelf's count stands).
        if ehdr.e_phnum != 0xffff {
            guard Int(ehdr.e_phnum) <= ELFLimits.programHeaders else {
                throw malformed("program headers", "\(ehdr.e_phnum) entries exceed the limit of \(ELFLimits.programHeaders)")
            }
            try checkTable("program headers", offset: ehdr.e_phoff, count: Int(ehdr.e_phnum), entrySize: entrySize)
        }
        var count = 0
        guard elf_getphdrnum(elf, &count) == 0 else { throw malformed("program headers") }
        guard count <= ELFLimits.programHeaders else {
            throw malformed("program headers", "\(count) entries exceed the limit of \(ELFLimits.programHeaders)")
        }
        try checkTable("program headers", offset: ehdr.e_phoff, count: count, entrySize: entrySize)
        try require("program headers", ehdr.e_phoff, UInt64(count) * UInt64(entrySize))
        var result: [RawProgramHeader] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            var phdr = GElf_Phdr()
            guard gelf_getphdr(elf, Int32(index), &phdr) != nil else {
                throw malformed("program header \(index)")
            }
            result.append(RawProgramHeader(
                type: phdr.p_type, offset: phdr.p_offset, virtualAddress: phdr.p_vaddr,
                fileSize: phdr.p_filesz, memorySize: phdr.p_memsz, flags: phdr.p_flags))
        }
        return result
    }

    func sections() throws(ELFError) -> [RawSection] {
        var count = 0
        guard elf_getshdrnum(elf, &count) == 0 else { throw malformed("section headers") }
        let ehdr = try rawHeader()
        // e_shnum is 0 when the count is in section 0 (extended numbering); then libelf's count stands.
        let claimed = ehdr.e_shoff == 0 ? 0 : (ehdr.e_shnum == 0 ? count : Int(ehdr.e_shnum))
        guard claimed <= ELFLimits.sections, count <= ELFLimits.sections else {
            throw malformed("section headers", "\(max(claimed, count)) entries exceed the limit of \(ELFLimits.sections)")
        }
        let shdrSize = gelf_fsize(elf, ELF_T_SHDR, 1, UInt32(EV_CURRENT))
        try checkTable("section headers", offset: ehdr.e_shoff, count: claimed, entrySize: shdrSize)
        try require("section headers", ehdr.e_shoff, UInt64(max(claimed, count)) * UInt64(shdrSize))
        var namesIndex = 0
        let hasNames = elf_getshdrstrndx(elf, &namesIndex) == 0
        if hasNames, coverage != nil, let names = placement(ofSection: namesIndex) {
            try require("section names", names.offset, names.size)
        }
        var result: [RawSection] = []
        result.reserveCapacity(count)
        var scn = elf_nextscn(elf, nil)
        while let current = scn, result.count < count {
            var shdr = GElf_Shdr()
            let index = elf_ndxscn(current)
            guard gelf_getshdr(current, &shdr) != nil else { throw malformed("section header \(index)") }
            var name: String?
            if hasNames, let cName = elf_strptr(elf, namesIndex, Int(shdr.sh_name)) {
                name = String(cString: cName)
            }
            result.append(RawSection(
                index: index, name: name, type: shdr.sh_type, flags: shdr.sh_flags,
                address: shdr.sh_addr, offset: shdr.sh_offset, size: shdr.sh_size,
                link: shdr.sh_link, info: shdr.sh_info))
            scn = elf_nextscn(elf, current)
        }
        return result
    }

    // MARK: Section contents

    /// SHT_NOBITS (.bss): a section that occupies no bytes in the file.
    static let sectionNoBits: UInt32 = 8

    private func data(of section: RawSection) throws(ELFError) -> UnsafeMutablePointer<Elf_Data>? {
        let location = section.name ?? "section \(section.index)"
        guard section.type == Self.sectionNoBits || section.size <= ELFLimits.sectionBytes else {
            throw malformed(location, "\(section.size) bytes, over the \(ELFLimits.sectionBytes)-byte limit for one section")
        }
        guard section.type == Self.sectionNoBits || (section.offset <= byteCount && section.size <= byteCount - section.offset) else {
            throw malformed(location, "the section (offset \(section.offset), \(section.size) bytes) lies past the end of the \(byteCount)-byte file")
        }
        if section.type != Self.sectionNoBits { try require(location, section.offset, section.size) }
        guard let scn = elf_getscn(elf, section.index) else {
            throw malformed(location)
        }
        guard let data = elf_getdata(scn, nil) else {
            if section.size == 0 { return nil }
            throw malformed(location)
        }
        return data
    }

    /// A NUL-terminated string at `offset` of the string table in section `tableIndex`.
    /// libelf checks that the offset lies inside the table and that the string ends there.
    func string(table tableIndex: Int, offset: UInt64) -> String? {
        guard offset <= UInt64(Int.max), tableCovered(tableIndex), let cString = elf_strptr(elf, tableIndex, Int(offset)) else {
            return nil
        }
        return String(cString: cString)
    }

    func dynamicEntries(_ source: DynamicSource) throws(ELFError) -> [RawDynamicEntry] {
        let data: UnsafeMutablePointer<Elf_Data>?
        let location: String
        switch source {
        case .section(let section):
            location = section.name ?? ".dynamic"
            data = try self.data(of: section)
        case .programHeader(let phdr):
            location = "PT_DYNAMIC"
            guard phdr.fileSize > 0 else { return [] }
            try require(location, phdr.offset, phdr.fileSize)
            guard phdr.offset <= byteCount, phdr.fileSize <= byteCount - phdr.offset,
                  phdr.fileSize <= ELFLimits.sectionBytes,
                  let chunk = elf_getdata_rawchunk(elf, Int64(phdr.offset), Int(phdr.fileSize), ELF_T_DYN)
            else { throw malformed(location, "PT_DYNAMIC lies outside the file") }
            data = chunk
        }
        guard let data else { return [] }
        let entrySize = gelf_fsize(elf, ELF_T_DYN, 1, UInt32(EV_CURRENT))
        guard entrySize > 0 else { throw malformed(location) }
        let available = data.pointee.d_size / entrySize
        let count = min(available, ELFLimits.dynamicEntries)
        var result: [RawDynamicEntry] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            var dyn = GElf_Dyn()
            guard gelf_getdyn(data, Int32(index), &dyn) != nil else { throw malformed(location) }
            if dyn.d_tag == Int64(DT_NULL) { return result }
            result.append(RawDynamicEntry(tag: dyn.d_tag, value: dyn.d_un.d_val))
        }
        // The loader reads to DT_NULL: entries past the limit could still name a library.
        guard available <= ELFLimits.dynamicEntries else {
            throw malformed(location, "no DT_NULL among the first \(ELFLimits.dynamicEntries) entries (the limit)")
        }
        return result
    }

    /// The version needs, read as the dynamic loader reads them: each chain is
    /// followed until its next offset is 0. The counts in `sh_info` and `vn_cnt`
    /// must agree with the chains (readelf trusts the counts, the loader the
    /// chains; a file where they differ is damaged and would be read two ways).
    func versionNeeds(_ section: RawSection) throws(ELFError) -> [RawVersionNeed] {
        guard let data = try self.data(of: section) else { return [] }
        let stringTable = Int(section.link)
        return try versionNeeds(data, location: section.name ?? ".gnu.version_r", stringTable: "section \(stringTable)",
                                expected: Int(section.info)) { self.string(table: stringTable, offset: $0) }
    }

    /// The version needs of a file without section headers, found as the loader finds
    /// them: DT_VERNEED's address (mapped to the file through PT_LOAD), DT_VERNEEDNUM
    /// entries, names in the DT_STRTAB bytes. Stripping the section headers must not
    /// hide a GLIBC_2.34 requirement.
    func versionNeeds(
        atFileOffset offset: UInt64, available: UInt64, expected: Int, strings: (UInt64) -> String?
    ) throws(ELFError) -> [RawVersionNeed] {
        let size = min(available, ELFLimits.sectionBytes)
        try require("DT_VERNEED", offset, size)
        guard size > 0, offset <= byteCount, size <= byteCount - offset,
              let data = elf_getdata_rawchunk(elf, Int64(offset), Int(size), ELF_T_VNEED)
        else { throw malformed("DT_VERNEED", "the version needs lie outside the file") }
        return try versionNeeds(data, location: "DT_VERNEED", stringTable: "DT_STRTAB", expected: expected, name: strings)
    }

    private func versionNeeds(
        _ data: UnsafeMutablePointer<Elf_Data>, location: String, stringTable: String, expected: Int,
        name string: (UInt64) -> String?
    ) throws(ELFError) -> [RawVersionNeed] {
        let size = data.pointee.d_size
        var result: [RawVersionNeed] = []
        var offset = 0
        var budget = ELFLimits.versionEntriesPerSection
        while true {
            guard result.count < ELFLimits.versionNeedFiles else {
                throw malformed(location, "more than \(ELFLimits.versionNeedFiles) libraries in the chain")
            }
            var need = GElf_Verneed()
            guard offset < size, gelf_getverneed(data, Int32(offset), &need) != nil else {
                throw malformed(location, "entry \(result.count) at offset \(offset) lies outside the section")
            }
            guard let file = string(UInt64(need.vn_file)) else {
                throw malformed(location, "library name at offset \(need.vn_file) (entry at \(offset)) is not a string in \(stringTable)")
            }
            var versions: [RawVersionAux] = []
            var auxOffset = offset + Int(need.vn_aux)
            while true {
                budget -= 1
                guard budget >= 0 else {
                    throw malformed(location, "more than \(ELFLimits.versionEntriesPerSection) version entries (chains that share or repeat entries)")
                }
                guard versions.count < ELFLimits.versionAuxPerFile else {
                    throw malformed(location, "more than \(ELFLimits.versionAuxPerFile) versions needed from \(file)")
                }
                var aux = GElf_Vernaux()
                guard auxOffset < size, gelf_getvernaux(data, Int32(auxOffset), &aux) != nil else {
                    throw malformed(location, "version entry \(versions.count) of \(file) at offset \(auxOffset) lies outside the section")
                }
                guard let name = string(UInt64(aux.vna_name)) else {
                    throw malformed(location, "version name at offset \(aux.vna_name) (entry at \(auxOffset)) is not a string in \(stringTable)")
                }
                versions.append(RawVersionAux(name: name, flags: aux.vna_flags, index: aux.vna_other))
                if aux.vna_next == 0 { break }
                auxOffset += Int(aux.vna_next)
            }
            guard versions.count == Int(need.vn_cnt) else {
                throw malformed(location, "vn_cnt of \(file) says \(need.vn_cnt) versions but its chain has \(versions.count)")
            }
            result.append(RawVersionNeed(file: file, versions: versions))
            if need.vn_next == 0 { break }
            offset += Int(need.vn_next)
        }
        guard result.count == expected else {
            throw malformed(location, "\(location == "DT_VERNEED" ? "DT_VERNEEDNUM" : "sh_info") says \(expected) entries but the chain has \(result.count)")
        }
        return result
    }

    /// The version definitions, chains followed as for `versionNeeds`.
    func versionDefinitions(_ section: RawSection) throws(ELFError) -> [RawVersionDefinition] {
        let location = section.name ?? ".gnu.version_d"
        guard let data = try self.data(of: section) else { return [] }
        let size = data.pointee.d_size
        let stringTable = Int(section.link)
        var result: [RawVersionDefinition] = []
        var offset = 0
        var budget = ELFLimits.versionEntriesPerSection
        while true {
            guard result.count < ELFLimits.versionDefinitions else {
                throw malformed(location, "more than \(ELFLimits.versionDefinitions) definitions in the chain")
            }
            var definition = GElf_Verdef()
            guard offset < size, gelf_getverdef(data, Int32(offset), &definition) != nil else {
                throw malformed(location, "entry \(result.count) at offset \(offset) lies outside the section")
            }
            var names: [String] = []
            var auxOffset = offset + Int(definition.vd_aux)
            // vd_cnt is 1 (the name) plus the parents; a definition may have no names.
            while names.count < Int(definition.vd_cnt) {
                budget -= 1
                guard budget >= 0 else {
                    throw malformed(location, "more than \(ELFLimits.versionEntriesPerSection) version entries (chains that share or repeat entries)")
                }
                var aux = GElf_Verdaux()
                guard auxOffset < size, gelf_getverdaux(data, Int32(auxOffset), &aux) != nil else {
                    throw malformed(location, "name entry at offset \(auxOffset) lies outside the section")
                }
                guard let name = string(table: stringTable, offset: UInt64(aux.vda_name)) else {
                    throw malformed(location, "version name at offset \(aux.vda_name) (entry at \(auxOffset)) is not a string in section \(stringTable)")
                }
                names.append(name)
                if aux.vda_next == 0 { break }
                auxOffset += Int(aux.vda_next)
            }
            guard names.count == Int(definition.vd_cnt) else {
                throw malformed(location, "vd_cnt says \(definition.vd_cnt) names but the chain has \(names.count)")
            }
            result.append(RawVersionDefinition(index: definition.vd_ndx, flags: definition.vd_flags, names: names))
            if definition.vd_next == 0 { break }
            offset += Int(definition.vd_next)
        }
        guard result.count == Int(section.info) else {
            throw malformed(location, "sh_info says \(section.info) entries but the chain has \(result.count)")
        }
        return result
    }

    /// The `.gnu.version` array: one version index per `.dynsym` entry.
    func versionIndices(_ section: RawSection) throws(ELFError) -> [UInt16] {
        guard let data = try self.data(of: section) else { return [] }
        let count = data.pointee.d_size / 2
        guard count <= ELFLimits.symbols else {
            throw malformed(section.name ?? ".gnu.version", "\(count) entries exceed the limit of \(ELFLimits.symbols)")
        }
        var result = [UInt16](repeating: 0, count: count)
        for index in 0..<count {
            var value = GElf_Versym()
            guard gelf_getversym(data, Int32(index), &value) != nil else {
                throw malformed(section.name ?? ".gnu.version")
            }
            result[index] = value
        }
        return result
    }

    /// Calls `body` for each symbol of a symbol table section with its index;
    /// the name is resolved only when `wantsName` says so (names cost a string).
    func forEachSymbol(
        _ section: RawSection, wantsName: (Int, UInt16, UInt8) -> Bool, _ body: (Int, RawSymbol) -> Void
    ) throws(ELFError) {
        guard let data = try self.data(of: section) else { return }
        let entrySize = gelf_fsize(elf, ELF_T_SYM, 1, UInt32(EV_CURRENT))
        guard entrySize > 0 else { throw malformed(section.name ?? ".dynsym") }
        let count = data.pointee.d_size / entrySize
        guard count <= ELFLimits.symbols else {
            throw malformed(section.name ?? ".dynsym", "\(count) symbols exceed the limit of \(ELFLimits.symbols)")
        }
        for index in 0..<count {
            var sym = GElf_Sym()
            guard gelf_getsym(data, Int32(index), &sym) != nil else { throw malformed(section.name ?? ".dynsym") }
            let binding = sym.st_info >> 4
            let type = sym.st_info & 0xf
            var name: String?
            if wantsName(index, sym.st_shndx, binding) {
                name = string(table: Int(section.link), offset: UInt64(sym.st_name))
            }
            body(index, RawSymbol(name: name, sectionIndex: sym.st_shndx, binding: binding, type: type))
        }
    }

    func notes(_ section: RawSection) throws(ELFError) -> [RawNote] {
        guard let data = try self.data(of: section), let base = data.pointee.d_buf else { return [] }
        let size = data.pointee.d_size
        var result: [RawNote] = []
        var offset = 0
        while offset < size, result.count < ELFLimits.notes {
            var header = GElf_Nhdr()
            var nameOffset = 0
            var descOffset = 0
            let next = gelf_getnote(data, offset, &header, &nameOffset, &descOffset)
            guard next > offset else { break }
            let bytes = UnsafeRawBufferPointer(start: base, count: size)
            let nameEnd = min(nameOffset + Int(header.n_namesz), size)
            let descEnd = min(descOffset + Int(header.n_descsz), size)
            var nameBytes = Array(bytes[nameOffset..<max(nameOffset, nameEnd)])
            while nameBytes.last == 0 { nameBytes.removeLast() }
            result.append(RawNote(
                name: String(decoding: nameBytes, as: UTF8.self), type: header.n_type,
                descriptor: Array(bytes[descOffset..<max(descOffset, descEnd)])))
            offset = next
        }
        return result
    }

    /// Up to `limit` bytes of a section as stored in the file.
    func sectionBytes(_ section: RawSection, limit: Int) throws(ELFError) -> [UInt8] {
        guard let data = try self.data(of: section), let base = data.pointee.d_buf else { return [] }
        let count = min(data.pointee.d_size, limit)
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// `size` raw bytes at file `offset`, or nil when they lie outside the file.
    func bytes(at offset: UInt64, count size: UInt64) -> [UInt8]? {
        guard size > 0, offset <= byteCount, size <= byteCount - offset, size <= UInt64(Int32.max),
              covered("bytes at \(offset)", offset, size),
              let chunk = elf_getdata_rawchunk(elf, Int64(offset), Int(size), ELF_T_BYTE),
              let base = chunk.pointee.d_buf
        else { return nil }
        return Array(UnsafeRawBufferPointer(start: base, count: chunk.pointee.d_size))
    }
}

/// The first read outside an image's coverage by a read that answers nil (a string, raw bytes).
final class CoverageMisses: @unchecked Sendable {
    struct Miss { var location: String; var offset: UInt64; var size: UInt64 }
    private(set) var first: Miss?

    func record(location: String, offset: UInt64, size: UInt64) {
        if first == nil { first = Miss(location: location, offset: offset, size: size) }
    }
}
