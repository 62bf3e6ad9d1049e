/// A zip archive's central directory (PKWARE APPNOTE 4.3.12–4.3.16, with ZIP64), read from
/// the archive's last bytes, wherever they come from: a mapped local file or an HTTP range.
public struct ZipDirectory: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var path: String
        /// 0 stored, 8 deflated; anything else is not read.
        public var method: UInt16
        public var flags: UInt16
        public var crc32: UInt32
        public var compressedSize: UInt64
        public var uncompressedSize: UInt64
        public var localHeaderOffset: UInt64
        /// The external attributes' file type says directory, or the name ends in `/`.
        public var isDirectory: Bool
        /// A Unix symlink entry (wheels must not have them; never followed).
        public var isSymlink: Bool
    }

    public var entries: [Entry]
    /// Where the central directory starts in the archive (everything before it is member data).
    public var directoryOffset: UInt64
    public var directorySize: UInt64

    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var detail: String
        public var description: String { detail }
    }

    /// Bytes at the end of an archive that always hold the end-of-central-directory record
    /// (22 bytes + a comment of at most 65535) and a ZIP64 locator.
    public static let tailLength = 22 + 65_535 + 20

    /// The end-of-central-directory record in `tail` (the archive's last bytes; `archiveSize`
    /// its whole size): where the central directory is and how long.
    public static func locate(tail: UnsafeRawBufferPointer, archiveSize: UInt64) throws(ReadError) -> (offset: UInt64, size: UInt64, count: UInt64) {
        guard tail.count >= 22 else { throw ReadError(detail: "too short for a zip archive") }
        var position = tail.count - 22
        while position >= 0 {
            if tail.loadLE32(position) == 0x0605_4b50 { break }
            position -= 1
        }
        guard position >= 0 else { throw ReadError(detail: "no end-of-central-directory record: not a zip archive") }
        var count = UInt64(tail.loadLE16(position + 10))
        var size = UInt64(tail.loadLE32(position + 12))
        var offset = UInt64(tail.loadLE32(position + 16))
        // ZIP64: a locator just before the record points at the ZIP64 end record.
        if (offset == 0xffff_ffff || size == 0xffff_ffff || count == 0xffff), position >= 20,
           tail.loadLE32(position - 20) == 0x0706_4b50 {
            let recordOffset = tail.loadLE64(position - 20 + 8)
            let tailStart = archiveSize - UInt64(tail.count)
            guard recordOffset >= tailStart, recordOffset - tailStart + 56 <= UInt64(tail.count) else {
                throw ReadError(detail: "the ZIP64 end record lies outside the archive's last \(tail.count) bytes")
            }
            let at = Int(recordOffset - tailStart)
            guard tail.loadLE32(at) == 0x0606_4b50 else { throw ReadError(detail: "damaged ZIP64 end record") }
            count = tail.loadLE64(at + 32)
            size = tail.loadLE64(at + 40)
            offset = tail.loadLE64(at + 48)
        }
        guard offset <= archiveSize, size <= archiveSize - offset else {
            throw ReadError(detail: "the central directory (offset \(offset), \(size) bytes) lies outside the \(archiveSize)-byte archive")
        }
        return (offset, size, count)
    }

    /// Parses the central directory's bytes. At most `limit` entries are kept.
    public static func parse(directory bytes: UnsafeRawBufferPointer, offset: UInt64, limit: Int) throws(ReadError) -> ZipDirectory {
        var entries: [Entry] = []
        var position = 0
        while position + 46 <= bytes.count, entries.count < limit {
            guard bytes.loadLE32(position) == 0x0201_4b50 else {
                throw ReadError(detail: "damaged central directory at entry \(entries.count)")
            }
            let madeBy = bytes.loadLE16(position + 4)
            let flags = bytes.loadLE16(position + 8)
            let method = bytes.loadLE16(position + 10)
            let crc = bytes.loadLE32(position + 16)
            var compressed = UInt64(bytes.loadLE32(position + 20))
            var uncompressed = UInt64(bytes.loadLE32(position + 24))
            let nameLength = Int(bytes.loadLE16(position + 28))
            let extraLength = Int(bytes.loadLE16(position + 30))
            let commentLength = Int(bytes.loadLE16(position + 32))
            let external = bytes.loadLE32(position + 38)
            var local = UInt64(bytes.loadLE32(position + 42))
            let nameStart = position + 46
            guard nameStart + nameLength + extraLength + commentLength <= bytes.count else {
                throw ReadError(detail: "central directory entry \(entries.count) runs past the directory")
            }
            let path = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[nameStart..<(nameStart + nameLength)]), as: UTF8.self)
            let extra = (nameStart + nameLength)..<(nameStart + nameLength + extraLength)
            Self.applyZip64(bytes, extra: extra, uncompressed: &uncompressed, compressed: &compressed, localOffset: &local)
            let unixMode = (madeBy >> 8) == 3 ? external >> 16 : 0
            entries.append(Entry(
                path: path, method: method, flags: flags, crc32: crc, compressedSize: compressed, uncompressedSize: uncompressed,
                localHeaderOffset: local, isDirectory: path.hasSuffix("/") || unixMode & 0o170000 == 0o040000,
                isSymlink: unixMode & 0o170000 == 0o120000))
            position = nameStart + nameLength + extraLength + commentLength
        }
        return ZipDirectory(entries: entries, directoryOffset: offset, directorySize: UInt64(bytes.count))
    }

    /// The ZIP64 extra field (0x0001) of a header's `extra` bytes: the fields that are
    /// 0xffffffff in the header, in order, 8 bytes each.
    static func applyZip64(
        _ bytes: UnsafeRawBufferPointer, extra: Range<Int>, uncompressed: inout UInt64, compressed: inout UInt64, localOffset: inout UInt64
    ) {
        var position = extra.lowerBound
        while position + 4 <= extra.upperBound {
            let id = bytes.loadLE16(position)
            let end = min(position + 4 + Int(bytes.loadLE16(position + 2)), extra.upperBound)
            var field = position + 4
            if id == 0x0001 {
                if uncompressed == 0xffff_ffff, field + 8 <= end { uncompressed = bytes.loadLE64(field); field += 8 }
                if compressed == 0xffff_ffff, field + 8 <= end { compressed = bytes.loadLE64(field); field += 8 }
                if localOffset == 0xffff_ffff, field + 8 <= end { localOffset = bytes.loadLE64(field) }
            }
            position = end
        }
    }

    /// What a member's local header says of the directory's CRC-32 and sizes for it.
    public enum LocalHeaderCheck: Sendable, Equatable {
        case agrees
        /// No local header there, or one with another CRC-32 or size.
        case differs
        /// The header does not hold them (why: the sizes follow the data, or its extra field
        /// runs past the bytes given).
        case cannotSay(String)
    }

    /// Whether a member's local header says what the directory says of its CRC-32 and its
    /// sizes (with ZIP64). A whole read checks the declared size and CRC-32 against the data
    /// itself; a read by the member's ends places its end by the declared size, so it needs this
    /// agreement instead. (A header and a directory that agree on a wrong size are not told
    /// apart here: only a whole read can.)
    public static func localHeader(_ bytes: UnsafeRawBufferPointer, agreesWith entry: Entry) -> LocalHeaderCheck {
        guard bytes.count >= 30, bytes.loadLE32(0) == 0x0403_4b50 else { return .differs }
        guard bytes.loadLE16(6) & 0x8 == 0 else { return .cannotSay("the sizes follow the data (a data descriptor)") }
        let extra = (30 + Int(bytes.loadLE16(26)))..<(30 + Int(bytes.loadLE16(26)) + Int(bytes.loadLE16(28)))
        guard extra.upperBound <= bytes.count else { return .cannotSay("its extra field runs past the bytes read") }
        var compressed = UInt64(bytes.loadLE32(18)), uncompressed = UInt64(bytes.loadLE32(22)), unused: UInt64 = 0
        applyZip64(bytes, extra: extra, uncompressed: &uncompressed, compressed: &compressed, localOffset: &unused)
        let agrees = bytes.loadLE32(14) == entry.crc32 && compressed == entry.compressedSize && uncompressed == entry.uncompressedSize
        return agrees ? .agrees : .differs
    }

    /// Where a member's data starts, from its local header (30 bytes + name + extra).
    public static func dataOffset(localHeader bytes: UnsafeRawBufferPointer, at offset: UInt64) throws(ReadError) -> UInt64 {
        guard bytes.count >= 30, bytes.loadLE32(0) == 0x0403_4b50 else {
            throw ReadError(detail: "no local file header at offset \(offset)")
        }
        return offset + 30 + UInt64(bytes.loadLE16(26)) + UInt64(bytes.loadLE16(28))
    }

    /// The archive bytes of the member with its local header, for an HTTP range: the local
    /// header's name and extra may differ from the directory's, so 30 + name + 1 KiB of
    /// extra is asked beyond the compressed data.
    public static func rangeEstimate(_ entry: Entry) -> (start: UInt64, length: UInt64) {
        let (length, overflow) = entry.compressedSize.addingReportingOverflow(30 + UInt64(entry.path.utf8.count) + 1024)
        return (entry.localHeaderOffset, overflow ? .max : length)
    }

    /// Whether an entry's local header and data can lie before the central directory, where
    /// every member's bytes are (a hostile ZIP64 field can say anything up to 2^64 - 1).
    public func holds(_ entry: Entry) -> Bool {
        entry.localHeaderOffset < directoryOffset && entry.compressedSize <= directoryOffset - entry.localHeaderOffset
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always) func loadLE16(_ offset: Int) -> UInt16 { UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }
    @inline(__always) func loadLE32(_ offset: Int) -> UInt32 { UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    @inline(__always) func loadLE64(_ offset: Int) -> UInt64 { UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
}
