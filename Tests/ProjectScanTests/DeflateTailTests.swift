import Foundation
import Testing
import TestSupport
import ELFInspection
@testable import ProjectScan

/// `DeflateTail` inflates the end of a real wheel's ELF member from a slice starting in the
/// middle of its compressed data; the oracle is the member inflated whole from its start
/// and zlib's own block boundaries from the start. Every byte it calls known must be the
/// oracle's.
struct DeflateTailTests {
    static let wheels = [
        "numpy-2.1.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "numpy-2.1.3-cp313-cp313-musllinux_1_2_aarch64.whl",
        "cryptography-43.0.3-cp39-abi3-manylinux_2_28_x86_64.whl",
        "cryptography-43.0.3-cp39-abi3-musllinux_1_2_x86_64.whl",
        "pydantic_core-2.23.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "psycopg2_binary-2.9.10-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "pydantic_core-2.23.4-cp312-cp312-musllinux_1_1_x86_64.whl",
    ]

    struct Member {
        let path: String
        let compressed: [UInt8]
        let whole: [UInt8]
    }

    /// The wheel's deflated ELF members of at least `minimum` compressed bytes, with their
    /// oracle inflation; nil (and a message) when the wheel cannot be had from PyPI.
    static func elfMembers(_ file: String, minimum: Int = 256 << 10) throws -> [Member]? {
        guard let path = LocalIndex.cachedFile(file) else { return nil }
        let mapping = try MappedArchive(path: path)
        defer { mapping.unmap() }
        return try InflaterAgreementTests.deflatedMembers(mapping.bytes).filter { $0.data.count >= minimum }.compactMap { entry, data in
            let compressed = UnsafeRawBufferPointer(rebasing: mapping.bytes[data])
            let whole = try Inflater.inflate(compressed, method: 8, declaredSize: Int(entry.uncompressedSize), crc32: entry.crc32, magic: nil)
            guard whole.starts(with: WheelReader.elfMagic) else { return nil }
            return Member(path: entry.path, compressed: [UInt8](compressed), whole: whole)
        }
    }

    /// How many bytes of `tail`'s known ranges differ from `whole` (memcmp per range, then a count where one differs).
    static func wrongKnownBytes(_ tail: DeflateTail, _ whole: [UInt8]) -> Int {
        tail.bytes.withUnsafeBytes { bytes in
            whole.withUnsafeBytes { oracle in
                tail.knownOffsets.reduce(0) { sum, range in
                    guard range.lowerBound >= tail.start, range.upperBound <= whole.count,
                          range.upperBound - tail.start <= bytes.count else { return sum + range.count }
                    let mine = bytes.baseAddress! + (range.lowerBound - tail.start), theirs = oracle.baseAddress! + range.lowerBound
                    guard memcmp(mine, theirs, range.count) != 0 else { return sum }
                    return sum + range.filter { tail.bytes[$0 - tail.start] != whole[$0] }.count
                }
            }
        }
    }

