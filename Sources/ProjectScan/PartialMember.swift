import ELFInspection

/// A deflated wheel member of which only the start and the end were fetched and inflated
/// (a wheel on an index, read by ranges). It holds the member's declared size (untouched
/// pages cost nothing) and which bytes are the member's; it is inspected only there, so its
/// facts are the whole member's or it says which bytes it lacks.
public final class PartialMember {
    public let size: Int
    private let memory: UnsafeMutableRawBufferPointer
    /// The bytes that are the member's, kept as `ByteCoverage` takes them (no copy there).
    private var ranges: [Range<UInt64>] = []

    /// Holds `memory` mapped (shared with the `DeflateTail` the member was laid around).
    private let region: ScratchRegion

    /// Nil for an empty member, one over the reader's size limit, or when the memory cannot be had.
    /// Only the pages written are ever made (`ScratchMemory`; calloc would clear all of them
    /// once the allocator has raised its mapping threshold).
    public init?(size: Int) {
        guard size > 0, UInt64(size) <= WheelReader.memberSizeLimit, let region = ScratchRegion(count: size) else { return nil }
        self.size = size
        self.region = region
        memory = region.bytes
    }

    /// The member laid around its end where `tail` inflated it: the tail's known ranges are
    /// the member's without a copy. Nil when the tail is not this size's end.
    public init?(size: Int, tail: consuming DeflateTail) {
        guard size > 0, UInt64(size) <= WheelReader.memberSizeLimit, tail.start >= 0, tail.start + tail.count == size,
              tail.memberBase >= 0, tail.memberBase <= tail.region.bytes.count - size else { return nil }
        self.size = size
        region = tail.region
        memory = UnsafeMutableRawBufferPointer(rebasing: tail.region.bytes[tail.memberBase..<(tail.memberBase + size)])
        // Tens of thousands of ranges for a big library's end: taken as they are when they
        // lie in the tail, as they do (the prefix is then merged in front of them in place).
        if tail.known.first.map({ $0.lowerBound >= UInt64(tail.start) }) ?? true,
           tail.known.last.map({ $0.upperBound <= UInt64(size) }) ?? true, ByteCoverage.isNormal(tail.known) {
            ranges = tail.known
        } else {
            for range in tail.known {
                let lower = max(range.lowerBound, UInt64(tail.start)), upper = min(range.upperBound, UInt64(size))
                if lower < upper { ByteCoverage.insert(lower..<upper, into: &ranges) }
            }
        }
    }

    /// Bytes inflated from the member's start: all of them are the member's.
    public func place(prefix bytes: [UInt8]) {
        place(bytes, at: 0, known: [0..<min(bytes.count, size)])
    }

    /// Bytes of the member's end, `bytes[0]` at `start`; only the `known` ranges (absolute) are the member's.
    public func place(_ bytes: [UInt8], at start: Int, known: [Range<Int>]) {
        for range in known {
            let lower = max(range.lowerBound, start, 0), upper = min(range.upperBound, start + bytes.count, size)
            guard lower < upper else { continue }
            bytes.withUnsafeBytes { source in
                memory.baseAddress!.advanced(by: lower).copyMemory(from: source.baseAddress!.advanced(by: lower - start), byteCount: upper - lower)
            }
            ByteCoverage.insert(UInt64(lower)..<UInt64(upper), into: &ranges)
        }
    }

    public var coverage: ByteCoverage { ByteCoverage(ranges) }

    /// Decides the bytes of the end left undecided (`DeflateTail.undecided`) from member offset
    /// `from` on (past any start placed over them): the 0x00 pass is compared with the 0xFF
    /// pass's bytes this member holds. False when it does not inflate as the tail did; nothing
    /// is changed then.
    ///
    /// The comparison reads the member's memory, which was lent to libelf (`artifact`), and
    /// libelf may write into an image it is lent only to convert its byte order: a partial
    /// read is made of a little-endian ELF only (`PartialMemberPlan`), and only on a
    /// little-endian host, so the bytes compared are the 0xFF pass's.
    func resolve(_ compressed: UnsafeRawBufferPointer, _ undecided: DeflateTail.Undecided, from: Int) -> Bool {
        #if !_endian(little)
        return false
        #endif
        guard let known = DeflateTail.resolved(compressed, undecided, member: UnsafeRawBufferPointer(memory), from: from) else { return false }
        ranges = ByteCoverage.union(ranges, known)
        return true
    }

    /// Of the bytes in `range` not known to be the member's: how many there are, and how many
    /// of them are 0xFF (as the undecided bytes of an end inflated from a block start are when
    /// they copy the unknown window).
    func unknownBytes(in range: Range<Int>) -> (count: Int, full: Int) {
        let lower = max(0, min(range.lowerBound, size)), upper = max(lower, min(range.upperBound, size))
        let coverage = self.coverage
        var count = 0, full = 0
        for offset in lower..<upper where !coverage.covers(UInt64(offset), count: 1) {
            count += 1
            if memory[offset] == 0xFF { full += 1 }
        }
        return (count, full)
    }

    /// Where the dynamic section and section headers begin, from what was read of the start.
    public func lateStart(memberPath: String, wheel: String) -> Result<UInt64?, ELFError> {
        let path = wheel + "!/" + memberPath
        let coverage = self.coverage
        return Result { () throws(ELFError) in try ELFInspector.lateStart(lending: memory, path: path, coverage: coverage) }
    }

    /// The member's artifact, or why not: `.incomplete` (with the bytes it lacks) when a fact
    /// needs a byte that was not read; the caller then reads more, or the whole member.
    public func artifact(memberPath: String, wheel: String) -> Result<Artifact, ELFError> {
        WheelInspection.artifact(member: memory, memberPath: memberPath, wheel: wheel, coverage: coverage)
    }
}
