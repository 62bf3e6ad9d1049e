import Foundation
import HTTPTransport
import Testing
import TestSupport
@testable import ELFInspection
@testable import PackageIndexClient
@testable import ProjectScan

/// The Simple API client against the local index (real PyPI files, PEP 691 JSON and HTML).
@Suite(.serialized) struct PackageIndexClientTests {
    func withIndex(_ body: (LocalIndex, PackageIndexClient) async throws -> Void) async throws {
        guard let index = LocalIndex.startedOrSkipped() else { return }
        defer { index.stop() }
        // Long: in the whole suite, synchronous tests can hold every cooperative thread, the body is
        // not consumed and AsyncHTTPClient's idle read timer would fire although the server is fine.
        let fetcher = HTTPFetcher(options: FetchOptions(timeout: 900))
        do {
            try await body(index, PackageIndexClient(indexes: [index.simpleURL], fetcher: fetcher))
        } catch {
            await fetcher.shutdown()
            throw error
        }
        await fetcher.shutdown()
    }

    @Test func jsonListingMatchesTheIndexFiles() async throws {
        try await withIndex { index, client in
            let files = try await client.files(of: "MarkupSafe")
            let expected = try LocalIndex.files(of: "markupsafe")
            #expect(files.count == expected.count)
            let first = try #require(files.first { $0.filename == "MarkupSafe-3.0.2-cp312-cp312-musllinux_1_2_x86_64.whl" })
            #expect(first.url == index.baseURL + "/files/MarkupSafe-3.0.2-cp312-cp312-musllinux_1_2_x86_64.whl")
            #expect(first.sha256?.count == 64)
            #expect(first.requiresPython == ">=3.9")
            #expect(first.version(project: "markupsafe") == "3.0.2")
        }
    }

    @Test func htmlFormGivesTheSameFiles() async throws {
        try await withIndex { index, client in
            let json = try await client.files(of: "psycopg2")
            let reply = try await client.fetcher.get(index.simpleURL + "psycopg2/", headers: [("Accept", "text/html")], maxBytes: 1 << 24)
            let html = PackageIndexClient.parseHTML(String(decoding: reply.body, as: UTF8.self), base: reply.finalURL)
            #expect(Set(html.map(\.filename)) == Set(json.map(\.filename)))
            #expect(Set(html.map(\.sha256)) == Set(json.map(\.sha256)))
            #expect(Set(html.map(\.requiresPython)) == Set(json.map(\.requiresPython)))
        }
    }

    @Test func resolveFillsReleasesAndFindsTheUnblockingRelease() async throws {
        try await withIndex { index, client in
            // A requirements file lists no files: the index does.
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-req-\(getpid())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("requirements.txt")
            try "numpy==2.1.3\npsycopg2==2.9.10\nmarkupsafe==3.0.2\nnosuchproject==1.0\n".write(to: file, atomically: true, encoding: .utf8)
            var locked = LockedDependencies.find(in: [directory.path])
            #expect(locked.python.count == 1)
            await client.resolve(&locked)
            #expect(locked.releases["numpy"]?.first?.version == "2.1.3")
            #expect(locked.warnings.contains { $0.hasPrefix("nosuchproject 1.0") })
            // numpy 2.1.3 has no musllinux armv7l wheel; psycopg2 never has a wheel.
            let alpineArm = LockfilePlatform(libc: .musl, libcVersion: VersionNumber([1, 2]), architecture: .arm(.v7), python: "3.12")
            let judged = locked.judge(alpineArm)
            let numpy = try #require(judged.entries.first { $0.package == "numpy" })
            guard case .buildsFromSource(let sdist, let needs) = numpy.way else { Issue.record("numpy: \(numpy.way)"); return }
            #expect(sdist == "numpy-2.1.3.tar.gz" && needs.contains("build-base"))
            let psycopg2 = try #require(judged.entries.first { $0.package == "psycopg2" })
            #expect(psycopg2.unblockedBy == nil)
            // On Alpine x86_64 free-threaded 3.13, numpy 2.1.3 has a musllinux_1_1 wheel (it published no 1_2 one for cp313t).
            let alpine = LockfilePlatform(libc: .musl, libcVersion: VersionNumber([1, 2]), architecture: .amd64, python: "3.13", freeThreaded: true)
            let x86 = locked.judge(alpine)
            #expect(x86.entries.first { $0.package == "numpy" }?.way == .prebuilt("numpy-2.1.3-cp313-cp313t-musllinux_1_1_x86_64.whl"))
            // The free-threaded 3.14 line: numpy 2.1.3 has no cp314t wheel, a newer numpy does.
            let py314t = LockfilePlatform(libc: .glibc, libcVersion: VersionNumber([2, 41]), architecture: .amd64, python: "3.14", freeThreaded: true)
            let newer = try #require(locked.judge(py314t).entries.first { $0.package == "numpy" })
            #expect(newer.unblockedBy != nil, "a numpy newer than 2.1.3 publishes cp314t wheels")
            _ = index
        }
    }

