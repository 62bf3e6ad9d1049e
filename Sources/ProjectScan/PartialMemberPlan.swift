import ELFInspection

/// How one big deflated ELF member of a wheel is read by its start and its end only: the
/// first 16 KiB of its data (inflated from the start: headers and dynamic tables), then the
/// compressed bytes from before its dynamic section to its end, inflated from a deflate block
/// confirmed there (`DeflateTail`). The facts are read only where the member was read
/// (`PartialMember`); when a fact needs more of the start, more is read; anything else (no
/// confirmed block, a damaged start, a big-endian file) makes the caller read the member whole.
///
/// The plan says which bytes of the archive it needs next (`Step.read`) and is given them,
/// so the same steps serve a wheel on an index (each read a range request, `RemoteWheel`) and
/// a wheel in memory (`read(archive:)`, each read a slice).
public struct PartialMemberPlan {
    public enum Outcome: Sendable {
        case artifact(Artifact)
        /// The member does not start with the ELF magic (like a whole read, nothing is said).
        case notELF
        /// Read it whole instead (the reason is for `--verbose` and tests).
        case whole(String)
    }

    public enum Step: Sendable {
        /// `count` bytes of the archive from `offset` (fewer when the archive ends first).
        case read(offset: Int, count: Int)
        case finished(Outcome)
    }

    public static let headLength = 16 * 1024
    /// Compressed bytes read before where the dynamic section is estimated to start:
    /// the block confirmation needs 64 KiB, the rest is slack for the estimate.
    public static let tailMargin = 112 * 1024
    static let attempts = 3
    /// Over a network (no `maxReadShare`) the bytes are what costs, and the member's average
    /// ratio is a poor guess for its end: what follows the dynamic section (`.got`, `.data`,
    /// unstripped symbol tables, patchelf's moved string table) compressed to 3–38 % of its size
    /// on the wheels measured, against 17–43 % for whole members. So the first read of the end
    /// is the margin plus a tenth of the bytes after the dynamic section, and each retry reads
    /// twice as far back; the start is read on by a fifth of the bytes it still lacks, at least
    /// doubling what was read (`Benchmarks/lockfile-remote.sh`).
    static let remoteEndRatio = 0.1
    static let remoteStartRatio = 0.2

    private var remote: Bool { maxReadShare == nil }

    public let entry: ZipDirectory.Entry
    public let wheel: String
    /// When what the plan has read and is about to read would be more than this share of the
    /// member's compressed bytes, it says `.whole` instead (in memory, one whole inflation by
    /// libdeflate is faster than zlib over the start and two passes over much of the end);
    /// nil: any share (over a network the bytes are what costs).
    public let maxReadShare: Double?

    private enum Waiting: Sendable { case head, tail, moreHead, resolve }
    private var waiting = Waiting.head
    private var dataStart = 0
    /// The member's compressed bytes from its first, and their exact inflation.
    private var headData: [UInt8] = []
    private var prefix: [UInt8] = []
    /// Where the dynamic section or the section headers begin (uncompressed offset).
    private var late: UInt64 = 0
    private var ratio = 1.0
    /// The compressed bytes from `fetchedFrom` to the member's end (fetched in pieces; none
    /// when read in place), and where to read from next.
    private var tailData: [UInt8] = []
    /// How many compressed bytes of the end were inflated last.
    private var tailCount = 0
    private var fetchedFrom = 0
    private var tailFrom = 0
    /// The member laid around the end inflated from a confirmed block (kept across reads of
    /// more of the start: the end's tens of thousands of known ranges are then not copied),
    /// where that end starts (uncompressed) and its block's bit.
    private var member: PartialMember?
    private var tailStart = 0
    private var tailBlockBit = 0
    /// Where that end's 0x00 pass was left out (`DeflateTail.undecided`), until it is run.
    private var tailUndecided: DeflateTail.Undecided?
    /// Whether an end was already read from further back rather than resolved (once only: a
    /// further end may leave the same bytes undecided).
    private var resolutionSkipped = false
    private var tries = 0
    /// Bytes the reads so far asked for.
    private var bytesRead = 0

    public init(entry: ZipDirectory.Entry, wheel: String, maxReadShare: Double? = nil) {
        self.entry = entry
        self.wheel = wheel
        self.maxReadShare = maxReadShare
    }

