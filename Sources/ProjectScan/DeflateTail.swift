
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
                let zeroPass = Inflater.chunks(compressed, startBit: boundaryB.bit, window: windowAtB) { chunk in
                    // The same parse whatever the window: never more bytes than the 0xFF pass.
                    guard chunk.count <= tailCount - agreement.compared else { return false }
                    let from = agreement.compared
                    return !agreement.compare(chunk, UnsafeBufferPointer(rebasing: reference[from..<(from + chunk.count)]))
                }
                // Stopped with the comparison finished, or the same number of bytes to the stream's
                // end; anything else means something is off.
                switch zeroPass {
                case .stopped where agreement.finished: break
                case .streamEnd(let produced) where written + produced == tailCount && agreement.finished: break
                default: return nil
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
        let resumed = Int(undecided.from)
        var produced = resumed
        let zeroPass = Inflater.chunks(compressed, startBit: undecided.bit, window: undecided.window) { chunk in
            defer { produced += chunk.count }
            // The same parse whatever the window: never past the member's end.
            guard chunk.count <= member.count - produced else { return false }
            let skip = max(0, min(from - produced, chunk.count))
            guard skip < chunk.count else { return true }
            let offset = produced + skip - from
            return !agreement.compare(UnsafeBufferPointer(rebasing: chunk[skip...]),
                                      UnsafeBufferPointer(rebasing: reference[offset..<(offset + chunk.count - skip)]))
        }
        switch zeroPass {
        case .stopped where agreement.finished: return agreement.ranges
        case .streamEnd(let count) where resumed + count == member.count && agreement.finished: return agreement.ranges
        default: return nil
        }
    }
}

extension DeflateTail {
    /// The ranges (sorted, disjoint, non-empty) where `a` and `b` hold the same bytes.
    /// With `untilRunOf`, the first run at least that long is taken to go on to the end (the
    /// passes' window: after a whole window of bytes that do not depend on it, no byte does,
    /// since a match copies from at most that far back), and the rest is not compared.
    static func agreeing(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, untilRunOf run: Int? = nil) -> [Range<Int>] {
        let count = min(a.count, b.count)
        var scan = Agreement(count: count, untilRunOf: run)
        _ = scan.compare(UnsafeBufferPointer(rebasing: a[..<count]), UnsafeBufferPointer(rebasing: b[..<count]))
        return scan.ranges.map { Int($0.lowerBound)..<Int($0.upperBound) }
    }

    /// The comparison of two passes fed in order, a chunk of each at a time (the 0x00 pass is
    /// inflated only as far as the comparison needs, `Inflater.chunks`).
    ///
    /// Eight bytes at a time: a word's differing bytes are found with one XOR and a carry
    /// trick, and the runs' ends with a bit scan, so a stretch where the passes agree and
    /// disagree every few bytes (tens of thousands of runs in a library's end) costs about
    /// what an agreeing one does.
    struct Agreement {
        /// How many bytes the passes have (the run that ends the comparison goes on to there).
        let count: Int
        let limit: Int
        /// The ranges found so far (final once `finished`), each offset by `base`: a member's
        /// end gives tens of thousands of them, so they are made once, where they are final
        /// (each copy of such a list cost its pages' faults as well as the copying).
        private(set) var ranges: [Range<UInt64>] = []
        let base: UInt64
        /// Bytes compared so far.
        private(set) var compared = 0
        /// True once the run that goes on to the end was found, or every byte was compared.
        private(set) var finished = false
        /// Where the run of agreeing bytes being read began (nil between runs).
        private var runStart: Int?

        init(count: Int, untilRunOf run: Int? = nil, base: UInt64 = 0) {
            self.count = count
            self.base = base
            limit = run ?? Int.max
            finished = count == 0
            // Room for a run every 16 bytes without growing (cryptography's 2.67 MB end gives
            // 32,172 runs): the list's pages are then written once, not again at each doubling;
            // the room never written costs no page.
            ranges.reserveCapacity(min(count / 16, 1 << 22))
        }

        private mutating func append(_ lower: Int, _ upper: Int) {
            ranges.append((base + UInt64(lower))..<(base + UInt64(upper)))
        }