    @Test func indexPrecedenceFollowsPip() {
        let lockfile = PythonLockfile(format: .requirements, path: "r.txt", pins: [], indexURL: "https://lock/simple",
                                      extraIndexURLs: ["https://extra-lock/simple"], warnings: [])
        #expect(PackageIndexClient.indexes(indexURL: nil, extraIndexURLs: [], environment: [:], lockfiles: [])
                == ["https://pypi.org/simple/"])
        #expect(PackageIndexClient.indexes(indexURL: nil, extraIndexURLs: [], environment: ["PIP_INDEX_URL": "https://env/simple"], lockfiles: [lockfile])
                == ["https://env/simple/", "https://extra-lock/simple/"])
        #expect(PackageIndexClient.indexes(indexURL: "https://cli/simple/", extraIndexURLs: ["https://x/"],
                                           environment: ["PIP_EXTRA_INDEX_URL": "https://a/ https://b/"], lockfiles: [lockfile])
                == ["https://cli/simple/", "https://x/", "https://a/", "https://b/", "https://extra-lock/simple/"])
        #expect(PackageIndexClient.indexes(indexURL: nil, extraIndexURLs: [], environment: [:], lockfiles: [lockfile]).first == "https://lock/simple/")
    }
}

/// Remote wheels read with ranges give the facts a local scan of the same file gives,
/// for a fraction of the bytes; an index refusing ranges gets the whole file read.
@Suite(.serialized) struct RemoteWheelTests {
    static let wheels = [
        "MarkupSafe-3.0.2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "orjson-3.10.11-cp312-cp312-musllinux_1_2_x86_64.whl",
        "psycopg2_binary-2.9.10-cp312-cp312-musllinux_1_2_x86_64.whl",
        "cryptography-43.0.3-cp39-abi3-manylinux_2_28_x86_64.whl",
        "numpy-2.1.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    ]

    func summary(_ artifacts: [Artifact]) -> [String] {
        artifacts.map { artifact in
            let facts = artifact.facts
            let member = artifact.path.components(separatedBy: "!/").last ?? artifact.path
            return "\(member) \(facts.machine) \(facts.libc) \(facts.needed) \(facts.soname ?? "-") \(facts.versionNeeds) \(facts.versionDefinitions)"
        }.sorted()
    }

    @Test(arguments: [true, false]) func rangesReadWhatALocalScanReads(ranges: Bool) async throws {
        guard let index = LocalIndex.startedOrSkipped(ranges: ranges) else { return }
        defer { index.stop() }
        // Long: in the whole suite, synchronous tests can hold every cooperative thread, the body is
        // not consumed and AsyncHTTPClient's idle read timer would fire although the server is fine.
        let fetcher = HTTPFetcher(options: FetchOptions(timeout: 900))
        let remote = RemoteWheel(fetcher: fetcher)
        var report: [String] = []
        for name in Self.wheels {
            let url = index.baseURL + "/files/" + name
            let scan: RemoteWheel.Scan
            do { scan = try await remote.scan(url: url, displayPath: name) } catch {
                await fetcher.shutdown()
                print("skipping \(name): \(error)")
                return
            }
            let local = LocalIndex.root + "/files/" + name
            let expected = try Scanner.inspectWheel(fileSystemPath: local, path: name)
            #expect(summary(scan.artifacts) == summary(expected.artifacts), "\(name)")
            #expect(!scan.artifacts.isEmpty)
            #expect(scan.usedRanges == ranges)
            if !ranges { #expect(scan.bytesFetched == scan.wheelSize) }
            report.append("\(name): \(scan.bytesFetched) of \(scan.wheelSize) bytes (\(String(format: "%.1f", 100 * Double(scan.bytesFetched) / Double(scan.wheelSize)))%) in \(scan.requests) requests")
        }
        // A second scan of a wheel with a known hash is answered from the facts cache.
        let cache = WheelFactsCache(directory: FileManager.default.temporaryDirectory.appendingPathComponent("basefit-facts-\(getpid())-\(ranges)").path)
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        let name = Self.wheels[1]
        let sha = try #require(LocalIndex.files(of: "orjson").first { $0["filename"] as? String == name }?["hashes"] as? [String: Any])["sha256"] as? String
        let first = try await remote.scan(url: index.baseURL + "/files/" + name, displayPath: name, sha256: sha, cache: cache)
        let second = try await remote.scan(url: index.baseURL + "/files/" + name, displayPath: name, sha256: sha, cache: cache)
        #expect(!first.cached && second.cached && second.bytesFetched == 0)
        #expect(summary(second.artifacts) == summary(first.artifacts))
        await fetcher.shutdown()
        if ranges {
            print("remote wheel bytes:\n" + report.joined(separator: "\n"))
            // What the server counted matches what the client says it received.
            let served = try index.bytesServed()
            #expect(served["MarkupSafe-3.0.2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"] ?? 0 > 0)
        }
    }
}

extension RemoteWheelTests {
    /// A remote wheel whose directory puts a member's local header near 2^64 or past the
    /// archive (ZIP64): read by ranges or whole, that member is not scanned and says why,
    /// instead of a crash (the range's end overflowed); the rest is read.
    @Test(arguments: [true, false]) func aMemberOutsideTheArchiveIsUnjudged(ranges: Bool) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-hostile-index-\(getpid())-\(ranges)").path
        for folder in ["/files", "/projects"] { try FileManager.default.createDirectory(atPath: root + folder, withIntermediateDirectories: true) }
        defer { try? FileManager.default.removeItem(atPath: root) }
        let offsets: [UInt64] = [.max - 15, 1 << 40]
        for (index, offset) in offsets.enumerated() {
            // 256 KiB of padding: more than a small wheel, so the reader asks for ranges.
            try Data(ZipBytes.wheel(localHeaderAt: offset, padding: 256 << 10)).write(to: URL(fileURLWithPath: root + "/files/h\(index).whl"))
        }
        // The server serves the files its projects list (offline: never fetched).
        let listed = offsets.indices.map { ["filename": "h\($0).whl", "url": "https://invalid.example/h\($0).whl", "hashes": [String: String]()] as [String: Any] }
        try JSONSerialization.data(withJSONObject: ["name": "hostile", "files": listed]).write(to: URL(fileURLWithPath: root + "/projects/hostile.json"))
        let server = try LocalIndex(ranges: ranges, root: root)
        defer { server.stop() }
        let fetcher = HTTPFetcher(options: FetchOptions(timeout: 120))
        let remote = RemoteWheel(fetcher: fetcher)
        for index in offsets.indices {
            let scan = try await remote.scan(url: server.baseURL + "/files/h\(index).whl", displayPath: "h\(index).whl")
            #expect(scan.artifacts.isEmpty)
            #expect(scan.usedRanges == ranges)
            #expect(scan.unjudged.count == 1 && scan.unjudged.allSatisfy { $0.contains("pkg/x.so") }, "\(scan.unjudged)")
        }
        await fetcher.shutdown()
    }
}

/// Big members read by their start and end only (`PartialMemberFetch`, `DeflateTail`,
/// `ByteCoverage`) give exactly the facts of the whole member, read locally, for every big
/// member of real wheels; the same scan with partial reads turned off is the control.
@Suite(.serialized) struct PartialMemberTests {
    static let wheels = [
        "numpy-2.1.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "numpy-2.1.3-cp312-cp312-musllinux_1_1_x86_64.whl",
        "numpy-2.1.3-cp313-cp313t-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "cryptography-43.0.3-cp39-abi3-manylinux_2_28_x86_64.whl",
        "cryptography-43.0.3-cp39-abi3-musllinux_1_2_x86_64.whl",
        "cryptography-43.0.3-cp39-abi3-manylinux_2_28_aarch64.whl",
        "pydantic_core-2.23.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "psycopg2_binary-2.9.10-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "psycopg2_binary-2.9.10-cp312-cp312-musllinux_1_2_x86_64.whl",
    ]