    private var size: Int { Int(entry.uncompressedSize) }
    private var compressedSize: Int { Int(entry.compressedSize) }

    /// The first read: the local header (its name and extra may differ from the directory's)
    /// and the head. A directory entry whose offsets or sizes no archive could hold is read
    /// whole (where the whole read's own checks refuse it).
    public mutating func start() -> Step {
        let limit = UInt64(Int.max / 4)
        guard entry.localHeaderOffset <= limit, entry.compressedSize <= limit, entry.uncompressedSize <= WheelReader.memberSizeLimit else {
            return .finished(.whole("its offset or sizes are out of range"))
        }
        waiting = .head
        return read(offset: Int(entry.localHeaderOffset), count: 30 + entry.path.utf8.count + 1024 + Self.headLength)!
    }

    /// A read, or nil when it would take the plan past `maxReadShare`.
    private mutating func read(offset: Int, count: Int) -> Step? {
        if let maxReadShare, bytesRead > 0, Double(bytesRead + count) > maxReadShare * Double(compressedSize) { return nil }
        bytesRead += count
        return .read(offset: offset, count: count)
    }

    /// The bytes the last step asked for, or nil when they could not be had (an index that
    /// does not answer ranges).
    public mutating func received(_ bytes: [UInt8]?) -> Step {
        guard let bytes else { return .finished(.whole("the index did not answer a range")) }
        switch waiting {
        case .head: return afterHead(bytes)
        case .tail: return afterTail(.pieces(bytes))
        case .moreHead: return afterMoreHead(bytes)
        case .resolve: return bytes.withUnsafeBytes { afterResolve($0) }
        }
    }

    /// The last step's bytes read in place from the whole archive in memory: the end is
    /// inflated straight from the archive (about 1 MB for a big library, which a copy would
    /// cost in page faults as well as in copying); reads of the start are copied (they are
    /// inflated from their first byte each time, and kept to be read on).
    mutating func received(inPlace archive: UnsafeRawBufferPointer, offset: Int, count: Int) -> Step {
        let lower = min(max(offset, 0), archive.count), upper = lower + min(max(count, 0), archive.count - lower)
        guard waiting == .tail || waiting == .resolve else { return received([UInt8](archive[lower..<upper])) }
        // The end from the plan's `tailFrom` through the member's last byte (what the step asked
        // for and every end read before it), or again the end the member was laid around.
        let from = dataStart + (waiting == .tail ? tailFrom : fetchedFrom)
        guard offset == from, upper - lower == count, compressedSize <= archive.count - dataStart else {
            return .finished(.whole("the archive ends inside the member"))
        }
        let end = UnsafeRawBufferPointer(rebasing: archive[from..<(dataStart + compressedSize)])
        return waiting == .tail ? afterTail(.archive(end)) : afterResolve(end)
    }

    private mutating func afterHead(_ head: [UInt8]) -> Step {
        let located = head.withUnsafeBytes { bytes in
            Result { () throws(ZipDirectory.ReadError) in try ZipDirectory.dataOffset(localHeader: bytes, at: entry.localHeaderOffset) }
        }
        guard case .success(let offset) = located else { return .finished(.whole("no local header")) }
        // The end is placed by the declared size: a size the local header does not repeat
        // would put every byte of the end at the wrong offset (a whole read refuses it).
        switch head.withUnsafeBytes({ ZipDirectory.localHeader($0, agreesWith: entry) }) {
        case .agrees: break
        case .differs: return .finished(.whole("the local header's CRC-32 or sizes are not the directory's"))
        case .cannotSay(let why): return .finished(.whole("the local header cannot confirm the sizes: \(why)"))
        }
        dataStart = Int(offset)
        headData = [UInt8](head.dropFirst(dataStart - Int(entry.localHeaderOffset)).prefix(compressedSize))
        guard let inflated = Self.inflatePrefix(headData, size: size) else { return .finished(.whole("the start does not inflate")) }
        prefix = inflated
        guard prefix.starts(with: ELFIdentity.magic) || prefix.count < 4 else { return .finished(.notELF) }
        guard prefix.count >= 64, prefix[5] == 1 else { return .finished(.whole("not a little-endian ELF start")) }
        guard let start = PartialMember(size: size) else { return .finished(.whole("no memory for \(size) bytes")) }
        start.place(prefix: prefix)
        guard case .success(let found?) = start.lateStart(memberPath: entry.path, wheel: wheel) else {
            return .finished(.whole("no dynamic section or section headers found from the start"))
        }
        late = found
        // Where `late` is in the compressed data, by the member's average ratio, minus the margin.
        ratio = Double(compressedSize) / Double(size)
        tailFrom = remote ? remoteTailStart(from: late) : Int(Double(late) * ratio) - Self.tailMargin
        fetchedFrom = compressedSize
        return next()
    }

