import Foundation
import HTTPTransport
import ProjectScan

/// Scans a wheel on an index without downloading it whole: a range request for its last
/// bytes (the zip's end record and central directory), then one range per run of members
/// that may be ELF (local header + compressed data), inflated and inspected in memory.
/// An index that ignores ranges (200 instead of 206) gets the whole wheel read instead.
public struct RemoteWheel: Sendable {
    public struct Scan: Sendable {
        public var artifacts: [Artifact]
        public var warnings: [String]
        /// Bytes received from the index for this wheel.
        public var bytesFetched: Int
        public var wheelSize: Int
        public var usedRanges: Bool
        public var requests: Int
        /// Read from the facts cache: nothing was fetched.
        public var cached = false
        /// Members read by their start and end only (`PartialMemberFetch`).
        public var partialMembers = 0
        /// Big members read whole after all, each with why (`member: reason`).
        public var readWhole: [String] = []
    }

    public let fetcher: HTTPFetcher
    /// Members closer than this are fetched in one range.
    public var mergeGap: UInt64 = 64 * 1024
    /// Deflated members at least this big (compressed) are read by their start and end only.
    public var partialThreshold: UInt64 = 256 * 1024
    static let partialParallel = 3
    public static let wheelLimit = 1 << 31
    static let firstTail = 16 * 1024

    public init(fetcher: HTTPFetcher) {
        self.fetcher = fetcher
    }

    /// With `sha256` (the index's hash of the file) and a cache, a wheel seen before costs no request.
    public func scan(url: String, displayPath: String, sha256: String?, cache: WheelFactsCache?) async throws(NetworkError) -> Scan {
        if let sha256, let cache, let hit = cache.load(sha256: sha256, displayPath: displayPath) {
            return Scan(artifacts: hit.artifacts, warnings: hit.warnings, bytesFetched: 0, wheelSize: 0, usedRanges: false, requests: 0, cached: true)
        }
        let scan = try await self.scan(url: url, displayPath: displayPath)
        if let sha256, let cache { cache.store(sha256: sha256, artifacts: scan.artifacts, warnings: scan.warnings) }
        return scan
    }