    @Test func startAndEndGiveTheWholeFacts() async throws {
        guard let index = LocalIndex.startedOrSkipped(ranges: true) else { return }
        defer { index.stop() }
        let fetcher = HTTPFetcher(options: FetchOptions(timeout: 900))
        let partial = RemoteWheel(fetcher: fetcher)
        var whole = RemoteWheel(fetcher: fetcher)
        whole.partialThreshold = .max
        var report: [String] = []
        var partialMembers = 0
        var readWholeAll: [String] = []
        for name in Self.wheels {
            guard let local = LocalIndex.cachedFile(name) else { return }
            let url = index.baseURL + "/files/" + name
            let scan = try await partial.scan(url: url, displayPath: name)
            let control = try await whole.scan(url: url, displayPath: name)
            let expected = try Scanner.inspectWheel(fileSystemPath: local, path: name)
            // Every fact of every member, not a summary.
            #expect(scan.artifacts == expected.artifacts.sorted { $0.path < $1.path }, "\(name)")
            #expect(control.artifacts == scan.artifacts, "\(name)")
            #expect(scan.warnings == control.warnings, "\(name)")
            #expect(control.partialMembers == 0)
            partialMembers += scan.partialMembers
            readWholeAll += scan.readWhole.map { name.prefix(24) + "…!/" + $0 }
            #expect(scan.bytesFetched < control.bytesFetched, "\(name): \(scan.readWhole)")
            report.append(String(format: "%@: %d of %d bytes (%.1f%%), %d members by start and end, %d requests; whole members %.1f%%",
                                 name, scan.bytesFetched, scan.wheelSize, 100 * Double(scan.bytesFetched) / Double(scan.wheelSize),
                                 scan.partialMembers, scan.requests, 100 * Double(control.bytesFetched) / Double(control.wheelSize)))
        }
        // Every member tried by its ends, small ones too: those that cannot be are read whole, the facts the same.
        var eager = RemoteWheel(fetcher: fetcher)
        eager.partialThreshold = 1024
        for name in ["orjson-3.10.11-cp312-cp312-musllinux_1_2_x86_64.whl", "psycopg2_binary-2.9.10-cp312-cp312-musllinux_1_2_x86_64.whl"] {
            guard let local = LocalIndex.cachedFile(name) else { return }
            let scan = try await eager.scan(url: index.baseURL + "/files/" + name, displayPath: name)
            let expected = try Scanner.inspectWheel(fileSystemPath: local, path: name)
            #expect(scan.artifacts == expected.artifacts.sorted { $0.path < $1.path }, "\(name)")
            #expect(!scan.readWhole.isEmpty, "\(name)")
            readWholeAll += scan.readWhole.map { "eager " + name.prefix(24) + "…!/" + $0 }
        }
        await fetcher.shutdown()
        print("partial member reads:\n" + report.joined(separator: "\n"))
        print("read whole:\n" + readWholeAll.joined(separator: "\n"))
        if !report.isEmpty { #expect(partialMembers >= 10) }
    }
}

/// The wheels lockfile pins make candidate images install, read once each from the demo
/// index (Fixtures/pypi/demo): members resolved against the wheel's own `.libs/`, the METADATA
/// of PEP 658 accepted only under the index's hash, the facts cache answering a second read.
@Suite(.serialized) struct LockedWheelReaderTests {
    static let pq = "bfdemo_pq-1.0-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    static let cxx = "bfdemo_cxx-1.0-cp39-abi3-manylinux_2_28_x86_64.whl"

