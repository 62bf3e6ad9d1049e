import Foundation
import HTTPTransport
import ProjectScan

/// Reads, from the index, the wheels pip would install on the candidate images: each
/// wheel once however many images pick it (by file name), a few at a time, its ELF
/// members by range requests (`RemoteWheel`, cached by the wheel's sha256), and its core
/// metadata where the index offers it (PEP 658/714), verified by the hash the index gives.
public struct LockedWheelReader: Sendable {
    public let fetcher: HTTPFetcher
    public var cache: WheelFactsCache?
    /// Wheels read at the same time.
    public var parallel: Int
    public static let metadataLimit: Int64 = 16 * 1024 * 1024

    public init(fetcher: HTTPFetcher, cache: WheelFactsCache?, parallel: Int = 4) {
        self.fetcher = fetcher
        self.cache = cache
        self.parallel = max(1, parallel)
    }

    /// What reading cost, for `--verbose` and the tests.
    public struct Stats: Sendable, Hashable {
        /// Distinct wheels some platform picks.
        public var picked = 0
        /// Of those, answered by the facts cache.
        public var cached = 0
        public var bytesFetched = 0
        /// The sizes of the wheels read over the network (what whole downloads would cost).
        public var wheelBytes = 0
        /// Big members read by their start and end only.
        public var partialMembers = 0
        public var metadataFiles = 0
    }

    struct Outcome: Sendable {
        var filename: String
        var wheel: LockedWheel?
        var warnings: [String]
        /// Why its members could not be read at all (the network), when they could not.
        var notRead: String?
        var scan: RemoteWheel.Scan?
        var metadataRead: Bool
    }

    /// Fills `locked.wheels` with every binary wheel pip would pick on one of `platforms`.
    @discardableResult
    public func read(_ locked: inout LockedDependencies, platforms: [LockfilePlatform]) async -> Stats {
        let picked = locked.pickedWheels(on: platforms).filter { locked.wheels?[$0.file.filename] == nil }
        var stats = Stats()
        stats.picked = picked.count
        guard !picked.isEmpty else { return stats }
        let outcomes = await BoundedConcurrency.map(picked, width: parallel) { project, file in await self.read(file, project: project) }
        var wheels = locked.wheels ?? [:]
        for outcome in outcomes.sorted(by: { $0.filename < $1.filename }) {
            locked.warnings += outcome.warnings
            if let reason = outcome.notRead { locked.wheelNotRead(outcome.filename, reason) }
            if let wheel = outcome.wheel { wheels[outcome.filename] = wheel }
            if let scan = outcome.scan {
                if scan.cached { stats.cached += 1 } else { stats.wheelBytes += scan.wheelSize }
                stats.bytesFetched += scan.bytesFetched
                stats.partialMembers += scan.partialMembers
            }
            if outcome.metadataRead { stats.metadataFiles += 1 }
        }
        locked.wheels = wheels
        return stats
    }

    func read(_ file: PythonLockfile.File, project: String) async -> Outcome {
        guard let url = file.url else {
            // A lockfile that names files without URLs (poetry.lock) gets them from the index's
            // listing; without one (unreachable, or another index) the wheel cannot be read.
            let reason = "no URL to read it from (the index did not list it); judged by its tags only"
            return Outcome(filename: file.filename, wheel: nil, warnings: ["\(file.filename): \(reason)"], notRead: reason,
                           scan: nil, metadataRead: false)
        }
        let scan: RemoteWheel.Scan
        do {
            scan = try await RemoteWheel(fetcher: fetcher).scan(url: url, displayPath: file.filename, sha256: file.sha256, cache: cache)
        } catch {
            let reason = "cannot read its ELF members (\(error.description)); judged by its tags only"
            return Outcome(filename: file.filename, wheel: nil, warnings: ["\(file.filename): \(reason)"], notRead: reason,
                           scan: nil, metadataRead: false)
        }
        var warnings = (scan.warnings + scan.unjudged).map { "\(file.filename): \($0)" }
        var metadata: WheelMetadata?
        var metadataRead = false
        if file.hasMetadataFile == true {
            switch await readMetadata(file, url: url) {
            case .success(let read):
                metadata = read
                metadataRead = true
                if let version = read.version, let expected = file.wheel?.version,
                   version.lowercased() != expected.lowercased(),
                   LockedDependencies.isNewerVersion(version, than: expected) || LockedDependencies.isNewerVersion(expected, than: version) {
                    warnings.append("\(file.filename): its METADATA says version \(version), its file name \(expected)")
                }
            case .failure(let message):
                warnings.append("\(file.filename): \(message.text)")
            }
        }
        let wheel = LockedWheel(sha256: file.sha256, files: LockedWheel.needs(of: scan.artifacts, package: project),
                                warnings: scan.unjudged, metadata: metadata)
        return Outcome(filename: file.filename, wheel: wheel, warnings: warnings, scan: scan, metadataRead: metadataRead)
    }

    struct MetadataError: Error { var text: String }

    /// `<wheel URL>.metadata`, accepted only when its sha256 is the one the index lists
    /// (the file is kept under the cache by that hash).
    func readMetadata(_ file: PythonLockfile.File, url: String) async -> Result<WheelMetadata, MetadataError> {
        guard let expected = file.metadataSHA256?.lowercased(), WheelFactsCache.valid(expected) else {
            return .failure(MetadataError(text: "the index offers its METADATA without a sha256: not used"))
        }
        let directory = (cache?.directory ?? NSTemporaryDirectory() + "basefit-metadata-\(getpid())") + "/metadata"
        let path = directory + "/\(expected).METADATA"
        if cache == nil || !FileManager.default.fileExists(atPath: path) {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            do {
                try await fetcher.download(url + ".metadata", to: path, maxBytes: Self.metadataLimit, expectedSHA256: expected)
            } catch {
                return .failure(MetadataError(text: "its METADATA (PEP 658) could not be read: \(error.description)"))
            }
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(MetadataError(text: "its METADATA (PEP 658) could not be read back from \(path)"))
        }
        if cache == nil { try? FileManager.default.removeItem(atPath: directory) }
        return .success(WheelMetadata.parse(String(decoding: data, as: UTF8.self)))
    }
}
