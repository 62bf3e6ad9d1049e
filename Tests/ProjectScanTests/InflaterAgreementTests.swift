import Foundation
import Testing
import TestSupport
@testable import ProjectScan

/// The wheel reader inflates whole members with libdeflate and falls back to zlib's stream
/// when libdeflate refuses them. These tests hold libdeflate to zlib on every member of
/// every real wheel the tests have (the committed `Fixtures/projects/wheels` and the PyPI
/// wheels of `LocalIndex.testWheels`, downloaded when missing), and on damaged copies of real members:
/// libdeflate must give zlib's bytes or nothing, never something zlib would refuse.
struct InflaterAgreementTests {
    static let wheels: [String] = {
        let committed = TestPaths.fixtures.appendingPathComponent("projects/wheels").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: committed)) ?? [])
            .filter { $0.hasSuffix(".whl") }.sorted().map { committed + "/" + $0 }
            + (LocalIndex.cachedFiles(LocalIndex.testWheels) ?? [])
    }()

    /// Each deflated member's data in the mapped archive, as the wheel reader finds it.
    static func deflatedMembers(_ archive: UnsafeRawBufferPointer) throws -> [(entry: ZipDirectory.Entry, data: Range<Int>)] {
        let tail = UnsafeRawBufferPointer(rebasing: archive[(archive.count - min(archive.count, ZipDirectory.tailLength))...])
        let located = try ZipDirectory.locate(tail: tail, archiveSize: UInt64(archive.count))
        let start = Int(located.offset)
        let directory = try ZipDirectory.parse(
            directory: UnsafeRawBufferPointer(rebasing: archive[start..<(start + Int(located.size))]), offset: located.offset, limit: 200_000)
        return try directory.entries.filter { $0.method == 8 && !$0.isDirectory && $0.uncompressedSize <= 64 << 20 }.map { entry in
            let header = UnsafeRawBufferPointer(rebasing: archive[Int(entry.localHeaderOffset)..<(Int(entry.localHeaderOffset) + 30)])
            let dataStart = Int(try ZipDirectory.dataOffset(localHeader: header, at: entry.localHeaderOffset))
            return (entry, dataStart..<(dataStart + Int(entry.compressedSize)))
        }
    }

    @Test func thereAreRealWheels() {
        #expect(Self.wheels.count >= 9, "the committed wheels at least")
    }

    @Test(arguments: wheels)
    func libdeflateGivesZlibsBytes(_ wheel: String) throws {
        let mapping = try MappedArchive(path: wheel)
        defer { mapping.unmap() }
        let members = try Self.deflatedMembers(mapping.bytes)
        try #require(!members.isEmpty)
        for (entry, data) in members {
            let compressed = UnsafeRawBufferPointer(rebasing: mapping.bytes[data])
            let slow = try Inflater.streamed(compressed, declaredSize: Int(entry.uncompressedSize))
            let fast = Inflater.whole(compressed, declaredSize: Int(entry.uncompressedSize))
            #expect(fast == slow || (fast == nil && entry.uncompressedSize == 0), "\(wheel)!/\(entry.path)")
            #expect(Inflater.checksum(slow) == entry.crc32, "\(wheel)!/\(entry.path)")
            // The whole path (magic peek, libdeflate, CRC) as the reader calls it.
            let elf = slow.starts(with: WheelReader.elfMagic)
            let read = Result { () throws(Inflater.Failure) in
                try Inflater.inflate(compressed, method: 8, declaredSize: Int(entry.uncompressedSize), crc32: entry.crc32,
                                     magic: WheelReader.elfMagic)
            }
            if entry.uncompressedSize >= 4 {
                #expect(elf ? (try? read.get()) == slow : read == .failure(.wrongMagic), "\(wheel)!/\(entry.path)")
            }
        }
    }

    /// Damaged copies of real ELF members (cut short, one byte changed, declared too small
    /// or too large): libdeflate gives zlib's bytes or refuses, and `inflate` then fails
    /// exactly as zlib alone does.
    @Test func damagedMembersFailAsZlibSays() throws {
        let wheel = TestPaths.fixtures.appendingPathComponent(
            "projects/wheels/cffi-2.1.1-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl").path
        let mapping = try MappedArchive(path: wheel)
        defer { mapping.unmap() }
        let members = try Self.deflatedMembers(mapping.bytes).filter { $0.entry.path.hasSuffix(".so") }
        try #require(!members.isEmpty)
        var generator = SplitMix(seed: 0x5eed)
        var compared = 0
        for (entry, data) in members {
            let original = [UInt8](UnsafeRawBufferPointer(rebasing: mapping.bytes[data]))
            let size = Int(entry.uncompressedSize)
            var cases: [(bytes: [UInt8], declared: Int)] = [(original, size - 1), (original, size + 1), (original, size / 2)]
            for fraction in [0.1, 0.5, 0.9, 0.999] { cases.append((Array(original.prefix(Int(Double(original.count) * fraction))), size)) }
            for _ in 0..<40 {
                var changed = original
                let at = Int(generator.next() % UInt64(changed.count))
                changed[at] ^= UInt8(1 + generator.next() % 255)
                cases.append((changed, size))
            }
            for (bytes, declared) in cases {
                bytes.withUnsafeBytes { compressed in
                    let zlib = Result { () throws(Inflater.Failure) in try Inflater.streamed(compressed, declaredSize: declared) }
                    if let fast = Inflater.whole(compressed, declaredSize: declared) {
                        #expect(zlib == .success(fast), "libdeflate gave bytes zlib does not")
                    }
                    let expected = zlib.flatMap { output -> Result<[UInt8], Inflater.Failure> in
                        Inflater.checksum(output) == entry.crc32 ? .success(output) : .failure(.damaged("CRC-32 mismatch"))
                    }
                    let actual = Result { () throws(Inflater.Failure) in
                        try Inflater.inflate(compressed, method: 8, declaredSize: declared, crc32: entry.crc32, magic: nil)
                    }
                    #expect(actual == expected, "\(entry.path), declared \(declared) of \(size)")
                    compared += 1
                }
            }
        }
        #expect(compared >= 47)
    }
}
