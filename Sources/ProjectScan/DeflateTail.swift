
/// The end of a member's deflate stream, inflated from a block start found in its middle.
///
/// Deflate is inflated from the start, but the parse from a true block start does not
/// depend on what came before it: only the bytes a match copies from before the start
/// (its window) are unknown. So the end of a member can be inflated from the middle when a
/// block start is found there, and the bytes that do not depend on the missing window are
/// exact. How (each step is needed for exactness):
///
/// 1. Candidates: every bit where a dynamic block header is valid exactly as zlib accepts
///    it (`DynamicBlockHeader`).
/// 2. A = the first candidate from which the parse (window all 0x00) goes to the end of the
///    stream exactly in the slice's last byte, within `uncompressedSize` bytes. A false A
///    can only get there by its garbage parse landing exactly on a true block boundary, after
///    which the parse is the true one. Garbage parses are short: the one assumption is that
///    it lands within `confirmationDistance` bytes of A.
/// 3. zlib parses from A block by block (Z_BLOCK), filling the window with 0x00 again at every
///    boundary up to A + `confirmationDistance` bytes. D = the last of them: by 2 it is a
///    true block start, so every byte the parse writes after D is its true value or comes
///    from D's 0x00 window (never from a garbage byte before D).
/// 4. The parse must also reach, at or after A + `confirmationDistance` bytes, a boundary
///    that is itself a valid dynamic block header (B); it stops there. No B: nil (the slice
///    is too short).
/// 5. From D to the end, libdeflate inflates behind a window of 0xFF (about three times zlib's
///    speed; it starts only at a stream's first bit with no window, so `PrimedStream` puts a
///    block of the window's bytes in front of D's bits); when this pass does not end exactly
///    in the slice's last byte, A is rejected as in 2 (the parse is the same whatever the
///    window), and the next candidate is tried. The 0x00 pass is the parse from A: up to B it
///    is already written (no window was refilled after D), and zlib goes on from B behind the
///    window it had there, a chunk at a time, only as far as the comparison needs. A byte is
///    known when both passes agree: one that does not depend on D's window is the same in both
///    and true; one that does is 0x00 in one and 0xFF in the other. Once a whole window's worth
///    of bytes in a row is known, so is every later byte (a match copies from at most 32768
///    bytes back), and the 0x00 pass stops there. (Both passes whole, on two threads, were
///    slower: on the two cores measured the second pass slowed the first by about as much as
///    it ran.)
/// 6. A byte the 0xFF pass did not write as 0xFF is true without the 0x00 pass: each byte is a
///    literal or a copy of an earlier one, so its value is a literal's (true) or a window
///    byte's (0xFF). So when, past what the zlib pass from A already wrote, the 0xFF pass holds
///    a window's worth of bytes in a row none of which is 0xFF (R), every byte from R on is
///    known, and so is each run of other bytes before it, and the 0x00 pass is not run
///    (`undecided`): it was most of what a big library's end cost (zlib over hundreds of
///    kilobytes in which the window's bytes are copied on and on). Only the 0xFF bytes before
///    R, and the runs of other bytes too short to be worth a range, are then undecided;
///    `resolved` goes on with the comparison from B when a fact needs one of them.
///
/// (The tail starts at D rather than at B: a byte after B that depends on B's window is
/// known from A's pass only if its source, between D and B, is itself known, which is the
/// same as not depending on D's window; comparing from B with A's pass before D could
/// take a byte of A's garbage parse for true.)
///
/// nil whenever any of it does not hold; the caller then reads the member whole.
public struct DeflateTail: Sendable, Equatable {
    /// Offset in the member's uncompressed bytes of `bytes[0]` (= uncompressedSize - bytes.count).
    public let start: Int
    /// Absolute uncompressed ranges whose bytes are exact: sorted, disjoint, not touching,
    /// within start..<(start + bytes.count) (as `ByteCoverage` takes them, without a copy).
    public let known: [Range<UInt64>]
    /// Bit offset, counted from the first byte of `compressed`, of the confirmed block start the bytes come from.
    public let blockBit: Int
    /// Where the 0x00 pass was left out (6); nil when the passes were compared as far as that
    /// decides anything.
    public let undecided: Undecided?