    /// The next try: the end from further back when no block is confirmed yet, else the facts.
    private mutating func next() -> Step {
        guard tries < 2 * Self.attempts else { return .finished(.whole("no exact read after \(2 * Self.attempts) tries")) }
        tries += 1
        guard member == nil else { return evaluate() }
        // From further back each time no block is confirmed before the dynamic section, or a
        // byte it needs depends on what came before the block.
        guard tailFrom > headData.count + Self.headLength else { return .finished(.whole("the end would reach back to the start")) }
        waiting = .tail
        return read(offset: dataStart + tailFrom, count: fetchedFrom - tailFrom) ?? .finished(.whole(Self.tooMuch))
    }

    /// Bytes of the end: a piece just fetched (the ends fetched before follow it), or the
    /// whole end read so far, in place in the archive.
    private enum TailBytes {
        case pieces([UInt8])
        case archive(UnsafeRawBufferPointer)
    }

    private mutating func afterTail(_ more: TailBytes) -> Step {
        var inflated: DeflateTail?
        switch more {
        case .pieces(let piece):
            guard piece.count == fetchedFrom - tailFrom else { return .finished(.whole("the archive ends inside the member")) }
            tailData = tailData.isEmpty ? piece : piece + tailData
            tailCount = tailData.count
            inflated = tailData.withUnsafeBytes { DeflateTail.inflate($0, uncompressedSize: size) }
        case .archive(let end):
            tailCount = end.count
            inflated = DeflateTail.inflate(end, uncompressedSize: size)
        }
        fetchedFrom = tailFrom
        tailFrom = remote ? compressedSize - 2 * (compressedSize - fetchedFrom) : tailFrom - 2 * Self.tailMargin
        guard let found = inflated.take() else { return next() }
        guard UInt64(found.start) <= late else {
            // A block confirmed after the dynamic section: how the end compresses is now known.
            if remote { tailFrom = min(remoteTailStart(from: late, after: (found.start, found.blockBit)), fetchedFrom - 2 * Self.headLength) }
            return next()
        }
        (tailStart, tailBlockBit, tailUndecided) = (found.start, found.blockBit, found.undecided)
        // The tail is given away, so the member's known ranges are its own (not copied when the
        // start is merged in front of them).
        guard let laidAround = PartialMember(size: size, tail: consume found) else { return .finished(.whole("no memory for \(size) bytes")) }
        member = laidAround
        return evaluate()
    }