    public func scan(url: String, displayPath: String) async throws(NetworkError) -> Scan {
        var fetched = 0
        var requests = 1
        // Most wheels have no zip comment: the end record is in the last 22 bytes, and a small
        // wheel's whole directory in the last few KiB. Ask for more only when needed.
        var tailReply = try await fetcher.get(url, headers: [("Range", "bytes=-\(Self.firstTail)")], maxBytes: Self.wheelLimit)
        fetched += tailReply.body.count
        if tailReply.status == 206, let total = Self.totalSize(tailReply.header("Content-Range")), total > tailReply.body.count,
           (try? Self.locate(tailReply.body, archiveSize: UInt64(total))) == nil {
            tailReply = try await fetcher.get(url, headers: [("Range", "bytes=-\(ZipDirectory.tailLength)")], maxBytes: Self.wheelLimit)
            requests += 1
            fetched += tailReply.body.count
        }
        guard tailReply.status == 206, let total = Self.totalSize(tailReply.header("Content-Range")) else {
            // Ranges refused: the whole wheel came back.
            let (artifacts, warnings) = tailReply.body.withUnsafeBytes { WheelInspection.inspect(archive: $0, path: displayPath) }
            return Scan(artifacts: artifacts, warnings: warnings, bytesFetched: fetched, wheelSize: tailReply.body.count, usedRanges: false, requests: 1)
        }
        // A small wheel: the rest of it costs less than a directory plus member ranges.
        if total <= 4 * Self.firstTail {
            var whole = Data()
            if total > tailReply.body.count {
                let head = try await fetcher.get(url, range: 0...Int64(total - tailReply.body.count - 1), maxBytes: Self.wheelLimit)
                requests += 1
                fetched += head.body.count
                whole = head.body
            }
            whole.append(tailReply.body.suffix(min(tailReply.body.count, total)))
            let (artifacts, warnings) = whole.withUnsafeBytes { WheelInspection.inspect(archive: $0, path: displayPath) }
            return Scan(artifacts: artifacts, warnings: warnings, bytesFetched: fetched, wheelSize: total, usedRanges: true, requests: requests)
        }
        let tailStart = UInt64(total) - UInt64(tailReply.body.count)
        let directory: ZipDirectory
        do {
            let located = try Self.locate(tailReply.body, archiveSize: UInt64(total))
            var directoryBytes: Data
            if located.offset >= tailStart {
                let start = Int(located.offset - tailStart)
                directoryBytes = tailReply.body.subdata(in: start..<(start + Int(located.size)))
            } else {
                let reply = try await fetcher.get(url, range: Int64(located.offset)...Int64(located.offset + located.size - 1), maxBytes: Self.wheelLimit)
                requests += 1
                fetched += reply.body.count
                directoryBytes = reply.body
            }
            directory = try Self.parse(directoryBytes, offset: located.offset)
        } catch let error as NetworkError {
            throw error
        } catch {
            return Scan(artifacts: [], warnings: ["unreadable wheel: \(error)"], bytesFetched: fetched, wheelSize: total, usedRanges: true, requests: requests)
        }

        var artifacts: [Artifact] = []
        var warnings: [String] = []
        // Big deflated members: their start and end only (whole when that does not work out),
        // a few at a time (each is two to four requests in a row).
        var partial = 0
        var wholeRead: Set<ZipDirectory.Entry> = []
        var readWhole: [String] = []
        let big = directory.entries.filter { WheelInspection.mayBeELF($0) && $0.method == 8 && $0.compressedSize >= partialThreshold }
        for result in await readPartially(big, url: url, wheel: displayPath) {
            let (entry, read) = result
            switch read {
            case .failure(let error):
                throw error
            case .success(let (outcome, bytes, count)):
                fetched += bytes
                requests += count
                switch outcome {
                case .artifact(let artifact):
                    artifacts.append(artifact)
                    partial += 1
                case .notELF:
                    partial += 1
                case .whole(let reason):
                    wholeRead.insert(entry)
                    readWhole.append("\(entry.path): \(reason)")
                }
            }
        }
        // Runs of the other candidate members, each fetched with one range.
        let candidates = directory.entries.filter {
            WheelInspection.mayBeELF($0) && ($0.method != 8 || $0.compressedSize < partialThreshold || wholeRead.contains($0))
        }.sorted { $0.localHeaderOffset < $1.localHeaderOffset }
        // A member's bytes end where the next member's local header starts (or the directory).
        let starts = directory.entries.map(\.localHeaderOffset).sorted()
        var runs: [(start: UInt64, end: UInt64, members: [ZipDirectory.Entry])] = []
        for entry in candidates {
            let estimate = ZipDirectory.rangeEstimate(entry)
            let next = starts.first { $0 > entry.localHeaderOffset } ?? directory.directoryOffset
            let end = min(estimate.start + estimate.length, next, directory.directoryOffset)
            if var last = runs.last, estimate.start <= last.end + mergeGap {
                last.end = max(last.end, end)
                last.members.append(entry)
                runs[runs.count - 1] = last
            } else {
                runs.append((estimate.start, end, [entry]))
            }
        }
        for run in runs where run.end > run.start {
            let reply = try await fetcher.get(url, range: Int64(run.start)...Int64(run.end - 1), maxBytes: Self.wheelLimit)
            requests += 1
            fetched += reply.body.count
            reply.body.withUnsafeBytes { bytes in
                for entry in run.members {
                    let offset = Int(entry.localHeaderOffset - run.start)
                    guard offset < bytes.count else { continue }
                    switch WheelInspection.inflate(localHeaderAndData: UnsafeRawBufferPointer(rebasing: bytes[offset...]), entry: entry) {
                    case .success(let member):
                        switch WheelInspection.inspect(member: member, memberPath: entry.path, wheel: displayPath) {
                        case .success(let artifact): artifacts.append(artifact)
                        case .failure(let message): warnings.append(message.text)
                        }
                    case .failure(let message):
                        if !message.text.isEmpty { warnings.append(message.text) }
                    }
                }
            }
        }
        return Scan(artifacts: artifacts.sorted { $0.path < $1.path }, warnings: warnings, bytesFetched: fetched, wheelSize: total,
                    usedRanges: true, requests: requests, partialMembers: partial, readWhole: readWhole)
    }

    typealias PartialRead = Result<(outcome: PartialMemberFetch.Outcome, bytes: Int, requests: Int), NetworkError>

    /// Each member read by `PartialMemberFetch`, up to `parallel` at once, in the members' order.
    func readPartially(_ entries: [ZipDirectory.Entry], url: String, wheel: String) async -> [(ZipDirectory.Entry, PartialRead)] {
        var results: [Int: PartialRead] = [:]
        await withTaskGroup(of: (Int, PartialRead).self) { group in
            var next = 0
            func add() {
                let index = next, entry = entries[next]
                next += 1
                group.addTask {
                    var read = PartialMemberFetch(fetcher: fetcher, url: url, entry: entry, wheel: wheel)
                    do throws(NetworkError) {
                        let outcome = try await read.read()
                        return (index, .success((outcome, read.bytesFetched, read.requests)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            while next < min(Self.partialParallel, entries.count) { add() }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < entries.count { add() }
            }
        }
        return entries.indices.map { (entries[$0], results[$0]!) }
    }

    static func locate(_ tail: Data, archiveSize: UInt64) throws -> (offset: UInt64, size: UInt64, count: UInt64) {
        let bytes = [UInt8](tail)
        return try bytes.withUnsafeBytes { buffer in
            do { return try ZipDirectory.locate(tail: buffer, archiveSize: archiveSize) } catch { throw error as Error }
        }
    }

    static func parse(_ directory: Data, offset: UInt64) throws -> ZipDirectory {
        let bytes = [UInt8](directory)
        return try bytes.withUnsafeBytes { buffer in
            do { return try ZipDirectory.parse(directory: buffer, offset: offset, limit: 200_000) } catch { throw error as Error }
        }
    }

    /// `bytes 100-199/5000` → 5000.
    static func totalSize(_ contentRange: String?) -> Int? {
        guard let contentRange, let slash = contentRange.lastIndex(of: "/") else { return nil }
        return Int(contentRange[contentRange.index(after: slash)...])
    }
}
