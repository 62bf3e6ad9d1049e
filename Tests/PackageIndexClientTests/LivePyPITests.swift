import Foundation
import HTTPTransport
import Testing
import TestSupport
@testable import ELFInspection
@testable import PackageIndexClient
@testable import ProjectScan

/// Opt-in (BASEFIT_LIVE_PYPI=1): the real PyPI, a requirements file with numpy,
/// cryptography, psycopg2 (sdist only), psycopg2-binary, orjson and pydantic-core.
@Suite struct LivePyPITests {
    @Test func realPyPIAnswersAlpine() async throws {
        guard ProcessInfo.processInfo.environment["BASEFIT_LIVE_PYPI"] == "1" else {
            print("skipping the live PyPI test: set BASEFIT_LIVE_PYPI=1 to run it")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-live-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
        numpy==2.1.3
        cryptography==43.0.3
        psycopg2==2.9.10
        psycopg2-binary==2.9.10
        orjson==3.10.11
        pydantic-core==2.23.4
        """.write(to: directory.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        var locked = LockedDependencies.find(in: [directory.path])
        let fetcher = HTTPFetcher()
        let client = PackageIndexClient(indexes: [PackageIndexClient.defaultIndex], fetcher: fetcher)
        await client.resolve(&locked)
        guard locked.releases["numpy"] != nil else {
            await fetcher.shutdown()
            print("skipping: PyPI unreachable: \(locked.warnings)")
            return
        }
        let alpine = LockfilePlatform(libc: .musl, libcVersion: VersionNumber([1, 2]), architecture: .amd64, python: "3.12")
        let judged = locked.judge(alpine)
        func way(_ name: String) -> LockfileJudgement.Way? { judged.entries.first { $0.package == name }?.way }
        #expect(way("numpy") == .prebuilt("numpy-2.1.3-cp312-cp312-musllinux_1_1_x86_64.whl") || way("numpy") == .prebuilt("numpy-2.1.3-cp312-cp312-musllinux_1_2_x86_64.whl"))
        #expect(way("cryptography") == .prebuilt("cryptography-43.0.3-cp39-abi3-musllinux_1_2_x86_64.whl"))
        guard case .buildsFromSource(let sdist, _)? = way("psycopg2") else { Issue.record("psycopg2 should build from source"); return }
        #expect(sdist.hasPrefix("psycopg2-2.9.10"))
        #expect(way("psycopg2-binary") == .prebuilt("psycopg2_binary-2.9.10-cp312-cp312-musllinux_1_2_x86_64.whl"))
        // One remote wheel read with ranges from files.pythonhosted.org.
        let numpy = try #require(locked.files(of: locked.python[0].pins.first { $0.name == "numpy" }!)?.first {
            $0.filename == "numpy-2.1.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl" })
        let scan = try await RemoteWheel(fetcher: fetcher).scan(url: numpy.url!, displayPath: numpy.filename)
        // The control: every member read whole from the same CDN.
        var whole = RemoteWheel(fetcher: fetcher)
        whole.partialThreshold = .max
        let control = try await whole.scan(url: numpy.url!, displayPath: numpy.filename)
        await fetcher.shutdown()
        #expect(scan.usedRanges)
        #expect(scan.artifacts.contains { $0.path.hasSuffix("_multiarray_umath.cpython-312-x86_64-linux-gnu.so") })
        #expect(scan.partialMembers > 0)
        #expect(scan.artifacts == control.artifacts)
        print("live: numpy wheel \(scan.bytesFetched) of \(scan.wheelSize) bytes in \(scan.requests) requests (\(scan.partialMembers) members by their ends); "
              + "whole members \(control.bytesFetched) bytes in \(control.requests) requests")
    }
}