    @Test func pickedWheelsAreReadOnceWithVerifiedMetadata() async throws {
        guard let index = LocalIndex.startedOrSkipped(root: LocalIndex.demoRoot) else { return }
        defer { index.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-reader-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "bfdemo-pq==1.0\nbfdemo-cxx==1.0\n".write(to: directory.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        let fetcher = HTTPFetcher(options: FetchOptions(timeout: 900))
        let client = PackageIndexClient(indexes: [index.simpleURL], fetcher: fetcher)
        var locked = LockedDependencies.find(in: [directory.path])
        await client.resolve(&locked)
        let resolved = locked
        // Three glibc platforms pick the same two abi3 wheels; musl and arm64 pick none.
        let platforms = [
            LockfilePlatform(libc: .glibc, libcVersion: VersionNumber([2, 36]), architecture: .amd64, python: "3.12"),
            LockfilePlatform(libc: .glibc, libcVersion: VersionNumber([2, 41]), architecture: .amd64, python: "3.13"),
            LockfilePlatform(libc: .glibc, libcVersion: VersionNumber([2, 36]), architecture: .amd64, python: "3.11"),
            LockfilePlatform(libc: .musl, libcVersion: VersionNumber([1, 2, 5]), architecture: .amd64, python: "3.12"),
            LockfilePlatform(libc: .glibc, libcVersion: VersionNumber([2, 36]), architecture: .arm64, python: "3.12"),
        ]
        let cache = WheelFactsCache(directory: directory.appendingPathComponent("facts").path)
        let reader = LockedWheelReader(fetcher: fetcher, cache: cache)
        let stats = await reader.read(&locked, platforms: platforms)
        #expect(stats.picked == 2 && stats.cached == 0 && stats.metadataFiles == 2, "\(stats)")
        #expect(locked.warnings.isEmpty, "\(locked.warnings)")
        let pq = try #require(locked.wheels?[Self.pq])
        let module = try #require(pq.files.first { $0.path.hasSuffix("!/bfdemo_pq/_pq.abi3.so") })
        // The helper in bfdemo_pq.libs/ is the wheel's own (RUNPATH $ORIGIN/../bfdemo_pq.libs); libpq is the image's.
        #expect(module.external == ["libpq.so.5"])
        #expect(pq.files.contains { $0.path.hasSuffix("!/bfdemo_pq.libs/libbfhelper-5f1e2d3c.so.1") })
        #expect(pq.metadata?.requiresExternal == ["libpq"])
        let cxx = try #require(locked.wheels?[Self.cxx])
        #expect(cxx.metadata?.requiresPython == ">=3.10")
        #expect(cxx.files.first?.minimum["GLIBCXX"]?.versionName == "GLIBCXX_3.4.32")

        // A second read: the facts cache and the kept METADATA answer, no wheel byte is fetched.
        let served = try index.bytesServed()
        var again = resolved
        let second = await reader.read(&again, platforms: platforms)
        #expect(second.cached == 2 && second.bytesFetched == 0, "\(second)")
        #expect(again.wheels == locked.wheels)
        #expect(try index.bytesServed()[Self.pq] == served[Self.pq])

        // A METADATA whose hash is not the index's is not used.
        var tampered = resolved
        for (name, releases) in tampered.releases {
            tampered.releases[name] = releases.map { release in
                var release = release
                release.files = release.files.map { file in
                    var file = file
                    file.metadataSHA256 = String(repeating: "0", count: 64)
                    return file
                }
                return release
            }
        }
        let uncached = LockedWheelReader(fetcher: fetcher, cache: nil)
        await uncached.read(&tampered, platforms: platforms)
        #expect(tampered.wheels?[Self.cxx]?.metadata == nil)
        #expect(tampered.wheels?[Self.cxx]?.files == cxx.files)
        #expect(tampered.warnings.contains { $0.hasPrefix(Self.cxx) && $0.contains("METADATA") }, "\(tampered.warnings)")
        await fetcher.shutdown()
    }

    @Test func metadataHeaders() {
        let text = "Metadata-Version: 2.1\r\nName: bfdemo-pq\r\nVersion: 1.0\r\nRequires-Python: >=3.9\r\nRequires-External: libpq\r\nRequires-External: C\r\nDescription: a\r\n  folded line\r\n\r\nRequires-Python: <3\r\n"
        let metadata = WheelMetadata.parse(text)
        #expect(metadata == WheelMetadata(name: "bfdemo-pq", version: "1.0", requiresPython: ">=3.9", requiresExternal: ["libpq", "C"]))
    }
}
