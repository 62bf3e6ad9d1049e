import Foundation
import Testing
import TestSupport

/// `recommend` on a fresh checkout that has only a lockfile: it answers (no exit 2), and
/// "Can we move to Alpine?" names the packages that block it.
@Suite struct LockfileCommandTests {
    func checkout(_ files: [String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-checkout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in files {
            let source = TestPaths.fixtures.appendingPathComponent("lockfiles/\(file)")
            try FileManager.default.copyItem(at: source, to: directory.appendingPathComponent(source.lastPathComponent))
        }
        return directory
    }

    func basefit(_ arguments: [String]) throws -> ProcessResult {
        try Run.program(TestPaths.executable.path, arguments, currentDirectory: TestPaths.packageRoot)
    }

    @Test func npmLockfileAloneIsJudgedPerImage() throws {
        let directory = try checkout(["npm-sharp-argon2/package-lock.json"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try basefit(["recommend", directory.path, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["runtime"] as? String == "node")
        let alpine = try #require((object["migrations"] as? [[String: Any]])?.first)
        #expect(alpine["possible"] as? Bool == true)  // sharp and argon2 publish musl x64 builds

        // On arm/v7, argon2 has no musl build and sharp compiles: both block Alpine.
        let arm = try basefit(["recommend", directory.path, "--arch", "arm/v7"])
        #expect(arm.status != 2, "\(arm.stderr)")
        let line = try #require(arm.stdout.split(separator: "\n").first { $0.hasPrefix("Can we move to Alpine") })
        #expect(line.contains("No"))
        #expect(line.contains("@node-rs/argon2 1.8.3"))
        #expect(arm.stdout.contains("sharp: the build stage needs python3 make g++"))
    }

    @Test func uvLockAloneAnswersOffline() throws {
        let directory = try checkout(["python-ingest/uv.lock", "python-ingest/pyproject.toml"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try basefit(["recommend", directory.path, "--offline", "--arch", "arm/v7"])
        #expect(result.status != 2, "\(result.stderr)")
        // uv.lock lists every file: on arm/v7 nothing publishes armv7l wheels, so every native
        // pin builds from its sdist, and Alpine's answer says what the build stage needs.
        #expect(result.status == 1)
        #expect(result.stdout.contains("cffi 2.1.1 has no prebuilt build for musl"), "\(result.stdout)")
        #expect(result.stdout.contains("cffi-2.1.1.tar.gz"))
        #expect(result.stdout.contains("to unblock: numpy: the build stage needs build-base python3-dev gfortran openblas-dev"))
        // pywin32 is pinned for Windows only (the marker on uv.lock's dependency edge).
        #expect(!result.stdout.contains("pywin32"))
    }

    @Test func requirementsPinsAreLookedUpOnTheIndex() throws {
        guard let index = LocalIndex.startedOrSkipped() else { return }
        defer { index.stop() }
        let directory = try checkout([])
        defer { try? FileManager.default.removeItem(at: directory) }
        try "numpy==2.1.3\npsycopg2==2.9.10\n".write(to: directory.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["PIP_INDEX_URL"] = "http://127.0.0.1:9/simple/"  // --index-url wins over it
        let result = try Run.program(TestPaths.executable.path, ["recommend", directory.path, "--index-url", index.simpleURL, "--arch", "arm/v7"],
                                     currentDirectory: TestPaths.packageRoot, environment: environment)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")  // numpy has no armv7l wheel anywhere
        #expect(result.stdout.contains("numpy 2.1.3 has no prebuilt build for"))
        #expect(result.stdout.contains("to unblock: numpy: the build stage needs build-base python3-dev gfortran openblas-dev"))
    }

    @Test func aCheckoutWithoutLockfileStillExitsTwo() throws {
        let directory = try checkout([])
        defer { try? FileManager.default.removeItem(at: directory) }
        try "print('hi')\n".write(to: directory.appendingPathComponent("app.py"), atomically: true, encoding: .utf8)
        let result = try basefit(["recommend", directory.path])
        #expect(result.status == 2)
    }
}