    /// The 0x00 pass left out at B (6), and what it needs to go on from there.
    public struct Undecided: Sendable, Equatable {
        /// From this member offset on, a byte outside `known` may still be the member's (a 0xFF,
        /// or one of a short run of other bytes, not compared), up to the range that runs to the end.
        public let from: UInt64
        /// B's bit in the slice, and the window the 0x00 pass had there.
        let bit: Int
        let window: [UInt8]
    }
    /// Where the 0xFF pass wrote the tail: the member's byte `i` is `region.bytes[memberBase + i]`
    /// for every `i` below the member's size (the region is laid out so that a whole member
    /// fits around the tail, `PartialMember(tail:)`; only `start...` was written).
    let region: ScratchRegion
    let memberBase: Int

    /// The tail's bytes, `bytes[0]` at `start` (a copy).
    public var bytes: [UInt8] {
        [UInt8](UnsafeRawBufferPointer(rebasing: region.bytes[(memberBase + start)..<(memberBase + start + count)]))
    }

    /// How many bytes the tail has (it ends at the member's end).
    public let count: Int

    public static func == (left: DeflateTail, right: DeflateTail) -> Bool {
        left.start == right.start && left.known == right.known && left.blockBit == right.blockBit && left.bytes == right.bytes
            && left.undecided == right.undecided
    }

    /// What a search cost (for measurements and tests).
    struct Search: Sendable, Equatable {
        /// Bit positions that passed the header check and were inflated before A succeeded (A included).
        var candidatesTried = 0
        /// Candidates skipped because an earlier failed pass went through them.
        var candidatesSkipped = 0
        var firstCandidate: Int?
    }

    /// `compressed`: the member's deflate stream from some byte in its middle through its last byte (exactly to the end of the member's compressed data).
    /// `uncompressedSize`: the member's declared size. nil when no block start is confirmed, or anything is off; the caller then reads the member whole.
    public static func inflate(_ compressed: UnsafeRawBufferPointer, uncompressedSize: Int, confirmationDistance: Int = 64 * 1024) -> DeflateTail? {
        var search = Search()
        return inflate(compressed, uncompressedSize: uncompressedSize, confirmationDistance: confirmationDistance, search: &search)
    }

