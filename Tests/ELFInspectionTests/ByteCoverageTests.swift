import ELFInspection
import Foundation
import Testing
import TestSupport

/// An image read in part (a wheel member inflated at its start and end) is inspected with a
/// `ByteCoverage`: the facts are exactly the whole file's, or the inspection throws
/// `.incomplete`. Never other facts. Checked on every fixture with holes at every position,
/// the holes filled with garbage so that a read of one would show.
struct ByteCoverageTests {
    static func inspect(_ bytes: [UInt8], path: String, coverage: ByteCoverage?) -> Result<BinaryFacts, ELFError> {
        var scratch = bytes
        return scratch.withUnsafeMutableBytes { memory in
            Result { () throws(ELFError) in try ELFInspector.inspect(lending: memory, path: path, coverage: coverage) }
        }
    }

    @Test(arguments: TestPaths.elfFixtures)
    func holesGiveTheWholeFactsOrIncomplete(_ name: String) throws {
        let path = TestPaths.elf(name)
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        let whole = try Self.inspect(bytes, path: path, coverage: nil).get()
        let size = UInt64(bytes.count)
        #expect(try Self.inspect(bytes, path: path, coverage: ByteCoverage([0..<size])).get() == whole)

        var generator = SplitMix(seed: UInt64(bytes.count))
        var same = 0, incomplete = 0
        let holes = 48
        for index in 0..<holes {
            let start = size * UInt64(index) / UInt64(holes)
            let end = max(start + 1, size * UInt64(index + 1) / UInt64(holes))
            var damaged = bytes
            for offset in Int(start)..<Int(end) { damaged[offset] = UInt8.random(in: 0...255, using: &generator) }
            switch Self.inspect(damaged, path: path, coverage: ByteCoverage([0..<start, end..<size])) {
            case .success(let facts):
                #expect(facts == whole, "\(name): a hole at \(start)..<\(end) changed the facts")
                same += 1
            case .failure(let error):
                #expect(error.kind == .incomplete, "\(name): a hole at \(start)..<\(end) of \(size): \(error)")
                incomplete += 1
            }
        }
        // The header is always needed; in a file of some size most of the middle is not.
        #expect(incomplete >= 1)
        if size > 64 * 1024 { #expect(same >= holes / 2, "\(name): \(same) of \(holes) holes read around") }
    }

    /// FuzzELF found these: libelf refusing the image for garbage in the hole (it reads the
    /// header tables when it opens one) must be `.incomplete`, not "malformed"; and a table that
    /// lies past the end of the file is judged as in a whole file, not called unread.
    @Test func fuzzFindingsGiveTheWholeFactsOrIncomplete() throws {
        let path = TestPaths.fixtures.appendingPathComponent("hostile/fuzz/elf-coverage-libelf-refuses-hole").path
        let found = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        let holed = found.enumerated().map { index, byte in (499..<972).contains(index) ? UInt8(truncatingIfNeeded: index &* 167 &+ 13) : byte }
        let result = Self.inspect(holed, path: path, coverage: ByteCoverage([0..<499, 972..<UInt64(found.count)]))
        #expect(throws: Never.self) { try Self.inspect(found, path: path, coverage: nil).get() }
        guard case .failure(let error) = result else { Issue.record("facts from an image libelf refuses"); return }
        #expect(error.kind == .incomplete && error.missing == 499..<972, "\(error)")

        // The section names' table moved past the end of a real file; a hole elsewhere.
        let fixture = TestPaths.elf("hello-glibc")
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: fixture)))
        func word(_ at: Int, _ width: Int) -> Int { (0..<width).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        let names = word(0x28, 8) + word(0x3e, 2) * 64
        for index in 0..<8 { bytes[names + 0x18 + index] = UInt8((bytes.count + 4096) >> (8 * index) & 0xff) }
        let whole = Self.inspect(bytes, path: fixture, coverage: nil)
        let hole = UInt64(bytes.count / 2)..<UInt64(bytes.count / 2 + 64)
        let partial = Self.inspect(bytes, path: fixture, coverage: ByteCoverage([0..<hole.lowerBound, hole.upperBound..<UInt64(bytes.count)]))
        #expect(partial == whole)
    }

    @Test func coverageMergesAndAnswersExactly() {
        let coverage = ByteCoverage([10..<20, 0..<5, 5..<8, 19..<25, 30..<30])
        #expect(coverage.ranges == [0..<8, 10..<25])
        #expect(coverage.covers(0, count: 8))
        #expect(!coverage.covers(0, count: 9))
        #expect(coverage.covers(12, count: 13))
        #expect(!coverage.covers(24, count: 2))
        #expect(coverage.covers(100, count: 0))
        #expect(!coverage.covers(UInt64.max, count: 2))
        #expect(coverage.byteCount == 23)
        // Sorted input (the fast path) merges the same way, empty ranges and all.
        #expect(ByteCoverage([0..<5, 5..<8, 8..<8, 10..<20, 19..<25, 30..<30]) == coverage)
        #expect(ByteCoverage([]).ranges.isEmpty && ByteCoverage([3..<3]).ranges.isEmpty)
    }

    /// Ranges inserted one at a time, in any order, overlapping, touching or empty, give what
    /// the whole list gives at once, and what a set of the bytes says (the model); a list
    /// already kept so is taken as it is.
    @Test func insertingKeepsTheRangesAsTheCoverageKeepsThem() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<400 {
            var ranges: [Range<UInt64>] = []
            var kept: [Range<UInt64>] = []
            var model = Set<UInt64>()
            for _ in 0..<Int.random(in: 0...30, using: &generator) {
                let lower = UInt64.random(in: 0...200, using: &generator)
                let range = lower..<(lower + UInt64.random(in: 0...(round % 2 == 0 ? 4 : 40), using: &generator))
                ranges.append(range)
                ByteCoverage.insert(range, into: &kept)
                model.formUnion(range)
                #expect(ByteCoverage.isNormal(kept), "\(kept)")
            }
            let whole = ByteCoverage(ranges)
            #expect(kept == whole.ranges, "\(ranges)")
            #expect(Set(kept.flatMap { $0 }) == model)
            #expect(whole.byteCount == UInt64(model.count))
            for offset in UInt64(0)...250 {
                #expect(whole.covers(offset, count: 3) == (offset..<(offset + 3)).allSatisfy(model.contains))
            }
            // Kept so, the list is taken as it is: the same storage, not a copy.
            let adopted = ByteCoverage(kept)
            #expect(adopted.ranges == kept)
            #expect(kept.isEmpty || adopted.ranges.withUnsafeBufferPointer(\.baseAddress) == kept.withUnsafeBufferPointer(\.baseAddress))
        }
        #expect(!ByteCoverage.isNormal([0..<5, 5..<8]) && !ByteCoverage.isNormal([4..<5, 0..<2]) && !ByteCoverage.isNormal([1..<1]))
        #expect(ByteCoverage.isNormal([0..<5, 6..<8]) && ByteCoverage.isNormal([]))
    }

    /// The union of two kept lists, merged in one pass, is kept so and holds exactly the bytes
    /// of both (the model: a set), whether they interleave, overlap, touch or nest.
    @Test func theUnionOfTwoKeptListsIsTheirBytes() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<400 {
            var lists: [[Range<UInt64>]] = [[], []]
            var model = Set<UInt64>()
            for index in 0..<2 {
                for _ in 0..<Int.random(in: 0...20, using: &generator) {
                    let lower = UInt64.random(in: 0...300, using: &generator)
                    let range = lower..<(lower + UInt64.random(in: 0...(round % 2 == 0 ? 5 : 60), using: &generator))
                    ByteCoverage.insert(range, into: &lists[index])
                    model.formUnion(range)
                }
            }
            let union = ByteCoverage.union(lists[0], lists[1])
            #expect(ByteCoverage.isNormal(union), "\(lists)")
            #expect(Set(union.flatMap { $0 }) == model, "\(lists)")
            #expect(union == ByteCoverage.union(lists[1], lists[0]))
        }
        #expect(ByteCoverage.union([0..<5, 9..<12], [5..<9]) == [0..<12])
    }
}
