import Foundation
import Testing
import TestSupport
@testable import ProjectScan

/// A wheel on disk reads its big deflated ELF members by their start and end
/// (`WheelReader.PartialReads.inMemory`, `PartialMemberPlan`). The oracle is the same wheel
/// with every member inflated whole and its CRC-32 checked: every artifact, failure and
/// warning must be the same, on every real wheel the tests have with a member big enough.
struct LocalPartialReadTests {
    /// Every member of 256 KiB or more compressed by its ends, however much of it the end is.
    static let everyBigMember = WheelReader.PartialReads(threshold: 256 << 10, maxReadShare: nil)

    static let wheels: [String] = InflaterAgreementTests.wheels.filter { path in
        guard let mapping = try? MappedArchive(path: path) else { return false }
        defer { mapping.unmap() }
        return ((try? InflaterAgreementTests.deflatedMembers(mapping.bytes)) ?? []).contains { $0.data.count >= 256 << 10 }
    }

    struct Read: Equatable {
        var artifacts: [Artifact]
        var failures: [String]
        var warnings: [String]
        var unjudged: [String]
        var declaredTags: [String]
        var partialMembers: Int
    }

    static func read(_ path: String, _ partial: WheelReader.PartialReads) throws -> Read {
        let read = try WheelReader.read(fileSystemPath: path, wheel: "w.whl", partial: partial)
        var artifacts: [Artifact] = [], failures: [String] = []
        for result in read.results {
            switch result {
            case .success(let artifact): artifacts.append(artifact)
            case .failure(let error): failures.append(error.detail)
            }
        }
        return Read(artifacts: artifacts, failures: failures, warnings: read.contents.warnings, unjudged: read.contents.unjudged,
                    declaredTags: read.contents.declaredTags,
                    partialMembers: read.contents.partialMembers)
    }

    @Test func thereAreWheelsWithBigMembers() {
        #expect(Self.wheels.count >= 5, "\(Self.wheels)")
    }

    @Test(arguments: wheels)
    func byTheirEndsGivesTheWholeFacts(_ path: String) throws {
        let name = (path as NSString).lastPathComponent
        var whole = try Self.read(path, .never)
        #expect(whole.partialMembers == 0)
        #expect(!whole.artifacts.isEmpty, "\(name)")
        for partial in [WheelReader.PartialReads.inMemory, Self.everyBigMember] {
            var ends = try Self.read(path, partial)
            print("\(name): \(ends.partialMembers) of \(ends.artifacts.count) ELF members by their ends (threshold \(partial.threshold!), share \(partial.maxReadShare.map { "\($0)" } ?? "any"))")
            #expect(ends.partialMembers <= ends.artifacts.count)
            (ends.partialMembers, whole.partialMembers) = (0, 0)
            #expect(ends == whole, "\(name)")
        }
    }

    /// Over the wheels, the plan reads members by their ends (it is not always falling back).
    @Test func bigMembersAreReadByTheirEnds() throws {
        var inMemory = 0, every = 0
        for path in Self.wheels {
            inMemory += try Self.read(path, .inMemory).partialMembers
            every += try Self.read(path, Self.everyBigMember).partialMembers
        }
        print("\(inMemory) members by their ends as scans read them, \(every) with every member of 256 KiB or more tried, over \(Self.wheels.count) wheels")
        #expect(inMemory >= Self.wheels.count / 2)
        #expect(every >= inMemory)
    }

    /// What `scan` reports of a wheel says how many members were read by their ends.
    @Test func theWheelSummaryCountsThem() throws {
        guard let path = LocalIndex.cachedFile("cryptography-43.0.3-cp39-abi3-musllinux_1_2_x86_64.whl") else { return }
        let wheel = try Scanner.inspectWheel(fileSystemPath: path, path: "c.whl")
        #expect(wheel.summary.elfMembers == 2)
        #expect(wheel.summary.membersByTheirEnds == 1, "the 3.9 MB _rust.abi3.so; libgcc_s is small")
        #expect(wheel.summary.membersByTheirEnds == (try Self.read(path, .inMemory)).partialMembers)
    }