    static func inflate(
        _ compressed: UnsafeRawBufferPointer, uncompressedSize: Int, confirmationDistance: Int, search: inout Search
    ) -> DeflateTail? {
        guard compressed.count > 0, uncompressedSize > 0, confirmationDistance >= 0,
              confirmationDistance <= Int.max / 16, compressed.count <= Int.max / 16 else { return nil }
        let headers = DynamicBlockHeader.Scanner(compressed)
        let confirmationBits = confirmationDistance * 8
        // A pass writes at most `uncompressedSize` bytes, and deflate gives at most 1032 bytes
        // a compressed byte (a 258-byte match in 2 bits): the buffer is never touched beyond
        // what is written, so a huge declared size costs no memory.
        let capacity = min(uncompressedSize, compressed.count > Int.max / 2048 ? Int.max : compressed.count * 1032 + 1032)
        guard capacity > 0 else { return nil }
        let outputA = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity)
        defer { outputA.deallocate() }
        // Boundaries of failed passes (rejected, not overflowed): a pass reaching one fails the same way.
        var dead = Set<Int>()
        // The 0xFF pass writes at `passOffset` of a region with room before it for the rest of
        // the member: once the tail's length is known, the member's memory is laid around it
        // (its last byte the pass's last), so the tail is never copied (`PartialMember(tail:)`).
        let window = PrimedStream.windowSize
        let passOffset = max(0, uncompressedSize - window)
        guard passOffset <= Int.max - window - capacity, let region = ScratchRegion(count: passOffset + window + capacity) else { return nil }
        let outputFF = UnsafeMutableBufferPointer(rebasing: region.bytes.bindMemory(to: UInt8.self)[passOffset..<(passOffset + window + capacity)])
        var bit = 0
        while true {
            guard let candidate = headers.next(from: bit) else { return nil }
            bit = candidate + 1
            if search.firstCandidate == nil { search.firstCandidate = candidate }
            if dead.contains(candidate) {
                search.candidatesSkipped += 1
                continue
            }
            search.candidatesTried += 1
            let threshold = candidate + confirmationBits
            // zlib parses from the candidate with the window refilled at each boundary up to
            // the threshold, and stops at B: a boundary past it that is a valid dynamic header.
            let pass = Inflater.blocks(compressed, startBit: candidate, fill: 0x00, refillThrough: threshold, into: outputA,
                                       stop: { dead.contains($0) || ($0 >= threshold && headers.accepts($0)) })
            switch pass.end {
            case .stopped where !dead.contains(pass.boundaries.last!.bit):
                break
            case .streamEnd:
                // The stream ends before any B: the slice is too short to confirm a block.
                return nil
            case .rejected, .stopped:
                dead.formUnion(pass.boundaries.map(\.bit))
                continue
            case .overflow:
                continue
            }
            // D: the last boundary whose window the pass refilled. From it libdeflate inflates to
            // the end behind a window of 0xFF, and zlib behind a window of 0x00 (what the zlib
            // pass would go on to write) only as far as the comparison needs.
            guard let boundaryD = pass.boundaries.last(where: { $0.bit <= threshold }) else { return nil }
            let dBit = boundaryD.bit
            guard let tailCount = Inflater.primed(compressed, startBit: dBit, fill: 0xFF, into: outputFF),
                  tailCount > 0, tailCount <= uncompressedSize else {
                // The parse does not end exactly in the last byte (it is the same whatever the
                // window): as a zlib pass to the end would be, rejected.
                dead.formUnion(pass.boundaries.map(\.bit))
                continue
            }
            let reference = UnsafeBufferPointer(rebasing: outputFF[window..<(window + tailCount)])
            let start = uncompressedSize - tailCount
            var agreement = Agreement(count: tailCount, untilRunOf: window, base: UInt64(start))
            // The zlib pass from A has already written what the 0x00 pass from D writes up to B
            // (it refilled no window after D): compared first, then zlib goes on from B behind
            // the window that pass had there (0x00 before D, then what it wrote after D).
            let boundaryB = pass.boundaries.last!
            let written = boundaryB.produced - boundaryD.produced
            guard written > 0, written <= tailCount else { return nil }
            _ = agreement.compare(UnsafeBufferPointer(rebasing: outputA[boundaryD.produced..<boundaryB.produced]),
                                  UnsafeBufferPointer(rebasing: reference[0..<written]))
            var undecided: Undecided?
            if !agreement.finished {
                let windowAtB = [UInt8](repeating: 0x00, count: max(0, window - written))
                    + outputA[max(boundaryD.produced, boundaryB.produced - window)..<boundaryB.produced]
                if agreement.settleByTheFullPass(reference, window: window) {
                    // Nothing is undecided when the run that goes to the end starts where the comparison stopped.
                    if agreement.ranges.last.map({ $0.lowerBound > UInt64(start + written) }) ?? true {
                        undecided = Undecided(from: UInt64(start + written), bit: boundaryB.bit, window: windowAtB)
                    }
                    return DeflateTail(start: start, known: agreement.ranges, blockBit: boundaryD.bit, undecided: undecided,
                                       region: region, memberBase: passOffset + window - start, count: tailCount)
                }
                guard agreement.compareZeroPass(compressed, bit: boundaryB.bit, window: windowAtB, first: written, with: reference) else {
                    return nil
                }
            }
            // The pass's first tail byte (region offset passOffset + window) is the member's byte `start`.
            return DeflateTail(start: start, known: agreement.ranges, blockBit: boundaryD.bit, undecided: nil,
                               region: region, memberBase: passOffset + window - start, count: tailCount)
        }
    }

    /// The known ranges from member offset `from` on (at or after `undecided.from`), the 0x00
    /// pass going on from B and compared as far as it decides anything (5), when a fact needs
    /// one of the bytes left undecided. `compressed` is the slice the tail was inflated from,
    /// `member` the member laid around it (`PartialMember(tail:)`), holding the 0xFF pass's bytes
    /// from `from` on. nil when the pass does not end as the tail did.
    static func resolved(_ compressed: UnsafeRawBufferPointer, _ undecided: Undecided, member: UnsafeRawBufferPointer, from: Int) -> [Range<UInt64>]? {
        guard undecided.from <= UInt64(member.count), from >= Int(undecided.from), from < member.count,
              let base = member.baseAddress else { return nil }
        let reference = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self) + from, count: member.count - from)
        var agreement = Agreement(count: reference.count, untilRunOf: PrimedStream.windowSize, base: UInt64(from))
        // The pass's first byte is the member's `undecided.from`, this comparison's byte `first` (at or before 0).
        let first = Int(undecided.from) - from
        guard agreement.compareZeroPass(compressed, bit: undecided.bit, window: undecided.window, first: first, with: reference) else {
            return nil
        }
        return agreement.ranges
    }
}
