import ELFInspection
import Foundation
import HTTPTransport
import ProjectScan

/// Reads one big deflated ELF member of a remote wheel by its start and its end only: the
/// first 64 KiB of its data (inflated from the start: headers and dynamic tables), then the
/// compressed bytes from before its dynamic section to its end, inflated from a deflate block
/// confirmed there (`DeflateTail`). The facts are read only where the member was read
/// (`PartialMember`); when a fact needs more of the start, more is fetched; anything else
/// (no confirmed block, a damaged start, a big-endian file) makes the caller read the member whole.
struct PartialMemberFetch {
    enum Outcome {
        case artifact(Artifact)
        /// The member does not start with the ELF magic (like a whole read, nothing is said).
        case notELF
        /// Read it whole instead (the reason is for `--verbose` and tests).
        case whole(String)
    }

    let fetcher: HTTPFetcher
    let url: String
    let entry: ZipDirectory.Entry
    let wheel: String
    private(set) var bytesFetched = 0
    private(set) var requests = 0

    static let headLength = 16 * 1024
    /// Compressed bytes asked for before where the dynamic section is estimated to start:
    /// the block confirmation needs 64 KiB, the rest is slack for the estimate.
    static let tailMargin = 112 * 1024
    static let attempts = 3

    init(fetcher: HTTPFetcher, url: String, entry: ZipDirectory.Entry, wheel: String) {
        self.fetcher = fetcher
        self.url = url
        self.entry = entry
        self.wheel = wheel
    }

    mutating func read() async throws(NetworkError) -> Outcome {
        let size = Int(entry.uncompressedSize), compressedSize = Int(entry.compressedSize)
        // The local header (its name and extra may differ from the directory's) and the head.
        guard let head = try await fetch(Int(entry.localHeaderOffset), 30 + entry.path.utf8.count + 1024 + Self.headLength) else {
            return .whole("the index did not answer a range")
        }
        let located = head.withUnsafeBytes { bytes in
            Result { () throws(ZipDirectory.ReadError) in try ZipDirectory.dataOffset(localHeader: bytes, at: entry.localHeaderOffset) }
        }
        guard case .success(let offset) = located else { return .whole("no local header") }
        let dataStart = Int(offset)
        var headData = [UInt8](head.dropFirst(dataStart - Int(entry.localHeaderOffset)).prefix(compressedSize))
        guard var prefix = Self.inflatePrefix(headData, size: size) else { return .whole("the start does not inflate") }
        guard prefix.starts(with: ELFIdentity.magic) || prefix.count < 4 else { return .notELF }
        guard prefix.count >= 64, prefix[5] == 1 else { return .whole("not a little-endian ELF start") }

        guard let start = PartialMember(size: size) else { return .whole("no memory for \(size) bytes") }
        start.place(prefix: prefix)
        guard case .success(let late?) = start.lateStart(memberPath: entry.path, wheel: wheel) else {
            return .whole("no dynamic section or section headers found from the start")
        }
        // Where `late` is in the compressed data, by the member's average ratio, minus the margin.
        let ratio = Double(compressedSize) / Double(size)
        var tailFrom = Int(Double(late) * ratio) - Self.tailMargin
        // `tailData` holds the compressed bytes from `fetchedFrom` to the member's end.
        var tailData: [UInt8] = [], fetchedFrom = compressedSize
        var tail: DeflateTail?
        for _ in 0..<(2 * Self.attempts) {
            if tail == nil {
                // The end: from further back each time no block is confirmed before the dynamic
                // section, or a byte it needs depends on what came before the block.
                guard tailFrom > headData.count + Self.headLength else { return .whole("the end would reach back to the start") }
                guard let more = try await fetch(dataStart + tailFrom, fetchedFrom - tailFrom) else {
                    return .whole("the index did not answer a range")
                }
                tailData = more + tailData
                fetchedFrom = tailFrom
                tailFrom -= 2 * Self.tailMargin
                guard let found = tailData.withUnsafeBytes({ DeflateTail.inflate($0, uncompressedSize: size) }),
                      UInt64(found.start) <= late else { continue }
                tail = found
            }
            guard let found = tail, let member = PartialMember(size: size) else { return .whole("no memory for \(size) bytes") }
            member.place(prefix: prefix)
            member.place(found.bytes, at: found.start, known: found.known)
            switch member.artifact(memberPath: entry.path, wheel: wheel) {
            case .success(let artifact):
                return .artifact(artifact)
            case .failure(let error) where error.kind == .incomplete && error.missing != nil:
                let missing = error.missing!
                // Nearer the end than the start (a string table patchelf moved after the code,
                // or bytes that depend on what came before the block): the end from further back.
                if missing.lowerBound >= UInt64(found.start)
                    || UInt64(found.start) - min(missing.upperBound, UInt64(found.start)) < missing.lowerBound - min(missing.lowerBound, UInt64(prefix.count)) {
                    tailFrom = min(tailFrom, Int(Double(missing.lowerBound) * ratio) - Self.tailMargin)
                    tail = nil
                    continue
                }
                // More of the start (the dynamic symbol tables of a big library), short of the end.
                let wanted = min(Int(Double(missing.upperBound) * ratio * 1.5) + Self.headLength, fetchedFrom)
                guard wanted > headData.count, let more = try await fetch(dataStart + headData.count, wanted - headData.count) else {
                    return .whole("needs more of the start than can be read apart from the end")
                }
                headData += more
                guard let longer = Self.inflatePrefix(headData, size: size), longer.count > prefix.count else {
                    return .whole("the start does not inflate")
                }
                prefix = longer
            case .failure(let error):
                return .whole(error.description)
            }
        }
        return .whole("no exact read after \(2 * Self.attempts) tries")
    }

    /// The exact inflation of the member's first compressed bytes, or nil when zlib refuses them.
    static func inflatePrefix(_ data: [UInt8], size: Int) -> [UInt8]? {
        data.withUnsafeBytes { bytes in try? Inflater.prefix(bytes, limit: size) }
    }

    /// `count` bytes at `offset` of the wheel, or nil when the index did not answer 206.
    private mutating func fetch(_ offset: Int, _ count: Int) async throws(NetworkError) -> [UInt8]? {
        guard count > 0 else { return [] }
        let reply = try await fetcher.get(url, range: Int64(offset)...Int64(offset + count - 1), maxBytes: RemoteWheel.wheelLimit)
        requests += 1
        bytesFetched += reply.body.count
        return reply.status == 206 ? [UInt8](reply.body) : nil
    }
}
