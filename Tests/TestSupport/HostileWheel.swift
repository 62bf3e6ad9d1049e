import Foundation

/// Wheels whose central directory lies about where a member is: a ZIP64 extra field can put a
/// member's local header anywhere up to 2^64 - 1. Built here byte by byte (zlib's deflate of a
/// tiny ELF start), with `padding` stored bytes in front so that a remote read uses ranges.
public enum HostileWheel {
    /// A wheel `pkg/x.so` whose directory entry says its local header is at `offset` (through
    /// ZIP64), after a stored member `pkg/pad.bin` of `padding` bytes.
    public static func bytes(localHeaderAt offset: UInt64, padding: Int = 0) -> [UInt8] {
        func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xff), UInt8(value >> 8)] }
        func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(value >> (8 * $0) & 0xff) } }
        func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(value >> (8 * $0) & 0xff) } }
        // "\x7fELF" and 100 zeros, deflated raw (Python: zlib.compressobj(9, zlib.DEFLATED, -15)),
        // and its CRC-32 (zlib.crc32).
        let elf: [UInt8] = [0x7f, 0x45, 0x4c, 0x46] + Array(repeating: 0, count: 100)
        let deflated: [UInt8] = [0xab, 0x77, 0xf5, 0x71, 0x63, 0xa0, 0x03, 0x00, 0x00]
        let crcELF: UInt32 = 0xb900_af03
        let pad = (0..<padding).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        var crcPad: UInt32 = 0xffff_ffff
        for byte in pad {
            crcPad ^= UInt32(byte)
            for _ in 0..<8 { crcPad = crcPad & 1 != 0 ? (crcPad >> 1) ^ 0xedb8_8320 : crcPad >> 1 }
        }
        crcPad ^= 0xffff_ffff
        func local(_ name: String, method: UInt16, crc: UInt32, compressed: Int, size: Int) -> [UInt8] {
            le32(0x0403_4b50) + le16(45) + le16(0) + le16(method) + le16(0) + le16(0) + le32(crc) + le32(UInt32(compressed))
                + le32(UInt32(size)) + le16(UInt16(name.utf8.count)) + le16(0) + Array(name.utf8)
        }
        func central(_ name: String, method: UInt16, crc: UInt32, compressed: Int, size: Int, offset: UInt64) -> [UInt8] {
            let zip64 = offset >= 0xffff_ffff
            let extra: [UInt8] = zip64 ? le16(1) + le16(8) + le64(offset) : []
            return le32(0x0201_4b50) + le16(0x031e) + le16(45) + le16(0) + le16(method) + le16(0) + le16(0) + le32(crc)
                + le32(UInt32(compressed)) + le32(UInt32(size)) + le16(UInt16(name.utf8.count)) + le16(UInt16(extra.count)) + le16(0)
                + le16(0) + le16(0) + le32(0o100755 << 16) + le32(zip64 ? 0xffff_ffff : UInt32(offset)) + Array(name.utf8) + extra
        }
        let padMember = local("pkg/pad.bin", method: 0, crc: crcPad, compressed: padding, size: padding) + pad
        let elfMember = local("pkg/x.so", method: 8, crc: crcELF, compressed: deflated.count, size: elf.count) + deflated
        let directory = central("pkg/pad.bin", method: 0, crc: crcPad, compressed: padding, size: padding, offset: 0)
            + central("pkg/x.so", method: 8, crc: crcELF, compressed: deflated.count, size: elf.count, offset: offset)
        let members = padMember + elfMember
        return members + directory + le32(0x0605_4b50) + le16(0) + le16(0) + le16(2) + le16(2) + le32(UInt32(directory.count))
            + le32(UInt32(members.count)) + le16(0)
    }
}
