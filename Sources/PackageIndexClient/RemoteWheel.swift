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
        /// Warnings that leave nothing out (a member no installer writes).
        public var warnings: [String]
        /// Members that may be native code and could not be judged (damaged, over a limit),
        /// or the whole wheel when its directory could not be read.
        public var unjudged: [String] = []
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
        /// Its bytes held to the expected sha256: true when they are that file, false when they
        /// are not (not judged), nil when not checked (no sha256, or read by ranges).
        public var matchesSHA256: Bool?
    }

    public let fetcher: HTTPFetcher
    /// Members closer than this are fetched in one range.
    public var mergeGap: UInt64 = 64 * 1024
    /// Deflated members at least this big (compressed) are read by their start and end only.
    public var partialThreshold: UInt64 = 256 * 1024
    public static let wheelLimit = 1 << 31
    static let firstTail = 16 * 1024

    public init(fetcher: HTTPFetcher) {
        self.fetcher = fetcher
    }

    /// With `sha256` (the lockfile's or the index's hash of the file) and a cache, a wheel seen
    /// before costs no request. A wheel received whole is held to `sha256` (other bytes: not
    /// judged, and not kept); one read by ranges cannot be, so its facts are kept for that
    /// sha256 as read from that URL only, and another URL claiming the hash reads its own.
    public func scan(url: String, displayPath: String, sha256: String?, cache: WheelFactsCache?) async throws(NetworkError) -> Scan {
        let expected = sha256?.lowercased()
        // The checked key, and the key of facts read by ranges from this URL.
        let keys = expected.map { ($0, $0 + "-" + String(HTTPFetcher.sha256(of: Data(url.utf8)).prefix(16))) }
        if let cache, let keys {
            for key in [keys.0, keys.1] {
                if let hit = cache.load(sha256: key, displayPath: displayPath) {
                    return Scan(artifacts: hit.artifacts, warnings: hit.warnings, unjudged: hit.unjudged, bytesFetched: 0, wheelSize: 0,
                                usedRanges: false, requests: 0, cached: true)
                }
            }
        }
        let scan = try await self.scan(url: url, displayPath: displayPath, expectedSHA256: expected)
        if let cache, let keys, scan.matchesSHA256 != false {
            cache.store(sha256: scan.matchesSHA256 == true ? keys.0 : keys.1, artifacts: scan.artifacts, warnings: scan.warnings, unjudged: scan.unjudged)
        }
        return scan
    }

    /// A wheel received whole: its artifacts, or, when `expectedSHA256` is given and the bytes
    /// hash otherwise, only that it is not the file named.
    private func inspectWhole(_ bytes: Data, displayPath: String, expectedSHA256: String?, scan: (inout Scan) -> Void) -> Scan {
        if let expectedSHA256, HTTPFetcher.sha256(of: bytes) != expectedSHA256 {
            var result = Scan(artifacts: [], warnings: [], bytesFetched: 0, wheelSize: bytes.count, usedRanges: false, requests: 0)
            result.unjudged = ["the wheel's bytes are not the file the lockfile or the index names (another sha256): not judged"]
            result.matchesSHA256 = false
            scan(&result)
            return result
        }
        let (artifacts, warnings, unjudged) = bytes.withUnsafeBytes { WheelInspection.inspect(archive: $0, path: displayPath) }
        var result = Scan(artifacts: artifacts, warnings: warnings, unjudged: unjudged, bytesFetched: 0, wheelSize: bytes.count, usedRanges: false, requests: 0)
        result.matchesSHA256 = expectedSHA256 != nil ? true : nil
        scan(&result)
        return result
    }

    public func scan(url: String, displayPath: String, expectedSHA256: String? = nil) async throws(NetworkError) -> Scan {
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
            return inspectWhole(tailReply.body, displayPath: displayPath, expectedSHA256: expectedSHA256) {
                $0.bytesFetched = fetched
                $0.requests = 1
            }
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
            return inspectWhole(whole, displayPath: displayPath, expectedSHA256: expectedSHA256) { [requests] in
                $0.bytesFetched = fetched
                $0.wheelSize = total
                $0.usedRanges = true
                $0.requests = requests
            }
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
            return Scan(artifacts: [], warnings: [], unjudged: ["unreadable wheel: \(error)"], bytesFetched: fetched, wheelSize: total, usedRanges: true, requests: requests)
        }

        // Big deflated members by their start and end, and runs of the others, all at once:
        // each partial read is two to four requests in a row, so they overlap with the runs.
        let mayBeELF = directory.entries.filter(WheelInspection.mayBeELF)
        let candidates = mayBeELF.filter(directory.holds)
        let outside = mayBeELF.filter { !directory.holds($0) }.map { "member \($0.path) lies outside the archive's members (its directory entry is damaged); not scanned" }
        let big = candidates.filter { $0.method == 8 && $0.compressedSize >= partialThreshold }
        let bigSet = Set(big)
        let fetcher = fetcher, url = url, wheel = displayPath
        async let partialReads = BoundedConcurrency.map(big, width: Self.rangesInFlight) { entry in
            var read = PartialMemberFetch(fetcher: fetcher, url: url, entry: entry, wheel: wheel)
            do throws(NetworkError) {
                let outcome = try await read.read()
                return PartialRead.success((outcome, read.bytesFetched, read.requests))
            } catch {
                return PartialRead.failure(error)
            }
        }
        var collected = await readRuns(Self.runs(of: candidates.filter { !bigSet.contains($0) }, in: directory, mergeGap: mergeGap),
                                       url: url, wheel: wheel)
        var partial = 0
        var readWhole: [String] = []
        var fallbacks: [ZipDirectory.Entry] = []
        for (entry, read) in zip(big, await partialReads) {
            let (outcome, bytes, count) = try read.get()
            collected.bytes += bytes
            collected.requests += count
            switch outcome {
            case .artifact(let artifact):
                collected.artifacts.append(artifact)
                partial += 1
            case .notELF:
                partial += 1
            case .whole(let reason):
                fallbacks.append(entry)
                readWhole.append("\(entry.path): \(reason)")
            }
        }
        // The big members that could not be read by their ends: whole, like the others.
        let rest = await readRuns(Self.runs(of: fallbacks, in: directory, mergeGap: mergeGap), url: url, wheel: wheel)
        collected.add(rest)
        if let failure = collected.failure { throw failure }
        return Scan(artifacts: collected.artifacts.sorted { $0.path < $1.path }, warnings: [], unjudged: outside + collected.unjudged,
                    bytesFetched: fetched + collected.bytes, wheelSize: total, usedRanges: true, requests: requests + collected.requests,
                    partialMembers: partial, readWhole: readWhole)
    }

    typealias PartialRead = Result<(outcome: PartialMemberFetch.Outcome, bytes: Int, requests: Int), NetworkError>
    /// Ranges of one wheel in flight at once (the connection pool queues the rest).
    static let rangesInFlight = 8

    /// A run of members fetched with one range.
    struct Run: Sendable {
        var start: UInt64
        var end: UInt64
        var members: [ZipDirectory.Entry]
    }

    /// What reading some runs gave, in the runs' order; the first network failure, if any.
    struct Collected: Sendable {
        var artifacts: [Artifact] = []
        /// Members that could not be inflated or inspected.
        var unjudged: [String] = []
        var bytes = 0
        var requests = 0
        var failure: NetworkError?

        mutating func add(_ other: Collected) {
            artifacts += other.artifacts
            unjudged += other.unjudged
            bytes += other.bytes
            requests += other.requests
            failure = failure ?? other.failure
        }
    }

    /// Members in archive order grouped into ranges: a member's bytes end where the next
    /// member's local header starts (or the directory); members closer than `mergeGap` share one.
    static func runs(of members: [ZipDirectory.Entry], in directory: ZipDirectory, mergeGap: UInt64) -> [Run] {
        let starts = directory.entries.map(\.localHeaderOffset).sorted()
        var runs: [Run] = []
        for entry in members.sorted(by: { $0.localHeaderOffset < $1.localHeaderOffset }) {
            let estimate = ZipDirectory.rangeEstimate(entry)
            let next = starts.first { $0 > entry.localHeaderOffset } ?? directory.directoryOffset
            let end = min(estimate.start + estimate.length, next, directory.directoryOffset)
            if let last = runs.last, estimate.start <= last.end + mergeGap {
                runs[runs.count - 1].end = max(last.end, end)
                runs[runs.count - 1].members.append(entry)
            } else {
                runs.append(Run(start: estimate.start, end: end, members: [entry]))
            }
        }
        return runs.filter { $0.end > $0.start }
    }

    /// Each run fetched with one range and its members inflated whole and inspected, several at once.
    func readRuns(_ runs: [Run], url: String, wheel: String) async -> Collected {
        let fetcher = fetcher
        let reads = await BoundedConcurrency.map(runs, width: Self.rangesInFlight) { run -> Collected in
            var collected = Collected()
            let reply: HTTPReply
            do throws(NetworkError) {
                reply = try await fetcher.get(url, range: Int64(run.start)...Int64(run.end - 1), maxBytes: Self.wheelLimit)
            } catch {
                collected.failure = error
                return collected
            }
            collected.requests = 1
            collected.bytes = reply.body.count
            reply.body.withUnsafeBytes { bytes in
                for entry in run.members {
                    let offset = Int(entry.localHeaderOffset - run.start)
                    guard offset < bytes.count else {
                        collected.unjudged.append("member \(entry.path): the index's reply ended before it; not scanned")
                        continue
                    }
                    switch WheelInspection.inflate(localHeaderAndData: UnsafeRawBufferPointer(rebasing: bytes[offset...]), entry: entry) {
                    case .success(let member):
                        switch WheelInspection.inspect(member: member, memberPath: entry.path, wheel: wheel) {
                        case .success(let artifact): collected.artifacts.append(artifact)
                        case .failure(let message): collected.unjudged.append(message.text)
                        }
                    case .failure(let message):
                        if !message.text.isEmpty { collected.unjudged.append(message.text) }
                    }
                }
            }
            return collected
        }
        return reads.reduce(into: Collected()) { $0.add($1) }
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
