import Foundation

/// Zip records written byte by byte (PKWARE APPNOTE 4.3.7, 4.3.12, 4.3.16, 4.5.3), for wheels
/// whose directory says what a test needs it to say, lies included.
public enum ZipBytes {
    public static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xff), UInt8(value >> 8)] }
    public static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(value >> (8 * $0) & 0xff) } }
    public static func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(value >> (8 * $0) & 0xff) } }

    /// A local file header (version 4.5, no time or date).
    public static func localHeader(
        name: String, flags: UInt16 = 0, method: UInt16, crc: UInt32, compressed: UInt32, uncompressed: UInt32, extra: [UInt8] = []
    ) -> [UInt8] {
        le32(0x0403_4b50) + le16(45) + le16(flags) + le16(method) + le16(0) + le16(0) + le32(crc) + le32(compressed) + le32(uncompressed)
            + le16(UInt16(name.utf8.count)) + le16(UInt16(extra.count)) + Array(name.utf8) + extra
    }

    /// A central directory record of a Unix file with `mode`.
    public static func centralRecord(
        name: String, method: UInt16, crc: UInt32, compressed: UInt32, uncompressed: UInt32, localHeaderOffset: UInt32,
        extra: [UInt8] = [], comment: [UInt8] = [], mode: UInt32 = 0o100755
    ) -> [UInt8] {
        le32(0x0201_4b50) + le16(0x031e) + le16(45) + le16(0) + le16(method) + le16(0) + le16(0) + le32(crc) + le32(compressed)
            + le32(uncompressed) + le16(UInt16(name.utf8.count)) + le16(UInt16(extra.count)) + le16(UInt16(comment.count))
            + le16(0) + le16(0) + le32(mode << 16) + le32(localHeaderOffset) + Array(name.utf8) + extra + comment
    }

    /// A ZIP64 extra field (0x0001) holding `values` in order (the header's 0xffffffff fields).
    public static func zip64Extra(_ values: [UInt64]) -> [UInt8] {
        le16(1) + le16(UInt16(8 * values.count)) + values.flatMap(le64)
    }

    /// The end of central directory record for `count` entries.
    public static func endRecord(count: UInt16, directorySize: Int, directoryOffset: Int) -> [UInt8] {
        le32(0x0605_4b50) + le16(0) + le16(0) + le16(count) + le16(count) + le32(UInt32(directorySize)) + le32(UInt32(directoryOffset)) + le16(0)
    }

    /// CRC-32 (the zip one, bit by bit: test data only).
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return crc ^ 0xffff_ffff
    }

    /// A wheel `pkg/x.so` whose directory entry says its local header is at `offset` (through
    /// ZIP64 from 0xffffffff on; a ZIP64 field can say anything up to 2^64 - 1), after a
    /// stored member `pkg/pad.bin` of `padding` bytes (enough of them make a remote read use
    /// ranges). Its true offset is `honestOffset(padding:)`.
    public static func wheel(localHeaderAt offset: UInt64, padding: Int = 0) -> [UInt8] {
        // "\x7fELF" and 100 zeros, deflated raw (Python: zlib.compressobj(9, zlib.DEFLATED, -15)).
        let elf: [UInt8] = [0x7f, 0x45, 0x4c, 0x46] + Array(repeating: 0, count: 100)
        let deflated: [UInt8] = [0xab, 0x77, 0xf5, 0x71, 0x63, 0xa0, 0x03, 0x00, 0x00]
        let pad = (0..<padding).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let (crcELF, crcPad) = (crc32(elf), crc32(pad))
        let members = localHeader(name: "pkg/pad.bin", method: 0, crc: crcPad, compressed: UInt32(padding), uncompressed: UInt32(padding)) + pad
            + localHeader(name: "pkg/x.so", method: 8, crc: crcELF, compressed: UInt32(deflated.count), uncompressed: UInt32(elf.count)) + deflated
        let zip64 = offset >= 0xffff_ffff
        let directory = centralRecord(name: "pkg/pad.bin", method: 0, crc: crcPad, compressed: UInt32(padding), uncompressed: UInt32(padding),
                                      localHeaderOffset: 0, mode: 0o100644)
            + centralRecord(name: "pkg/x.so", method: 8, crc: crcELF, compressed: UInt32(deflated.count), uncompressed: UInt32(elf.count),
                            localHeaderOffset: zip64 ? 0xffff_ffff : UInt32(offset), extra: zip64 ? zip64Extra([offset]) : [])
        return members + directory + endRecord(count: 2, directorySize: directory.count, directoryOffset: members.count)
    }

    /// Where `wheel(localHeaderAt:padding:)`'s `pkg/x.so` really starts.
    public static func honestOffset(padding: Int) -> UInt64 { UInt64(30 + "pkg/pad.bin".utf8.count + padding) }
}