    /// The ranges where `a` and `b` agree, a byte at a time, cut at the first run of `untilRunOf`
    /// (which then goes on to the end): the oracle for `DeflateTail.agreeing`.
    static func byteByByte(_ a: [UInt8], _ b: [UInt8], untilRunOf run: Int?) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < a.count {
            guard a[index] == b[index] else { index += 1; continue }
            let start = index
            while index < a.count && a[index] == b[index] { index += 1 }
            if let run, index - start >= run { return ranges + [start..<a.count] }
            ranges.append(start..<index)
        }
        return ranges
    }

    /// The known ranges as two whole libdeflate passes from the tail's block give them (behind
    /// windows of 0x00 and 0xFF, compared byte by byte to the end, then cut at the first run of
    /// a window's length); nil when a pass fails.
    static func knownByTwoWholePasses(_ compressed: [UInt8], sliceStart: Int, tail: DeflateTail) -> [Range<Int>]? {
        let window = PrimedStream.windowSize
        let passes: [[UInt8]?] = ([0x00, 0xFF] as [UInt8]).map { fill in
            var output = [UInt8](repeating: 0x5A, count: window + tail.count + 1)
            let count = compressed.withUnsafeBytes { bytes in
                output.withUnsafeMutableBufferPointer {
                    Inflater.primed(UnsafeRawBufferPointer(rebasing: bytes[sliceStart...]), startBit: tail.blockBit, fill: fill, into: $0)
                }
            }
            return count == tail.count ? Array(output[window..<(window + tail.count)]) : nil
        }
        guard let zero = passes[0], let full = passes[1] else { return nil }
        return byteByByte(zero, full, untilRunOf: window).map { (tail.start + $0.lowerBound)..<(tail.start + $0.upperBound) }
    }

    /// Fed a chunk at a time (as the 0x00 pass gives them), the comparison finds what it finds
    /// fed everything at once, whatever the chunks' sizes, and says it is finished as soon as
    /// the run that goes on to the end is found.
    @Test func agreementFedInChunksIsTheWholeComparison() {
        var generator = SystemRandomNumberGenerator()
        for density in [0.001, 0.05, 0.5] {
            for run in [nil, 9, 64, 700] as [Int?] {
                let length = Int.random(in: 1_000...20_000, using: &generator)
                let a = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let b = a.map { Double.random(in: 0..<1, using: &generator) < density ? $0 ^ 0x41 : $0 }
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        let whole = DeflateTail.agreeing(a, b, untilRunOf: run)
                        // Offset by a base (a member's end starts in its middle): the same ranges, moved.
                        let base = UInt64.random(in: 0...(1 << 40), using: &generator)
                        var agreement = DeflateTail.Agreement(count: length, untilRunOf: run, base: base)
                        var finishedAt: Int?
                        while agreement.compared < length && finishedAt == nil {
                            let from = agreement.compared, size = min(length - from, Int.random(in: 1...300, using: &generator))
                            if agreement.compare(UnsafeBufferPointer(rebasing: a[from..<(from + size)]),
                                                 UnsafeBufferPointer(rebasing: b[from..<(from + size)])) {
                                finishedAt = from + size
                            }
                        }
                        #expect(agreement.finished && agreement.ranges.map { Int($0.lowerBound - base)..<Int($0.upperBound - base) } == whole,
                                "density \(density), run \(String(describing: run))")
                        // Finished in the chunk where the run reached its length, or at the last byte.
                        if let run, let last = whole.last, last.upperBound == length, last.count >= run, let finishedAt {
                            #expect(finishedAt < last.lowerBound + run + 300, "finished at \(finishedAt), run from \(last.lowerBound)")
                        }
                    }
                }
            }
        }
    }

    /// Left with the 0xFF pass alone (`settleByTheFullPass`), the comparison keeps what it
    /// compared (closing the run it was reading), adds each run of bytes other than 0xFF at
    /// least `shortest` long (or going on from that run), and everything from the first such
    /// run a window long; with no such run, it says so and changes nothing. The oracle is a
    /// byte-by-byte rule over random passes: 0xFF bytes dense or sparse, runs and words cut
    /// anywhere, a window of a few bytes to a few hundred (fails when the run that goes to the
    /// end starts a byte off, or a word's 0xFF bytes past its first are missed).
    @Test func settlingByTheFullPassIsTheByteByByteRule() {
        var generator = SystemRandomNumberGenerator()
        var settled = 0, unsettled = 0
        for density in [0.0, 0.003, 0.03, 0.2, 0.7] {
            for window in [1, 9, 64, 300] {
                for shortest in [1, 8, 64] {
                    for _ in 0..<16 {
                        let length = Int.random(in: 0...4000, using: &generator)
                        var full = (0..<length).map { _ in Double.random(in: 0..<1, using: &generator) < density ? UInt8(0xFF) : UInt8.random(in: 0...0xFE, using: &generator) }
                        // Sometimes a stretch with no 0xFF, somewhere.
                        if length > 0, Bool.random(using: &generator) {
                            let from = Int.random(in: 0..<length, using: &generator), to = min(length, from + Int.random(in: 0...600, using: &generator))
                            for index in from..<to where full[index] == 0xFF { full[index] = 0x41 }
                        }
                        let zero = full.map { $0 == 0xFF && Bool.random(using: &generator) ? UInt8(0x00) : $0 }
                        let compared = Int.random(in: 0...length, using: &generator)
                        let base = UInt64.random(in: 0...(1 << 40), using: &generator)
                        var agreement = DeflateTail.Agreement(count: length, untilRunOf: window, base: base)
                        let settles = zero.withUnsafeBufferPointer { zero in
                            full.withUnsafeBufferPointer { full in
                                _ = agreement.compare(UnsafeBufferPointer(rebasing: zero[..<compared]), UnsafeBufferPointer(rebasing: full[..<compared]))
                                return agreement.finished ? nil : agreement.settleByTheFullPass(full, window: window, shortest: shortest)
                            }
                        }
                        guard let settles else { continue }
                        // The oracle: the runs compared (cut at `compared`), then the rule.
                        var ranges = Self.byteByByte(Array(zero[..<compared]), Array(full[..<compared]), untilRunOf: nil)
                        let openRun = ranges.last?.upperBound == compared
                        var runFrom = compared, longRun: Int?
                        for index in compared...length where index == length || full[index] == 0xFF {
                            if index - runFrom >= window { longRun = runFrom; break }
                            if index > runFrom, index - runFrom >= shortest || (runFrom == compared && openRun) {
                                if ranges.last?.upperBound == runFrom { ranges[ranges.count - 1] = ranges.last!.lowerBound..<index } else { ranges.append(runFrom..<index) }
                            }
                            runFrom = index + 1
                        }
                        let label = "length \(length), density \(density), window \(window), shortest \(shortest), compared \(compared)"
                        #expect(settles == (longRun != nil), "\(label)")
                        if let longRun {
                            if ranges.last?.upperBound == longRun { ranges[ranges.count - 1] = ranges.last!.lowerBound..<length } else { ranges.append(longRun..<length) }
                            #expect(agreement.finished && agreement.compared == length, "\(label)")
                            #expect(agreement.ranges.map { Int($0.lowerBound - base)..<Int($0.upperBound - base) } == ranges, "\(label)")
                            settled += 1
                        } else {
                            // Nothing changed: the comparison goes on as if never asked.
                            #expect(!agreement.finished && agreement.compared == compared, "\(label)")
                            let rest = zero.withUnsafeBufferPointer { zero in
                                full.withUnsafeBufferPointer { full in
                                    agreement.compare(UnsafeBufferPointer(rebasing: zero[compared...]), UnsafeBufferPointer(rebasing: full[compared...]))
                                }
                            }
                            #expect(rest && agreement.ranges.map { Int($0.lowerBound - base)..<Int($0.upperBound - base) }
                                        == Self.byteByByte(zero, full, untilRunOf: window), "\(label)")
                            unsettled += 1
                        }
                    }
                }
            }
        }
        print("\(settled) comparisons settled by the 0xFF pass, \(unsettled) not")
        #expect(settled > 40 && unsettled > 40)
    }

    /// The comparison of the two passes stops at the first run of agreeing bytes as long as the
    /// window and takes the rest as agreeing; before it, every disagreement is found.
    @Test func agreeingStopsAfterAWholeWindow() {
        var a = [UInt8](repeating: 7, count: 100_000), b = a
        for index in [3, 40, 41, 9_000, 20_000, 90_000] { b[index] = 8 }
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                #expect(DeflateTail.agreeing(a, b) == [0..<3, 4..<40, 42..<9_000, 9_001..<20_000, 20_001..<90_000, 90_001..<100_000])
                // 20_001..<90_000 is the first run of 32768: from it on, nothing more is compared.
                #expect(DeflateTail.agreeing(a, b, untilRunOf: 32768) == [0..<3, 4..<40, 42..<9_000, 9_001..<20_000, 20_001..<100_000])
                #expect(DeflateTail.agreeing(a, b, untilRunOf: 100_000) == DeflateTail.agreeing(a, b))
            }
        }
    }

    /// The word-wise comparison finds exactly the runs a byte-by-byte one finds, whatever the
    /// lengths, the density of differences, where runs start and end inside a word, and the
    /// run that ends the comparison (fails when a run that ends in a word's last byte, or one
    /// that starts in its first, is taken one byte off).
    @Test func agreeingIsTheByteByByteComparison() {
        var generator = SystemRandomNumberGenerator()
        var cases = 0
        for density in [0.0, 0.01, 0.1, 0.3, 0.5, 0.9, 1.0] {
            for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 5000] {
                for run in [nil, 1, 2, 7, 8, 9, 40, 300] as [Int?] {
                    let a = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                    let b = a.map { Double.random(in: 0..<1, using: &generator) < density ? $0 ^ UInt8.random(in: 1...255, using: &generator) : $0 }
                    let mine = a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in DeflateTail.agreeing(a, b, untilRunOf: run) } }
                    #expect(mine == Self.byteByByte(a, b, untilRunOf: run), "length \(length), density \(density), run \(String(describing: run))")
                    cases += 1
                }
            }
        }
        #expect(cases == 7 * 13 * 8)
    }

    @Test(arguments: wheels)
    func tailsOfLargeELFMembersAreExact(_ wheel: String) throws {
        guard let members = try Self.elfMembers(wheel) else { return }
        try #require(!members.isEmpty, "\(wheel) has an ELF member of 256 KiB compressed or more")
        var resolvedTails = 0
        defer {
            print("\(wheel): \(resolvedTails) tails left the 0x00 pass out")
            // Where it was measured to (the end of cryptography's library: a 0xFF every 34 bytes
            // before its unstripped string table, none for megabytes in it).
            if wheel.hasPrefix("cryptography-43.0.3-cp39-abi3-manylinux") { #expect(resolvedTails > 0) }
        }
        for member in members {
            let size = member.whole.count
            let trueStarts = try #require(member.compressed.withUnsafeBytes { Inflater.blockStarts($0, uncompressedSize: size) })
            let starts = Set(trueStarts)
            var fractions = [0.5, 0.75, 0.9]
            if member.compressed.count > 4 << 20 { fractions.append(0.97) }
            for fraction in fractions {
                let sliceStart = Int(Double(member.compressed.count) * fraction)
                let label = "\(wheel)!/\(member.path) from \(Int(fraction * 100))% (byte \(sliceStart) of \(member.compressed.count))"
                // A slice shorter than twice the default confirmation distance (the 90% slice of
                // a small member) is confirmed over a quarter of its length instead.
                let sliceCount = member.compressed.count - sliceStart
                let confirmation = sliceCount >= 128 << 10 ? 64 << 10 : sliceCount / 4
                var search = DeflateTail.Search()
                let clock = ContinuousClock()
                var found: DeflateTail?
                let elapsed = clock.measure {
                    found = member.compressed.withUnsafeBytes { bytes in
                        DeflateTail.inflate(UnsafeRawBufferPointer(rebasing: bytes[sliceStart...]), uncompressedSize: size,
                                            confirmationDistance: confirmation, search: &search)
                    }
                }
                // A tail is due when the slice holds a true dynamic block start at least the
                // confirmation distance after its first one (the algorithm's B).
                let sliceBits = sliceStart * 8
                let scanner = member.compressed.withUnsafeBytes { bytes in
                    let slice = UnsafeRawBufferPointer(rebasing: bytes[sliceStart...])
                    let scanner = DynamicBlockHeader.Scanner(slice)
                    let dynamic = trueStarts.filter { $0 >= sliceBits && scanner.accepts($0 - sliceBits) }
                    return (first: dynamic.first, due: dynamic.contains { $0 >= (dynamic.first ?? 0) + confirmation * 8 })
                }
                guard let tail = found else {
                    if scanner.due || sliceCount >= 128 << 10 {
                        Issue.record("\(label): no tail (confirmation distance \(confirmation))")
                    } else {
                        print("\(label): no tail, as expected: the \(sliceCount)-byte slice has no second dynamic block start \(confirmation) bytes after its first")
                    }
                    continue
                }
                #expect(starts.contains(sliceStart * 8 + tail.blockBit), "\(label): block bit \(tail.blockBit) is not a true block start")
                #expect(tail.start + tail.bytes.count == size, "\(label)")
                #expect(tail.start >= 0, "\(label)")
                var previousEnd = tail.start
                var knownCount = 0
                for range in tail.knownOffsets {
                    #expect(range.lowerBound >= previousEnd && !range.isEmpty && range.upperBound <= size, "\(label): ranges \(range)")
                    previousEnd = range.upperBound
                    knownCount += range.count
                }
                let wrong = Self.wrongKnownBytes(tail, member.whole)
                #expect(wrong == 0, "\(label): \(wrong) known bytes differ from the oracle")
                // The 0x00 pass inflated only as far as the comparison needs finds exactly the
                // ranges that two whole passes, compared to the end, find. Left out (a window's
                // worth of bytes in a row none 0xFF), the tail knows some of them, and resolving
                // it from its start finds them all.
                let classic = Self.knownByTwoWholePasses(member.compressed, sliceStart: sliceStart, tail: tail)
                if let undecided = tail.undecided {
                    let oracle = try #require(classic.map { ByteCoverage($0.map { UInt64($0.lowerBound)..<UInt64($0.upperBound) }) })
                    #expect(tail.known.allSatisfy { oracle.covers($0.lowerBound, count: UInt64($0.count)) }, "\(label)")
                    #expect(tail.known.last?.upperBound == UInt64(size), "\(label): the run to the end")
                    #expect(undecided.from >= UInt64(tail.start) && undecided.from < UInt64(size), "\(label)")
                    // Resolved, the tail knows what the whole comparison knows from where it was left out.
                    let resolved = member.compressed.withUnsafeBytes { bytes in
                        DeflateTail.resolved(UnsafeRawBufferPointer(rebasing: bytes[sliceStart...]), undecided,
                                             member: tail.memberBytes(size: size), from: Int(undecided.from))
                    }
                    let union = resolved.map { ByteCoverage.union(tail.known, $0).map { Int($0.lowerBound)..<Int($0.upperBound) } }
                    #expect(union == classic, "\(label)")
                    // And the bytes it then knows are the member's.
                    let resolvedTail = DeflateTail(start: tail.start, known: ByteCoverage.union(tail.known, resolved ?? []), blockBit: tail.blockBit,
                                                   undecided: nil, region: tail.region, memberBase: tail.memberBase, count: tail.count)
                    #expect(Self.wrongKnownBytes(resolvedTail, member.whole) == 0, "\(label)")
                    resolvedTails += 1
                } else {
                    #expect(classic == tail.knownOffsets, "\(label)")
                }
                // The member laid around the tail (no copy) holds exactly the known ranges, and only at this size.
                let laidAround = PartialMember(size: size, tail: tail)
                #expect(laidAround?.coverage == ByteCoverage(tail.known), "\(label)")
                #expect(PartialMember(size: size + 1, tail: tail) == nil && PartialMember(size: size - 1, tail: tail) == nil, "\(label)")
                // The section headers (the member's last bytes) are known from a slice of the
                // default size; a smaller slice's tail may depend on its window there.
                let lastKnown = tail.knownOffsets.last
                let endKnown = lastKnown?.upperBound == size ? lastKnown!.count : 0
                if sliceCount >= 128 << 10 {
                    #expect(endKnown >= 4096, "\(label): the last 4 KiB are not all known (last range \(String(describing: lastKnown)))")
                }
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                print(String(format: "%@: %d of %d tail bytes known (%.1f%%), tail is %.1f%% of the member, %.3f s, %d candidates tried (%d skipped), first candidate at bit %d, block %d bits in, confirmation %d bytes, last %d bytes known",
                             label, knownCount, tail.bytes.count, 100 * Double(knownCount) / Double(max(1, tail.bytes.count)),
                             100 * Double(tail.bytes.count) / Double(size), seconds, search.candidatesTried, search.candidatesSkipped,
                             search.firstCandidate ?? -1, tail.blockBit, confirmation, endKnown))
            }
        }
    }

    /// A slice that stops one byte short of the member's end, or random bytes, never give a tail.
    @Test func damagedSlicesGiveNothing() throws {
        guard let members = try Self.elfMembers("cryptography-43.0.3-cp39-abi3-manylinux_2_28_x86_64.whl") else { return }
        let member = try #require(members.first)
        let sliceStart = member.compressed.count * 3 / 4
        member.compressed.withUnsafeBytes { bytes in
            let whole = UnsafeRawBufferPointer(rebasing: bytes[sliceStart...])
            #expect(DeflateTail.inflate(whole, uncompressedSize: member.whole.count) != nil, "the undamaged slice gives a tail")
            let short = UnsafeRawBufferPointer(rebasing: bytes[sliceStart..<(bytes.count - 1)])
            var search = DeflateTail.Search()
            let elapsed = ContinuousClock().measure {
                #expect(DeflateTail.inflate(short, uncompressedSize: member.whole.count, confirmationDistance: 64 << 10, search: &search) == nil,
                        "the slice missing its last byte")
            }
            print("the \(short.count)-byte slice missing its last byte: nil after \(elapsed), \(search.candidatesTried) candidates inflated, \(search.candidatesSkipped) skipped (on a failed pass)")
        }
        // One byte changed in the slice's second half: nil when zlib rejects the damaged stream
        // from its start; otherwise every known byte is the damaged stream's own.
        var generator = SplitMix(seed: 0xdef1a7e)
        var rejected = 0, checked = 0, otherSize = 0, overflowed = 0, otherSizeTails = 0
        for _ in 0..<16 {
            var damaged = member.compressed
            let at = sliceStart + (damaged.count - sliceStart) / 2 + Int(generator.next() % UInt64((damaged.count - sliceStart) / 2))
            damaged[at] ^= UInt8(1 + generator.next() % 255)
            // zlib's own parse of the damaged stream from its start.
            var whole = [UInt8](repeating: 0, count: member.whole.count)
            let pass = damaged.withUnsafeBytes { bytes in
                whole.withUnsafeMutableBufferPointer { Inflater.blocks(bytes, startBit: 0, fill: 0, into: $0) }
            }
            let tail = damaged.withUnsafeBytes { bytes in
                DeflateTail.inflate(UnsafeRawBufferPointer(rebasing: bytes[sliceStart...]), uncompressedSize: member.whole.count)
            }
            switch pass.end {
            case .rejected:
                // Rejected, or not ending in the last byte: the same from the tail's block start (before the change).
                rejected += 1
                #expect(tail == nil, "byte \(at) changed: zlib rejects the stream, yet a tail")
            case .streamEnd where pass.produced == member.whole.count:
                checked += 1
                if let tail { #expect(Self.wrongKnownBytes(tail, whole) == 0, "byte \(at) changed: known bytes differ from the damaged stream's") }
            default:
                // More than declared, or another size: only the member's CRC-32 can tell, and the tail's offsets say nothing.
                if pass.end == .overflow { overflowed += 1 } else { otherSize += 1 }
                if tail != nil { otherSizeTails += 1 }
            }
        }
        print("one byte changed: \(rejected) rejected by zlib (no tail), \(checked) inflating to the declared size, \(overflowed) past it, \(otherSize) to fewer bytes; \(otherSizeTails) of the last give a tail")
        #expect(rejected + checked > 0)

        for length in [1, 100, 256 << 10] {
            var generator = SplitMix(seed: UInt64(length))
            let random = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            random.withUnsafeBytes { bytes in
                #expect(DeflateTail.inflate(bytes, uncompressedSize: 8 << 20) == nil, "\(length) random bytes")
            }
        }
    }

    /// Slices starting at many places in one member: always a tail from a true block start,
    /// every known byte the oracle's; how many candidates come before A.
    @Test func slicesFromManyPlaces() throws {
        guard let members = try Self.elfMembers("cryptography-43.0.3-cp39-abi3-musllinux_1_2_x86_64.whl") else { return }
        let member = try #require(members.first)
        let size = member.whole.count
        let starts = Set(try #require(member.compressed.withUnsafeBytes { Inflater.blockStarts($0, uncompressedSize: size) }))
        var generator = SplitMix(seed: 0x51ce)
        var tried = 0, slices = 0, knownTotal = 0, tailTotal = 0
        for _ in 0..<40 {
            let sliceStart = member.compressed.count / 20 + Int(generator.next() % UInt64(member.compressed.count * 17 / 20))
            var search = DeflateTail.Search()
            let found = member.compressed.withUnsafeBytes { bytes in
                DeflateTail.inflate(UnsafeRawBufferPointer(rebasing: bytes[sliceStart...]), uncompressedSize: size,
                                    confirmationDistance: 64 << 10, search: &search)
            }
            guard let tail = found else {
                Issue.record("no tail from byte \(sliceStart)")
                continue
            }
            slices += 1
            tried += search.candidatesTried
            #expect(starts.contains(sliceStart * 8 + tail.blockBit), "from byte \(sliceStart): block bit \(tail.blockBit)")
            #expect(tail.start + tail.bytes.count == size)
            let wrong = Self.wrongKnownBytes(tail, member.whole)
            #expect(wrong == 0, "from byte \(sliceStart): \(wrong) known bytes differ from the oracle")
            knownTotal += tail.knownOffsets.reduce(0) { $0 + $1.count }
            tailTotal += tail.bytes.count
        }
        print("\(slices) slices: \(Double(tried) / Double(max(1, slices))) candidates inflated per slice (A included), \(100 * knownTotal / max(1, tailTotal))% of tail bytes known")
    }

    /// A false start whose parse lands on a true block start: a slice made of one valid
    /// dynamic block of `count` 0xFF literals (a stand-in for a garbage parse) followed by a
    /// real member's stream from a true block start T. Its window before T is not the
    /// member's, so every byte depending on it must stay unknown: the tail starts at T (the
    /// last boundary within the confirmation distance, its window refilled) and every known
    /// byte is the member's. Comparing from the next block start with a pass that kept the
    /// 0xFF bytes (no refill) would take some of them for true: printed, for the record.
    @Test func aFalseStartsBytesAreNeverKnown() throws {
        guard let members = try Self.elfMembers("cryptography-43.0.3-cp39-abi3-musllinux_1_2_x86_64.whl") else { return }
        let member = try #require(members.first)
        let size = member.whole.count
        let (slice, landing) = try member.compressed.withUnsafeBytes { bytes in
            let starts = try #require(Inflater.blockStarts(bytes, uncompressedSize: size))
            let scanner = DynamicBlockHeader.Scanner(bytes)
            let trueStart = try #require(starts.first { $0 >= bytes.count * 8 * 9 / 10 && scanner.accepts($0) })
            return (Self.falseStart(count: 30_000, then: member.compressed, from: trueStart), trueStart)
        }
        try slice.bytes.withUnsafeBytes { bytes in
            let scanner = DynamicBlockHeader.Scanner(bytes)
            #expect(scanner.accepts(0) && scanner.accepts(slice.landing))
            let confirmation = slice.landing / 8 + 1
            var search = DeflateTail.Search()
            let tail = try #require(DeflateTail.inflate(bytes, uncompressedSize: size, confirmationDistance: confirmation, search: &search))
            #expect(search.firstCandidate == 0 && search.candidatesTried == 1)
            #expect(tail.blockBit == slice.landing, "the tail starts where the false parse landed (bit \(landing) of the member)")
            #expect(tail.start + tail.bytes.count == size)
            #expect(Self.wrongKnownBytes(tail, member.whole) == 0)
            // The comparison without the refill, from the next dynamic block start B.
            var first = [UInt8](repeating: 0, count: size)
            let passA = first.withUnsafeMutableBufferPointer { Inflater.blocks(bytes, startBit: 0, fill: 0, into: $0) }
            let b = try #require(passA.boundaries.first { $0.bit > slice.landing + 7 && scanner.accepts($0.bit) })
            var second = [UInt8](repeating: 0, count: passA.produced - b.produced)
            let passB = second.withUnsafeMutableBufferPointer { Inflater.blocks(bytes, startBit: b.bit, fill: 0xFF, into: $0) }
            try #require(passA.end == .streamEnd && passB.end == .streamEnd && passB.produced == second.count)
            let offset = size - second.count
            let fooled = second.indices.filter { second[$0] == first[b.produced + $0] && second[$0] != member.whole[offset + $0] }.count
            print("a false start landing on a true block: \(tail.knownOffsets.reduce(0) { $0 + $1.count }) of \(tail.bytes.count) bytes known, none wrong; without the refill, \(fooled) bytes after the next block start would be taken for known and are wrong")
        }
    }

    /// One dynamic block (not final) of `count` 0xFF literals, then `stream` from bit `bit`
    /// on; `landing` is where that bit lands. The literal count is adjusted by at most 7 so
    /// the stream's bytes can be copied whole.
    /// The bits (first sent first) of a dynamic block header zlib accepts: `falseStart`'s.
    static func validHeader() -> [Bool] {
        let (bytes, landing) = falseStart(count: 0, then: [0], from: 0)
        return (0..<landing).map { bytes[$0 / 8] >> UInt8($0 % 8) & 1 == 1 }
    }

    static func falseStart(count: Int, then stream: [UInt8], from bit: Int) -> (bytes: [UInt8], landing: Int) {
        var writer = PrimedStream.BitWriter()
        writer.bits(0, 1)  // BFINAL 0
        writer.bits(2, 2)  // BTYPE dynamic
        writer.bits(0, 5)  // HLIT: 257 literal/length codes
        writer.bits(0, 5)  // HDIST: 1 distance code (length 0: no distances)
        writer.bits(14, 4)  // HCLEN: 18 code length code lengths
        // Code length code: 18 -> 1 bit ("0"), 0 -> 2 bits ("10"), 1 -> 2 bits ("11").
        let order = DynamicBlockHeader.codeLengthOrder
        for symbol in order.prefix(18) { writer.bits(UInt32(symbol == 18 ? 1 : symbol == 0 || symbol == 1 ? 2 : 0), 3) }
        // Lengths: 255 zeros (18 x138, 18 x117), then 0xFF and end-of-block 1 bit each, then the distance code's 0.
        writer.code(0, 1); writer.bits(138 - 11, 7)
        writer.code(0, 1); writer.bits(117 - 11, 7)
        writer.code(3, 2); writer.code(3, 2); writer.code(2, 2)
        // Literal 0xFF is "0", end-of-block "1".
        let literals = count + ((bit % 8 - (writer.bitCount + count + 1)) % 8 + 8) % 8
        for _ in 0..<literals { writer.bits(0, 1) }
        writer.bits(1, 1)
        let landing = writer.bitCount
        precondition(landing % 8 == bit % 8)
        if bit % 8 != 0 { writer.bytes[writer.bytes.count - 1] |= stream[bit / 8] & ~UInt8((1 << (bit % 8)) - 1) }
        writer.bytes += stream[(bit / 8 + (bit % 8 == 0 ? 0 : 1))...]
        return (writer.bytes, landing)
    }

    /// The dynamic header check agrees with zlib: at every true dynamic block start of a real
    /// member it accepts, and it finds no more than a small share of positions.
    @Test func headerCheckAcceptsEveryTrueDynamicBlockStart() throws {
        guard let members = try Self.elfMembers("pydantic_core-2.23.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl") else { return }
        let member = try #require(members.first)
        try member.compressed.withUnsafeBytes { bytes in
            let starts = try #require(Inflater.blockStarts(bytes, uncompressedSize: member.whole.count))
            let scanner = DynamicBlockHeader.Scanner(bytes)
            let dynamic = starts.filter { (scanner.peek($0) >> 1) & 3 == 2 }
            #expect(dynamic.count > 10)
            for start in dynamic { #expect(scanner.accepts(start), "true dynamic block at bit \(start)") }
            let window = 0..<min(bytes.count * 8, 2 << 20)
            let accepted = window.filter { scanner.accepts($0) }
            let trueOnes = Set(dynamic).intersection(accepted).count
            print("header check: \(accepted.count) of \(window.count) bit positions accepted, \(trueOnes) of them true block starts")
            #expect(accepted.count < window.count / 1000)
        }
    }

    /// `next(from:)` skips 32 bits a word by a bit-parallel prefilter: it must find exactly the
    /// bits `accepts` accepts, one by one, from any starting bit, up to a buffer end at any
    /// byte: over a real stream, random bytes, and random bytes with a valid header planted at
    /// every bit of a word (every residue mod 32, and near the buffer's end).
    @Test func nextFindsExactlyTheBitsTheHeaderCheckAccepts() throws {
        var generator = SplitMix(seed: 0x5ca9)
        let random = (0..<(128 << 10)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        var planted = random
        let header = Self.validHeader()
        let plantedAt = (0..<32).map { 32 * (8 + 40 * $0) + $0 } + [random.count * 8 - header.count - 3]
        for at in plantedAt {
            for (index, set) in header.enumerated() {
                let bit = at + index
                if set { planted[bit / 8] |= 1 << UInt8(bit % 8) } else { planted[bit / 8] &= ~(1 << UInt8(bit % 8)) }
            }
        }
        let accepted = planted.withUnsafeBytes { bytes in plantedAt.filter { DynamicBlockHeader.Scanner(bytes).accepts($0) } }
        #expect(accepted == plantedAt, "every planted header is valid")
        var cases = [("random", random), ("planted", planted)]
        if let member = try Self.elfMembers("pydantic_core-2.23.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")?.first {
            cases.append(("member", Array(member.compressed.prefix(192 << 10))))
        }
        for (label, data) in cases {
            for (from, trim) in [(0, 0), (5, 3), (13, 7), (40_000, 1)] {
                data.withUnsafeBytes { whole in
                    let bytes = UnsafeRawBufferPointer(rebasing: whole[0..<(whole.count - trim)])
                    let scanner = DynamicBlockHeader.Scanner(bytes)
                    var expected: [Int] = []
                    for bit in from..<(bytes.count * 8) where scanner.accepts(bit) { expected.append(bit) }
                    var found: [Int] = []
                    var bit = from
                    while let next = scanner.next(from: bit) { found.append(next); bit = next + 1 }
                    #expect(found == expected, "\(label) from bit \(from), \(trim) bytes trimmed")
                    #expect(!expected.isEmpty || label != "member", "\(label): a real stream has dynamic block starts")
                    if label == "planted" {
                        #expect(Set(plantedAt.filter { $0 >= from && $0 + header.count <= bytes.count * 8 }).isSubset(of: found), "from bit \(from)")
                    }
                }
            }
        }
    }

    /// How often the header check accepts a bit that is not a block start: every bit of whole
    /// real members' streams and of random bytes (the measure behind the README's claim that
    /// a false start is rare before it must also decode to the exact end).
    @Test func headerCheckFalseAcceptsOverWholeStreams() throws {
        var positions = 0, falseAccepts = 0, trueStarts = 0
        for wheel in ["cryptography-43.0.3-cp39-abi3-manylinux_2_28_x86_64.whl",
                      "pydantic_core-2.23.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"] {
            guard let members = try Self.elfMembers(wheel) else { return }
            for member in members {
                try member.compressed.withUnsafeBytes { bytes in
                    let starts = Set(try #require(Inflater.blockStarts(bytes, uncompressedSize: member.whole.count)))
                    let scanner = DynamicBlockHeader.Scanner(bytes)
                    var bit = 0
                    while let found = scanner.next(from: bit) {
                        if starts.contains(found) { trueStarts += 1 } else { falseAccepts += 1 }
                        bit = found + 1
                    }
                    positions += bytes.count * 8
                }
            }
        }
        var generator = SplitMix(seed: 0xfa15e)
        let random = (0..<(4 << 20)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        random.withUnsafeBytes { bytes in
            let scanner = DynamicBlockHeader.Scanner(bytes)
            var bit = 0
            while let found = scanner.next(from: bit) { falseAccepts += 1; bit = found + 1 }
            positions += bytes.count * 8
        }
        print("header check over \(positions) bit positions: \(trueStarts) true dynamic block starts accepted, \(falseAccepts) other positions")
        #expect(positions > 60_000_000)
        #expect(falseAccepts <= 2)
    }

    /// At every bit where the block type is dynamic, in a real member's first 32 KiB and in
    /// random bytes, the Swift header check says what zlib says (zlib decoding the header
    /// alone, Z_TREES).
    @Test func headerCheckIsZlibs() throws {
        guard let members = try Self.elfMembers("cryptography-43.0.3-cp39-abi3-manylinux_2_28_x86_64.whl") else { return }
        let member = try #require(members.first)
        var generator = SplitMix(seed: 0x4eade7)
        let random = (0..<(32 << 10)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        for (name, data) in [("member", Array(member.compressed[..<(32 << 10)])), ("random", random)] {
            data.withUnsafeBytes { bytes in
                let scanner = DynamicBlockHeader.Scanner(bytes)
                var checked = 0, accepted = 0, disagreements: [Int] = []
                for bit in 0..<(bytes.count * 8) where (scanner.peek(bit) >> 1) & 3 == 2 {
                    checked += 1
                    let zlib = Inflater.acceptsBlockHeader(bytes, startBit: bit)
                    if zlib { accepted += 1 }
                    if zlib != scanner.accepts(bit) { disagreements.append(bit) }
                }
                print("\(name): \(checked) dynamic block types, zlib accepts \(accepted) headers, \(disagreements.count) disagreements")
                #expect(checked > 50_000)
                #expect(disagreements.isEmpty, "\(name): at bits \(disagreements.prefix(10))")
            }
        }
    }

    /// zlib's own streams of odd inputs (one byte repeated, a few bytes, only literals, long
    /// runs; every strategy, small memory so many blocks), as Python's zlib writes them:
    /// the header check accepts every dynamic block start zlib's parse goes through.
    @Test func headerCheckAcceptsZlibsOddBlocks() throws {
        guard let python = Run.which("python3") else { print("skipping: no python3"); return }
        let script = """
        import zlib, random
        random.seed(7)
        inputs = [b"a" * 5000, b"ab" * 3000, b"hello", bytes(range(256)) * 40, bytes(random.randrange(4) for _ in range(70000)),
                  bytes(random.randrange(256) for _ in range(3000)) * 3, b"".join(b"x" * random.randrange(1, 300) + b"y" for _ in range(2000))]
        for data in inputs:
            for level in (1, 6, 9):
                for strategy in (zlib.Z_DEFAULT_STRATEGY, zlib.Z_FILTERED, zlib.Z_HUFFMAN_ONLY, zlib.Z_RLE):
                    c = zlib.compressobj(level, zlib.DEFLATED, -15, 1, strategy)
                    print(len(data), (c.compress(data) + c.flush()).hex())
        """
        let result = try Run.program(python, ["-c", script])
        guard result.status == 0 else { print("skipping: python3 failed: \(result.stderr.suffix(200))"); return }
        var dynamicStarts = 0, positions = 0
        var disagreements: [Int] = []
        for line in result.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            let size = try #require(Int(fields[0]))
            let hex = Array(fields[1].utf8)
            let stream = stride(from: 0, to: hex.count, by: 2).map { UInt8(String(decoding: hex[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
            try stream.withUnsafeBytes { bytes in
                let starts = try #require(Inflater.blockStarts(bytes, uncompressedSize: size))
                let scanner = DynamicBlockHeader.Scanner(bytes)
                for start in starts where (scanner.peek(start) >> 1) & 3 == 2 {
                    dynamicStarts += 1
                    #expect(scanner.accepts(start), "a \(size)-byte input's dynamic block at bit \(start)")
                    #expect(Inflater.acceptsBlockHeader(bytes, startBit: start))
                }
                // And at every other bit whose block type is dynamic, the same answer as zlib.
                for bit in 0..<(bytes.count * 8) where (scanner.peek(bit) >> 1) & 3 == 2 {
                    positions += 1
                    if Inflater.acceptsBlockHeader(bytes, startBit: bit) != scanner.accepts(bit) { disagreements.append(bit) }
                }
            }
        }
        print("\(dynamicStarts) dynamic block starts in zlib's streams of odd inputs; \(positions) positions compared with zlib, \(disagreements.count) disagreements")
        #expect(disagreements.isEmpty, "at bits \(disagreements.prefix(10))")
        #expect(dynamicStarts > 50)
    }

    /// `Inflater.prefix` gives the oracle's first bytes from the first 64 KiB of a member's stream.
    @Test func prefixIsTheOraclesStart() throws {
        guard let members = try Self.elfMembers("cryptography-43.0.3-cp39-abi3-musllinux_1_2_x86_64.whl") else { return }
        let member = try #require(members.first)
        try member.compressed.withUnsafeBytes { bytes in
            let first = UnsafeRawBufferPointer(rebasing: bytes[..<(64 << 10)])
            let prefix = try Inflater.prefix(first, limit: member.whole.count)
            #expect(prefix.count > 64 << 10)
            #expect(prefix[...] == member.whole[..<prefix.count])
            let limited = try Inflater.prefix(first, limit: 1000)
            #expect(limited[...] == member.whole[..<1000])
            var damaged = [UInt8](first)
            damaged[0] = 0xff  // BTYPE 3: not a deflate block
            #expect(throws: Inflater.Failure.self) { try damaged.withUnsafeBytes { try Inflater.prefix($0, limit: 1000) } }
        }
    }

    /// `Inflater.primed` (libdeflate behind a `PrimedStream`) gives what zlib gives from the
    /// same block start behind the same window, at true block starts of every bit residue
    /// (each residue writes a different prefix), with both fills; it refuses a slice whose
    /// stream does not end in its last byte.
    @Test func primedStreamIsZlibsPassAtEveryBitResidue() throws {
        var members: [Member] = []
        for wheel in ["pydantic_core-2.23.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
                      "cryptography-43.0.3-cp39-abi3-musllinux_1_2_x86_64.whl"] {
            guard let found = try Self.elfMembers(wheel) else { return }
            members += found
        }
        var covered = Set<Int>()
        for member in members {
            let size = member.whole.count
            let starts = try #require(member.compressed.withUnsafeBytes { Inflater.blockStarts($0, uncompressedSize: size) })
            // The first, and the last true block start of each residue not yet covered (the
            // parse's last boundary is the stream's end, not a block start).
            var chosen: [Int] = [0]
            for residue in 0..<8 where !covered.contains(residue) {
                if let start = starts.dropLast().last(where: { $0 % 8 == residue }) { chosen.append(start) }
            }
            covered.formUnion(chosen.map { $0 % 8 })
            try check(member, chosen)
        }
        #expect(covered.count == 8, "a true block start of every residue: \(covered.sorted())")
    }

    func check(_ member: Member, _ chosen: [Int]) throws {
        let size = member.whole.count
        let capacity = PrimedStream.windowSize + size
        var libdeflate = [UInt8](repeating: 0, count: capacity), zlib = [UInt8](repeating: 0, count: size)
        try member.compressed.withUnsafeBytes { bytes in
            for start in chosen {
                for fill: UInt8 in [0x00, 0xFF] {
                    let count = libdeflate.withUnsafeMutableBufferPointer { Inflater.primed(bytes, startBit: start, fill: fill, into: $0) }
                    let pass = zlib.withUnsafeMutableBufferPointer { Inflater.blocks(bytes, startBit: start, fill: fill, into: $0) }
                    try #require(pass.end == .streamEnd, "bit \(start) of \(bytes.count * 8), fill \(fill): zlib's pass \(pass.end), \(pass.produced) bytes; libdeflate \(count.map(String.init) ?? "nil")")
                    #expect(count == pass.produced, "bit \(start), fill \(fill)")
                    #expect(libdeflate[..<PrimedStream.windowSize].allSatisfy { $0 == fill }, "bit \(start): the window")
                    #expect(libdeflate[PrimedStream.windowSize..<(PrimedStream.windowSize + pass.produced)] == zlib[..<pass.produced],
                            "bit \(start), fill \(fill)")
                }
                // From the true start, whatever the window: the whole member.
                if start == 0 {
                    #expect(libdeflate[PrimedStream.windowSize..<(PrimedStream.windowSize + size)] == member.whole[...])
                }
                // One byte short: the stream no longer ends in the last byte given.
                let short = UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 1)])
                #expect(libdeflate.withUnsafeMutableBufferPointer { Inflater.primed(short, startBit: start, fill: 0, into: $0) } == nil)
                // One byte more: the stream ends before the last byte given.
                let longer = [UInt8](bytes) + [0]
                #expect(longer.withUnsafeBytes { longer in
                    libdeflate.withUnsafeMutableBufferPointer { Inflater.primed(longer, startBit: start, fill: 0, into: $0) }
                } == nil)
            }
        }
    }
}

extension DeflateTail {
    /// The known ranges as `Int` offsets (the tests' arithmetic is in `Int`).
    var knownOffsets: [Range<Int>] { known.map { Int($0.lowerBound)..<Int($0.upperBound) } }

    /// The member of `size` bytes laid around the tail (only the tail's bytes written), as
    /// `PartialMember(tail:)` holds it.
    func memberBytes(size: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: region.bytes[memberBase..<(memberBase + size)])
    }
}
