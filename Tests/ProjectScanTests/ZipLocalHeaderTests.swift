import Foundation
import Testing
import TestSupport
@testable import ProjectScan

/// A member read by its ends places its end by the size the directory declares, so the plan
/// reads it so only when the member's local header repeats the directory's CRC-32 and sizes
/// (`ZipDirectory.localHeader(_:agreesWith:)`).
struct ZipLocalHeaderTests {
    static func header(flags: UInt16 = 0, crc: UInt32, compressed: UInt32, uncompressed: UInt32, extra: [UInt8] = []) -> [UInt8] {
        ZipBytes.localHeader(name: "a.so", flags: flags, method: 8, crc: crc, compressed: compressed, uncompressed: uncompressed, extra: extra)
    }

    static func zip64Extra(uncompressed: UInt64, compressed: UInt64) -> [UInt8] { ZipBytes.zip64Extra([uncompressed, compressed]) }

    static let entry = ZipDirectory.Entry(path: "a.so", method: 8, flags: 0, crc32: 0xDEAD_BEEF, compressedSize: 3_000_000,
                                          uncompressedSize: 9_000_000, localHeaderOffset: 0, isDirectory: false, isSymlink: false)

    @Test func theHeaderMustRepeatTheDirectory() {
        func agrees(_ bytes: [UInt8], _ entry: ZipDirectory.Entry = Self.entry) -> Bool? {
            // true, false, or nil when the header cannot say.
            switch bytes.withUnsafeBytes({ ZipDirectory.localHeader($0, agreesWith: entry) }) {
            case .agrees: return true
            case .differs: return false
            case .cannotSay: return nil
            }
        }
        #expect(agrees(Self.header(crc: 0xDEAD_BEEF, compressed: 3_000_000, uncompressed: 9_000_000)) == true)
        #expect(agrees(Self.header(crc: 0xDEAD_BEEE, compressed: 3_000_000, uncompressed: 9_000_000)) == false)
        #expect(agrees(Self.header(crc: 0xDEAD_BEEF, compressed: 3_000_001, uncompressed: 9_000_000)) == false)
        #expect(agrees(Self.header(crc: 0xDEAD_BEEF, compressed: 3_000_000, uncompressed: 9_004_096)) == false)
        // Sizes after the data (flag bit 3): the header cannot say.
        #expect(agrees(Self.header(flags: 0x8, crc: 0, compressed: 0, uncompressed: 0)) == nil)
        // ZIP64: the sizes in the extra field, uncompressed first.
        var big = Self.entry
        (big.compressedSize, big.uncompressedSize) = (5 << 30, 9 << 30)
        let zip64 = Self.zip64Extra(uncompressed: 9 << 30, compressed: 5 << 30)
        #expect(agrees(Self.header(crc: 0xDEAD_BEEF, compressed: 0xffff_ffff, uncompressed: 0xffff_ffff, extra: zip64), big) == true)
        #expect(agrees(Self.header(crc: 0xDEAD_BEEF, compressed: 0xffff_ffff, uncompressed: 0xffff_ffff,
                                   extra: Self.zip64Extra(uncompressed: 9 << 30, compressed: (5 << 30) + 1)), big) == false)
        // An extra field past the bytes given: cannot say; no header at all: not the member's.
        #expect(agrees(Array(Self.header(crc: 0xDEAD_BEEF, compressed: 3_000_000, uncompressed: 9_000_000, extra: zip64).dropLast(4))) == nil)
        #expect(agrees(Array(repeating: 0, count: 64)) == false)
    }

    /// Every member of every real wheel the tests have repeats its directory entry in its
    /// local header (none has a data descriptor), and a plan given a header with the sizes
    /// after the data reads the member whole.
    @Test func realWheelsAgreeAndADataDescriptorIsReadWhole() throws {
        var members = 0
        for path in InflaterAgreementTests.wheels {
            let mapping = try MappedArchive(path: path)
            defer { mapping.unmap() }
            for (entry, data) in try InflaterAgreementTests.deflatedMembers(mapping.bytes) {
                let header = UnsafeRawBufferPointer(rebasing: mapping.bytes[Int(entry.localHeaderOffset)..<data.lowerBound])
                #expect(ZipDirectory.localHeader(header, agreesWith: entry) == .agrees, "\(path) \(entry.path)")
                members += 1
            }
        }
        #expect(members > 1000)
        var archive = Self.header(flags: 0x8, crc: 0, compressed: 0, uncompressed: 0) + Array(repeating: 0x00, count: 20_000)
        var entry = Self.entry
        entry.compressedSize = 20_000
        let outcome = archive.withUnsafeMutableBytes { bytes in
            PartialMemberPlan.read(archive: UnsafeRawBufferPointer(bytes), entry: entry, wheel: "w.whl", maxReadShare: nil)
        }
        guard case .whole(let reason) = outcome else {
            Issue.record("a member with a data descriptor was not read whole: \(outcome)")
            return
        }
        #expect(reason.contains("data descriptor"))
    }

    /// The central directory's ZIP64 field: the sizes that are 0xffffffff come from it, in
    /// order; a field whose length runs past the entry's extra bytes is not read (the sizes stay
    /// 0xffffffff, which nothing reads as a member's size; the old loop read past the field).
    @Test func directoryZip64FieldsStayInTheirExtra() throws {
        func directory(extra: [UInt8], comment: [UInt8] = []) throws -> ZipDirectory.Entry {
            let record = ZipBytes.centralRecord(name: "a.so", method: 8, crc: 7, compressed: 0xffff_ffff, uncompressed: 0xffff_ffff,
                                                localHeaderOffset: 0, extra: extra, comment: comment, mode: 0o100644)
            return try #require(try record.withUnsafeBytes { try ZipDirectory.parse(directory: $0, offset: 0, limit: 10) }.entries.first)
        }
        let whole = try directory(extra: Self.zip64Extra(uncompressed: 9 << 30, compressed: 5 << 30))
        #expect(whole.uncompressedSize == 9 << 30 && whole.compressedSize == 5 << 30)
        // The field says 16 bytes, the extra holds 8 of them; the comment after it is not read as sizes.
        let cut = try directory(extra: Array(Self.zip64Extra(uncompressed: 9 << 30, compressed: 5 << 30).prefix(12)),
                                comment: Array(repeating: 0x11, count: 16))
        #expect(cut.uncompressedSize == 9 << 30 && cut.compressedSize == 0xffff_ffff)
    }

    /// A ZIP64 field that puts a member's local header near 2^64 (basefit crashed on it, the
    /// offset plus 30 overflowing) or past the archive: that member is not scanned and says
    /// why, the rest of the wheel is read.
    @Test(arguments: [UInt64.max - 15, 1 << 40, UInt64(Int64.max)])
    func aLocalHeaderOutsideTheArchiveIsUnjudged(offset: UInt64) throws {
        let bytes = ZipBytes.wheel(localHeaderAt: offset, padding: 64)
        let read = try bytes.withUnsafeBytes { try WheelReader.read($0, wheel: "hostile-1.0-py3-none-any.whl") }
        #expect(read.results.isEmpty)
        #expect(read.contents.unjudged == ["member pkg/x.so cannot be read: local header past the end"])
        // The same wheel with the true offset reads the member (the builder is right).
        let honest = ZipBytes.wheel(localHeaderAt: ZipBytes.honestOffset(padding: 64), padding: 64)
        let good = try honest.withUnsafeBytes { try WheelReader.read($0, wheel: "hostile-1.0-py3-none-any.whl") }
        #expect(good.contents.unjudged.isEmpty && good.results.count == 1, "\(good.contents.unjudged)")
    }
}