        /// Ends the comparison where it is with what the 0xFF pass `reference` (all `count`
        /// bytes) tells alone (6), when past the bytes compared it holds a run of `window` bytes
        /// none of which is 0xFF: the runs of other bytes up to that run are known (those
        /// shorter than `shortest` are left out: binary data has a 0xFF every few dozen bytes,
        /// each range costs 16 bytes, and a fact that reads them is read from the resolved
        /// comparison), and everything from it on. False, with nothing changed, when it holds
        /// no such run.
        mutating func settleByTheFullPass(_ reference: UnsafeBufferPointer<UInt8>, window: Int, shortest: Int = 64) -> Bool {
            guard !finished, reference.count == count, let first = reference.baseAddress else { return false }
            // Appended as they are found, and taken back when there is no long run.
            let kept = ranges.count, openRun = runStart
            if let start = runStart { add(start, compared) }
            runStart = nil
            // Where the run of bytes other than 0xFF being read began (the run being compared
            // goes on into it); the 0xFF bytes one at a time from each 8-byte word (a mask with
            // the top bit of each: exact, no carries between bytes).
            var runFrom = compared
            let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
            var index = compared
            var longRun = false
            scan: while index < count {
                var full: UInt64
                let step: Int
                if index + 8 <= count {
                    let inverted = ~UnsafeRawPointer(first + index).loadUnaligned(as: UInt64.self)
                    full = ~(((inverted & lows) &+ lows) | inverted | lows)
                    step = 8
                } else {
                    full = first[index] == 0xFF ? 0x80 : 0
                    step = 1
                }
                while full != 0 {
                    let at = index + full.trailingZeroBitCount / 8
                    let length = at - runFrom
                    if length >= window {
                        longRun = true
                        break scan
                    }
                    if length >= shortest || (length > 0 && runFrom == compared && openRun != nil) { add(runFrom, at) }
                    runFrom = at + 1
                    full &= full - 1
                }
                index += step
                if index - runFrom >= window {
                    longRun = true
                    break
                }
            }
            guard longRun || count - runFrom >= window else {
                ranges.removeSubrange(kept...)
                runStart = openRun
                return false
            }
            add(runFrom, count)
            compared = count
            finished = true
            return true
        }

        /// Appends `lower..<upper` (not before the last range's start), merged with the last
        /// range when they touch.
        private mutating func add(_ lower: Int, _ upper: Int) {
            guard lower < upper else { return }
            let range = (base + UInt64(lower))..<(base + UInt64(upper))
            if let last = ranges.last, last.upperBound >= range.lowerBound {
                ranges[ranges.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                ranges.append(range)
            }
        }

        /// Ends the run at `end`; true when it is the run that goes on to the end.
        private mutating func close(at end: Int) -> Bool {
            guard let start = runStart else { return false }
            runStart = nil
            if end - start >= limit {
                append(start, count)
                finished = true
                return true
            }
            append(start, end)
            return false
        }

        /// Compares the next bytes of both passes (`a` and `b` the same length, taking it no
        /// further than `count`); true once the comparison is finished.
        mutating func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
            guard !finished else { return true }
            let length = min(a.count, b.count, count - compared)
            if length > 0, let baseA = a.baseAddress, let baseB = b.baseAddress, scan(baseA, baseB, length) { return true }
            compared += max(length, 0)
            if compared == count {
                _ = close(at: count)
                finished = true
            }
            return finished
        }

        /// Bytes `compared ..< compared + length`; true when the run that goes on to the end is found.
        private mutating func scan(_ baseA: UnsafePointer<UInt8>, _ baseB: UnsafePointer<UInt8>, _ length: Int) -> Bool {
            let high: UInt64 = 0x8080_8080_8080_8080, low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
            let offset = compared
            var index = 0
            while index + 8 <= length {
                let difference = UnsafeRawPointer(baseA + index).loadUnaligned(as: UInt64.self)
                    ^ UnsafeRawPointer(baseB + index).loadUnaligned(as: UInt64.self)
                if difference == 0 {
                    if runStart == nil { runStart = offset + index }
                } else {
                    // The top bit of each byte that differs (its low seven bits carry into it, or it is set).
                    let differing = (((difference & low) &+ low) | difference) & high
                    let agreeing = ~differing & high
                    var from = 0
                    while from < 8 {
                        let above = ~UInt64(0) << UInt64(8 * from)
                        let next = (runStart == nil ? agreeing : differing) & above
                        guard next != 0 else { break }
                        from = next.trailingZeroBitCount / 8
                        if runStart == nil {
                            runStart = offset + index + from
                        } else if close(at: offset + index + from) {
                            return true
                        }
                    }
                }
                index += 8
                if let start = runStart, offset + index - start >= limit {
                    append(start, count)
                    finished = true
                    return true
                }
            }
            while index < length {
                if baseA[index] == baseB[index] {
                    if runStart == nil { runStart = offset + index }
                } else if close(at: offset + index) {
                    return true
                }
                index += 1
            }
            return false
        }
    }
}
