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
            try "numpy==2.1.3\npsycopg2==2.9.10\nmarkupsafe==3.0.3 ; python_version >= '3.13'\nmarkupsafe==3.0.2\nnosuchproject==1.0\n".write(to: file, atomically: true, encoding: .utf8)
            var locked = LockedDependencies.find(in: [directory.path])
            #expect(locked.python.count == 1)
            await client.resolve(&locked)
            #expect(locked.releases["numpy"]?.first?.version == "2.1.3")
            #expect(locked.warnings.contains { $0.hasPrefix("nosuchproject 1.0") })
            // Both pinned versions of one project are looked up (only the first one was, and the
            // older second pin was said to be missing from the index).
            for pin in locked.python[0].pins where pin.name == "markupsafe" {
                #expect(locked.files(of: pin)?.isEmpty == false, "\(pin.version)")
            }
            #expect(!locked.warnings.contains { $0.hasPrefix("markupsafe") }, "\(locked.warnings)")
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

    /// pip's order, as pip 23 here shows it (`pip download -r r.txt --index-url A` with
    /// `-i B` then `-i C` in r.txt, or PIP_INDEX_URL=A: "Looking in indexes: C"): the
    /// requirements file's last `-i` (which replaces the whole list, extra indexes included),
    /// then the command line, then PIP_INDEX_URL, then PyPI.
    @Test func indexPrecedenceFollowsPip() {
        let lockfile = PythonLockfile(format: .requirements, path: "r.txt", pins: [], indexURL: "https://lock/simple",
                                      extraIndexURLs: ["https://extra-lock/simple"], warnings: [])
        let plain = PythonLockfile(format: .requirements, path: "p.txt", pins: [], indexURL: nil, extraIndexURLs: [], warnings: [])
        #expect(PackageIndexClient.indexes(indexURL: nil, extraIndexURLs: [], environment: [:], lockfiles: [])
                == ["https://pypi.org/simple/"])
        #expect(PackageIndexClient.indexes(indexURL: nil, extraIndexURLs: [], environment: ["PIP_INDEX_URL": "https://env/simple"], lockfiles: [lockfile])
                == ["https://lock/simple/", "https://extra-lock/simple/"])
        #expect(PackageIndexClient.indexes(indexURL: "https://cli/simple/", extraIndexURLs: ["https://x/"],
                                           environment: ["PIP_EXTRA_INDEX_URL": "https://a/ https://b/"], lockfiles: [lockfile])
                == ["https://lock/simple/", "https://extra-lock/simple/"])  // the file's -i drops the given extra indexes (pip 23.2.1: "Looking in indexes: …" names the file's only)
        #expect(PackageIndexClient.indexes(indexURL: "https://cli/simple/", extraIndexURLs: ["https://x/"],
                                           environment: ["PIP_EXTRA_INDEX_URL": "https://a/ https://b/"], lockfiles: [plain])
                == ["https://cli/simple/", "https://x/", "https://a/", "https://b/"])
        #expect(PackageIndexClient.indexes(indexURL: "https://cli/simple/", extraIndexURLs: [], environment: ["PIP_INDEX_URL": "https://env/simple"],
                                           lockfiles: [plain]) == ["https://cli/simple/"])
        #expect(PackageIndexClient.indexes(indexURL: nil, extraIndexURLs: [], environment: ["PIP_INDEX_URL": "https://env/simple"],
                                           lockfiles: [plain]) == ["https://env/simple/"])
        // uv.lock's registry is where its own files are listed, not an -i: it does not override.
        let uv = PythonLockfile(format: .uv, path: "uv.lock", pins: [], indexURL: "https://pypi.org/simple", extraIndexURLs: [], warnings: [])
        #expect(PackageIndexClient.indexes(indexURL: "https://cli/simple/", extraIndexURLs: [], environment: [:], lockfiles: [uv, plain]) == ["https://cli/simple/"])
        #expect(PackageIndexClient.indexes(indexURL: nil, extraIndexURLs: [], environment: [:], lockfiles: [uv]) == ["https://pypi.org/simple/"])
        var later = lockfile
        later.indexURL = "https://later/simple"
        #expect(PackageIndexClient.indexes(indexURL: nil, extraIndexURLs: [], environment: [:], lockfiles: [lockfile, later]).first == "https://later/simple/")
    }

    /// Yanked files are listed, marked (pip installs them for an `==` pin).
    @Test func yankedFilesAreKeptAndMarked() throws {
        let html = #"<a href="../../files/p-1.0.tar.gz#sha256=00" data-yanked="broken">p-1.0.tar.gz</a><a href="../../files/p-1.1.tar.gz">p-1.1.tar.gz</a>"#
        let files = PackageIndexClient.parseHTML(html, base: "http://127.0.0.1/simple/p/")
        #expect(files.map(\.yanked) == [true, nil])
        let json = #"{"files": [{"filename": "p-1.0.tar.gz", "url": "p-1.0.tar.gz", "hashes": {}, "yanked": "broken"}]}"#
        #expect(try PackageIndexClient.parseJSON(Data(json.utf8), base: "http://127.0.0.1/simple/p/").first?.yanked == true)
    }
}
