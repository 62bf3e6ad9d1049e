/// glibc's `/etc/ld.so.cache` as `ldconfig` writes it (glibc's `dl-cache.h`): the loader finds a
/// library by its name there, and otherwise only in its system directories. The directories of
/// `ld.so.conf` are never searched at run time: a library copied into `/usr/local/lib` is found
/// only once `ldconfig` has run, and a cache entry whose file is gone finds nothing.
///
/// Both layouts are read: the current one (`glibc-ld.so.cache1.1`, glibc 2.32 and later write
/// only it) and the old one (`ld.so-1.7.0`), which glibc 2.31 writes with the current one after
/// it; the loader prefers the current one where both are there, and so does this.
public struct LoaderCache: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// The name the loader looks up (a library's SONAME, as DT_NEEDED names it).
        public var name: String
        /// The file it maps to (inside the root).
        public var path: String
        /// `FLAG_ELF_LIBC6` and the ABI bits (`0x0303`: x86-64, `0x0a03`: AArch64, `0x0003`: i386 …).
        public var flags: Int32
        /// Non-zero for a library chosen by CPU features (glibc-hwcaps subdirectories).
        public var hwcap: UInt64
    }

    public var entries: [Entry]

    static let oldMagic = Array("ld.so-1.7.0".utf8)
    static let newMagic = Array("glibc-ld.so.cache1.1".utf8)
    /// `FLAG_ELF_LIBC6`: a glibc library (the low byte is the type, the next the ABI).
    static let elfLibc6: Int32 = 0x0003

    /// The entries of a cache file's bytes; nil when it is not one the loader would read
    /// (the loader then ignores it, as if there were none).
    public init?(bytes: [UInt8]) {
        if bytes.starts(with: Self.newMagic) {
            guard let entries = Self.newEntries(bytes, at: 0) else { return nil }
            self.entries = entries
            return
        }
        guard bytes.starts(with: Self.oldMagic), let count = Self.uint32(bytes, 12) else { return nil }
        // struct cache_file: 11 magic bytes, 1 of padding, nlibs; then 12-byte entries.
        let entriesEnd = 16 + Int(count) * 12
        guard count <= UInt32(bytes.count / 12), entriesEnd <= bytes.count else { return nil }
        // The current layout follows, 8-byte aligned: glibc 2.31's loader reads that one.
        let newStart = (entriesEnd + 7) & ~7
        if newStart < bytes.count, bytes[newStart...].starts(with: Self.newMagic) {
            guard let entries = Self.newEntries(bytes, at: newStart) else { return nil }
            self.entries = entries
            return
        }
        // Old layout only: names are offsets from the end of the entries.
        var entries: [Entry] = []
        for index in 0..<Int(count) {
            let at = 16 + index * 12
            guard let flags = Self.uint32(bytes, at), let key = Self.uint32(bytes, at + 4), let value = Self.uint32(bytes, at + 8),
                  let name = Self.string(bytes, entriesEnd + Int(key)), let path = Self.string(bytes, entriesEnd + Int(value))
            else { return nil }
            entries.append(Entry(name: name, path: path, flags: Int32(bitPattern: flags), hwcap: 0))
        }
        self.entries = entries
    }

    /// The entries for an ELF machine's glibc ABI: the loader's `_dl_cache_check_flags` for the
    /// machines it names; for others every glibc entry (the caller still checks each file's
    /// machine, as the loader does when it maps it).
    public func entries(machine: String?) -> [Entry] {
        let abi: Int32?
        switch machine {
        case "x86_64": abi = 0x0300
        case "aarch64": abi = 0x0a00
        case "i386": abi = 0x0000
        default: abi = nil
        }
        return entries.filter { entry in
            entry.hwcap == 0 && entry.flags & 0xff == Self.elfLibc6 && (abi.map { entry.flags & 0xff00 == $0 } ?? true)
        }
    }

    /// struct cache_file_new: magic and version (20 bytes), nlibs, len_strings, flags, 3 bytes
    /// of padding, extension_offset, 3 unused words (48 bytes); then 24-byte entries (flags,
    /// key, value, osversion, hwcap). Names are offsets from the header's start.
    private static func newEntries(_ bytes: [UInt8], at start: Int) -> [Entry]? {
        guard let count = uint32(bytes, start + 20) else { return nil }
        // The low bits of byte 28 say the byte order: 0 unset (an older ldconfig), 2 little-endian.
        guard start + 48 <= bytes.count, bytes[start + 28] & 3 == 0 || bytes[start + 28] & 3 == 2 else { return nil }
        guard count <= UInt32((bytes.count - start - 48) / 24) else { return nil }
        var entries: [Entry] = []
        entries.reserveCapacity(Int(count))
        for index in 0..<Int(count) {
            let at = start + 48 + index * 24
            guard let flags = uint32(bytes, at), let key = uint32(bytes, at + 4), let value = uint32(bytes, at + 8),
                  let low = uint32(bytes, at + 16), let high = uint32(bytes, at + 20),
                  let name = string(bytes, start + Int(key)), let path = string(bytes, start + Int(value))
            else { return nil }
            entries.append(Entry(name: name, path: path, flags: Int32(bitPattern: flags), hwcap: UInt64(high) << 32 | UInt64(low)))
        }
        return entries
    }

    private static func uint32(_ bytes: [UInt8], _ at: Int) -> UInt32? {
        guard at >= 0, at + 4 <= bytes.count else { return nil }
        return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    /// The NUL-terminated string at `at`, at most 4,096 bytes.
    private static func string(_ bytes: [UInt8], _ at: Int) -> String? {
        guard at >= 0, at < bytes.count else { return nil }
        let limit = min(bytes.count, at + 4096)
        guard let end = bytes[at..<limit].firstIndex(of: 0), end > at else { return nil }
        return String(decoding: bytes[at..<end], as: UTF8.self)
    }
}