    private mutating func evaluate() -> Step {
        guard let member else { return .finished(.whole("no memory for \(size) bytes")) }
        member.place(prefix: prefix)
        switch member.artifact(memberPath: entry.path, wheel: wheel) {
        case .success(let artifact):
            return .finished(.artifact(artifact))
        case .failure(let error) where error.kind == .incomplete && error.missing != nil:
            let missing = error.missing!
            // Bytes of the end the 0x00 pass was left out for: compared now, unless most of them
            // are 0xFF (then they most likely copy the window, and the comparison would only
            // confirm it: the end is read from further back, as below, once).
            if let undecided = tailUndecided, missing.upperBound > undecided.from {
                let unknown = member.unknownBytes(in: Int(max(missing.lowerBound, undecided.from))..<Int(min(missing.upperBound, UInt64(size))))
                if unknown.count > 0 {
                    if resolutionSkipped || 4 * unknown.full < 3 * unknown.count { return resolve() }
                    resolutionSkipped = true
                }
            }
            // Nearer the end than the start (a string table patchelf moved after the code, or
            // bytes that depend on what came before the block): the end from further back.
            // Over a network only bytes of the end itself are read from further back: the start
            // is read on exactly, where the end needs a block and its confirmation before them.
            let inEnd = missing.lowerBound >= UInt64(tailStart)
            if inEnd || (!remote && UInt64(tailStart) - min(missing.upperBound, UInt64(tailStart))
                                        < missing.lowerBound - min(missing.lowerBound, UInt64(prefix.count))) {
                // (Bytes that depend on the window: how far back their matches reach is not
                // known, so twice as far back as read so far.)
                tailFrom = remote ? min(remoteTailStart(from: missing.lowerBound, after: (tailStart, tailBlockBit)),
                                        compressedSize - 2 * (compressedSize - fetchedFrom))
                    : min(tailFrom, Int(Double(missing.lowerBound) * ratio) - Self.tailMargin)
                self.member = nil
                return next()
            }
            // More of the start (the dynamic symbol tables of a big library), short of the end.
            let wanted = min(remote ? max(Int(Double(missing.upperBound) * Self.remoteStartRatio) + Self.headLength, 2 * headData.count)
                                    : Int(Double(missing.upperBound) * ratio * 1.5) + Self.headLength, fetchedFrom)
            guard wanted > headData.count else { return .finished(.whole("needs more of the start than can be read apart from the end")) }
            waiting = .moreHead
            return read(offset: dataStart + headData.count, count: wanted - headData.count) ?? .finished(.whole(Self.tooMuch))
        case .failure(let error):
            return .finished(.whole(error.description))
        }
    }

    /// Runs the end's 0x00 pass over the compressed end the member was laid around: at hand when
    /// it was fetched in pieces, else read again in place (not counted again: it was read).
    private mutating func resolve() -> Step {
        guard tailData.isEmpty else {
            let compressed = tailData
            return compressed.withUnsafeBytes { afterResolve($0) }
        }
        waiting = .resolve
        return .read(offset: dataStart + fetchedFrom, count: compressedSize - fetchedFrom)
    }

    private mutating func afterResolve(_ compressed: UnsafeRawBufferPointer) -> Step {
        guard let member, let undecided = tailUndecided, compressed.count == compressedSize - fetchedFrom,
              member.resolve(compressed, undecided, from: max(Int(undecided.from), prefix.count)) else {
            return .finished(.whole("the end's undecided bytes do not inflate as the end did"))
        }
        tailUndecided = nil
        return evaluate()
    }

    private mutating func afterMoreHead(_ more: [UInt8]) -> Step {
        headData += more
        guard let longer = Self.inflatePrefix(headData, size: size), longer.count > prefix.count else {
            return .finished(.whole("the start does not inflate"))
        }
        prefix = longer
        return next()
    }

    static let tooMuch = "its start and end would be more of it than reading it whole costs"

    /// Over a network: where to read the end from so that it holds `offset` (uncompressed), by
    /// `remoteEndRatio`, or by how the end inflated from a block confirmed in it compresses.
    private func remoteTailStart(from offset: UInt64, after found: (start: Int, blockBit: Int)? = nil) -> Int {
        var endRatio = Self.remoteEndRatio
        if let found, found.start < size {
            endRatio = 1.1 * Double(tailCount - found.blockBit / 8) / Double(size - found.start)
        }
        return compressedSize - Self.tailMargin - Int(Double(size - Int(min(offset, UInt64(size)))) * endRatio)
    }

    /// The exact inflation of the member's first compressed bytes, or nil when zlib refuses them.
    static func inflatePrefix(_ data: [UInt8], size: Int) -> [UInt8]? {
        data.withUnsafeBytes { bytes in try? Inflater.prefix(bytes, limit: size) }
    }

    /// The plan run over a whole archive in memory (each read a slice of it).
    public static func read(archive: UnsafeRawBufferPointer, entry: ZipDirectory.Entry, wheel: String, maxReadShare: Double?) -> Outcome {
        var plan = PartialMemberPlan(entry: entry, wheel: wheel, maxReadShare: maxReadShare)
        var step = plan.start()
        while true {
            switch step {
            case .finished(let outcome):
                return outcome
            case .read(let offset, let count):
                step = plan.received(inPlace: archive, offset: offset, count: count)
            }
        }
    }
}