    /// The end read in place in the archive (as a wheel on disk is read) asks for the same
    /// reads and comes to the same outcome as the end given in copied pieces (as over a
    /// network), for every big member, with and without a cap on the share read; and a
    /// directory entry whose CRC-32 or sizes its local header does not repeat (past the
    /// archive's end, short of the member's, a larger or smaller size, another CRC-32) is never
    /// read by its ends: its end would be placed by a wrong size.
    @Test func inPlaceReadsAreThePiecesReads() throws {
        var compared = 0, byEnds = 0, endsInside = 0, resolved = 0
        for path in Self.wheels {
            let mapping = try MappedArchive(path: path)
            defer { mapping.unmap() }
            let archive = mapping.bytes
            for (real, data) in try InflaterAgreementTests.deflatedMembers(archive) where data.count >= 256 << 10 {
                var lying = [real, real, real, real, real]  // then one more
                lying[1].compressedSize = UInt64(archive.count - data.lowerBound + 1)
                lying[2].compressedSize -= 1000
                lying[3].uncompressedSize += 4096
                lying[4].uncompressedSize -= 1
                lying.append(real)
                lying[5].crc32 ^= 1
                // Last, the real entry in an archive cut short inside the member's data.
                let cutShort = UnsafeRawBufferPointer(rebasing: mapping.bytes[..<(data.upperBound - data.count / 8)])
                for (entry, share, archive) in lying.map({ ($0, 0.25, archive) }) + [(real, nil, archive), (real, nil, cutShort)]
                    as [(ZipDirectory.Entry, Double?, UnsafeRawBufferPointer)] {
                    func run(inPlace: Bool) -> (steps: [Range<Int>], outcome: String) {
                        var plan = PartialMemberPlan(entry: entry, wheel: "w.whl", maxReadShare: share)
                        var steps: [Range<Int>] = []
                        var step = plan.start()
                        while case .read(let offset, let count) = step {
                            steps.append(offset..<(offset + count))
                            let lower = min(max(offset, 0), archive.count), upper = min(lower + max(count, 0), archive.count)
                            step = inPlace ? plan.received(inPlace: archive, offset: offset, count: count)
                                : plan.received([UInt8](archive[lower..<upper]))
                        }
                        guard case .finished(let outcome) = step else { return (steps, "") }
                        switch outcome {
                        case .artifact(let artifact): return (steps, "artifact \(artifact)")
                        case .notELF: return (steps, "not ELF")
                        case .whole(let reason): return (steps, "whole: \(reason)")
                        }
                    }
                    let inPlace = run(inPlace: true), pieces = run(inPlace: false)
                    // In place, an end whose 0x00 pass was left out and is then needed
                    // (`DeflateTail.undecided`) is read again, from where it was read last (in
                    // pieces it is at hand): free in place, and never fetched again.
                    let again = inPlace.steps.indices.filter { index in
                        inPlace.steps[index].upperBound == data.upperBound
                            && inPlace.steps[..<index].contains { $0.lowerBound == inPlace.steps[index].lowerBound }
                    }
                    resolved += again.count
                    #expect(inPlace.steps.indices.filter { !again.contains($0) }.map { inPlace.steps[$0] } == pieces.steps, "\(path) \(entry)")
                    #expect(inPlace.outcome == pieces.outcome, "\(path) \(entry)")
                    if entry != real {
                        #expect(inPlace.outcome == "whole: the local header's CRC-32 or sizes are not the directory's", "\(path) \(entry)")
                    } else if archive.count < mapping.bytes.count {
                        #expect(inPlace.outcome.hasPrefix("whole: "), "\(path) \(entry)")
                        if inPlace.outcome == "whole: the archive ends inside the member" { endsInside += 1 }
                    }
                    compared += 1
                    if inPlace.outcome.hasPrefix("artifact") { byEnds += 1 }
                }
            }
        }
        print("\(compared) plans compared, \(byEnds) read by their ends, \(endsInside) found the archive cut short, \(resolved) ends read again to decide bytes")
        #expect(byEnds >= Self.wheels.count / 2)
        #expect(resolved > 0, "some end's undecided bytes are needed")
        #expect(endsInside >= Self.wheels.count / 2)
    }

    /// A directory that declares a big member's size 4 KiB off (one bit flipped): read by
    /// its ends, the member's end would sit 4 KiB from where it belongs, and the facts would be
    /// another file's (basefit before this test said numpy's `_multiarray_umath` needs no
    /// library and loads on either libc); read as scans read it, the wheel gives exactly what
    /// the whole read gives: that member damaged and not scanned, the others as they are.
    @Test func aWrongDeclaredSizeIsWhatTheWholeReadSays() throws {
        guard let path = LocalIndex.cachedFile("numpy-2.1.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl") else {
            Issue.record("numpy's wheel could not be had from PyPI")
            return
        }
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let name = Array("numpy/_core/_multiarray_umath.cpython-312-x86_64-linux-gnu.so".utf8)
        // The member's central directory record (its uncompressed size at +24).
        let signature: [UInt8] = [0x50, 0x4b, 0x01, 0x02]
        func isRecord(_ at: Int) -> Bool {
            Array(bytes[at..<(at + 4)]) == signature && Array(bytes[(at + 46)..<(at + 46 + name.count)]) == name
        }
        let record = try #require((0..<(bytes.count - 46 - name.count)).last(where: isRecord))
        bytes[record + 25] ^= 0x10
        let damaged = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-size-\(getpid()).whl")
        try Data(bytes).write(to: damaged)
        defer { try? FileManager.default.removeItem(at: damaged) }
        let whole = try Self.read(damaged.path, .never)
        #expect(whole.unjudged.contains { $0.contains("_multiarray_umath") && $0.contains("inflates past") }, "\(whole.unjudged)")
        #expect(!whole.artifacts.contains { $0.path.contains("_multiarray_umath") })
        for partial in [WheelReader.PartialReads.inMemory, Self.everyBigMember] {
            var ends = try Self.read(damaged.path, partial)
            ends.partialMembers = 0
            #expect(ends == whole)
        }
    }
}
