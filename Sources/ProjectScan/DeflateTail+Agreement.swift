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

        /// Runs the 0x00 pass (zlib from the block boundary at `bit` of `compressed`, behind
        /// `window`) and compares it with `reference` (this comparison's `count` bytes of the
        /// 0xFF pass) only as far as the comparison needs. The pass's first byte is this
        /// comparison's byte `first`; its bytes before those compared so far are passed over.
        /// True when it stopped with the comparison finished, or ended with exactly the
        /// comparison's bytes (the parse is the same whatever the window); anything else means
        /// something is off.
        mutating func compareZeroPass(_ compressed: UnsafeRawBufferPointer, bit: Int, window: [UInt8], first: Int,
                                      with reference: UnsafeBufferPointer<UInt8>) -> Bool {
            guard reference.count == count, first <= compared else { return false }
            var produced = first
            let pass = Inflater.chunks(compressed, startBit: bit, window: window) { chunk in
                defer { produced += chunk.count }
                // Never more bytes than the 0xFF pass.
                guard chunk.count <= count - produced else { return false }
                let skip = min(compared - produced, chunk.count)
                guard skip < chunk.count else { return true }
                return !compare(UnsafeBufferPointer(rebasing: chunk[skip...]),
                                UnsafeBufferPointer(rebasing: reference[compared..<(compared + chunk.count - skip)]))
            }
            switch pass {
            case .stopped: return finished
            case .streamEnd(let total): return first + total == count && finished
            case .rejected: return false
            }
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
