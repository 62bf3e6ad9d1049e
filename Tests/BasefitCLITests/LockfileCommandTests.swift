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

    /// pnpm 11+ writes its env document (pnpm's own version) first and the project's lockfile
    /// second: the project's packages are judged; a file with only the env document is not.
    @Test func pnpmTwoDocumentLockfileIsJudgedFromTheProjectDocument() throws {
        let directory = try checkout(["npm-platform/p1-twodoc/pnpm-lock.yaml"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try basefit(["check", directory.path, "--base", "node:22-alpine"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("@node-rs/argon2 1.8.3 cannot install on musl"), "\(result.stdout)")

        let lockfile = directory.appendingPathComponent("pnpm-lock.yaml")
        let text = try String(contentsOf: lockfile, encoding: .utf8)
        let separator = try #require(text.range(of: "\n---\n", options: .backwards))
        let envOnly = String(text[..<separator.lowerBound]) + "\n"
        try envOnly.write(to: lockfile, atomically: true, encoding: .utf8)
        let unjudged = try basefit(["check", directory.path, "--base", "node:22-alpine"])
        #expect(unjudged.status == 2, "\(unjudged.stdout)\(unjudged.stderr)")
        #expect(unjudged.stderr.contains("pnpm-lock.yaml: holds only pnpm's env document"), "\(unjudged.stderr)")
        // Beside a package-lock.json it is still not judged: it is no other tool's leftover, and
        // the build may install from it.
        try FileManager.default.copyItem(at: TestPaths.fixtures.appendingPathComponent("lockfiles/npm-sharp-argon2/package-lock.json"),
                                         to: directory.appendingPathComponent("package-lock.json"))
        let beside = try basefit(["check", directory.path, "--base", "node:22-slim"])
        #expect(beside.status == 2, "\(beside.stdout)\(beside.stderr)")
        #expect(beside.stderr.contains("holds only pnpm's env document"), "\(beside.stderr)")
    }

    /// A lockfile npm 10.8.2 wrote: a darwin package as a dev dependency (devOptional). npm ci
    /// checks every package that is not optional and stops with EBADPLATFORM on Linux.
    @Test func aDevOptionalPlatformPackageFailsOnLinux() throws {
        let directory = try checkout(["npm-platform/npm10-devoptional-darwin/package-lock.json"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try basefit(["check", directory.path, "--base", "node:22-slim"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("famz-darwin-arm64 1.0.0 cannot install") && result.stdout.contains("EBADPLATFORM"), "\(result.stdout)")
    }

    /// `--runtime none` (the Dockerfile adds Node itself) still installs the npm lockfile's
    /// platform packages by the image's libc: they are judged (the yarn.lock pins no musl build
    /// of @node-rs/argon2), and an image without glibc or musl leaves them not judged. Before,
    /// every npm pin was skipped and scratch passed.
    @Test func runtimeNoneStillJudgesNpmLockfiles() throws {
        let directory = try checkout(["npm-sharp-argon2/yarn.lock"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let alpine = try basefit(["check", directory.path, "--base", "alpine:3.22", "--runtime", "none"])
        #expect(alpine.status == 1 && alpine.stdout.contains("@node-rs/argon2"), "\(alpine.stdout)\(alpine.stderr)")
        let debian = try basefit(["check", directory.path, "--base", "debian:bookworm-slim", "--runtime", "none"])
        #expect(debian.status == 0, "\(debian.stdout)\(debian.stderr)")
        let scratch = try basefit(["check", directory.path, "--base", "scratch", "--runtime", "none"])
        #expect(scratch.status == 2 && scratch.stdout.contains("scratch has no glibc or musl"), "\(scratch.stdout)\(scratch.stderr)")
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

    /// psycopg2 publishes only its sdist: pip compiles its extension against libpq at install
    /// time, on every image. It used to be a note, and the gate passed slim and distroless, where
    /// the build has no compiler and the module it makes needs libpq.so.5; recommend named Alpine.
    /// psycopg2-binary (wheels bundling libpq) is the control.
    @Test func aNativePackageWithOnlyAnSdistIsAProblemOnEveryImage() throws {
        guard let index = LocalIndex.startedOrSkipped() else { return }
        defer { index.stop() }
        let directory = try checkout([])
        defer { try? FileManager.default.removeItem(at: directory) }
        let requirements = directory.appendingPathComponent("requirements.txt")
        func run(_ arguments: [String]) throws -> ProcessResult {
            try Run.program(TestPaths.executable.path, arguments + [directory.path, "--index-url", index.simpleURL], currentDirectory: TestPaths.packageRoot)
        }
        try "psycopg2==2.9.10\n".write(to: requirements, atomically: true, encoding: .utf8)
        for base in ["python:3.12-slim-bookworm", "gcr.io/distroless/python3-debian12", "python:3.12-alpine"] {
            let check = try run(["check", "--base", base])
            #expect(check.status == 1, "\(base): \(check.stdout)\(check.stderr)")
            #expect(check.stdout.contains("[locked-builds-from-source] psycopg2 2.9.10 has no prebuilt build for any platform"), "\(check.stdout)")
            #expect(check.stdout.contains(base.contains("alpine") ? "postgresql-dev" : "libpq-dev"), "\(check.stdout)")
        }
        let recommend = try run(["recommend"])
        #expect(recommend.status == 1, "\(recommend.stdout)")
        #expect(recommend.stdout.contains("No compatible image"), "\(recommend.stdout)")
        try "psycopg2-binary==2.9.10\n".write(to: requirements, atomically: true, encoding: .utf8)
        #expect(try run(["check", "--base", "python:3.12-slim-bookworm"]).status == 0)
    }

    /// A pin the index does not list, a range and an editable install are not judged: the
    /// gate cannot pass on the other pins alone (exit 2), and each line is named.
    @Test func linesThatPinNothingJudgeableMakeTheCheckInconclusive() throws {
        guard let index = LocalIndex.startedOrSkipped() else { return }
        defer { index.stop() }
        let directory = try checkout([])
        defer { try? FileManager.default.removeItem(at: directory) }
        let requirements = directory.appendingPathComponent("requirements.txt")
        func check(_ extra: [String] = []) throws -> ProcessResult {
            try Run.program(TestPaths.executable.path, ["check", directory.path, "--base", "python:3.12-alpine", "--index-url", index.simpleURL,
                                                        "--format", "json", "--quiet"] + extra, currentDirectory: TestPaths.packageRoot)
        }
        // The control: numpy publishes a musllinux wheel for CPython 3.12.
        try "numpy==2.1.3\n".write(to: requirements, atomically: true, encoding: .utf8)
        let pinned = try check()
        #expect(pinned.status == 0, "\(pinned.stdout)\(pinned.stderr)")

        try "numpy==2.1.3\nrequests>=2\nnot-on-this-index==1.0\n-e ./vendor/fastlib\n".write(to: requirements, atomically: true, encoding: .utf8)
        let result = try check()
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["compatible"] as? Bool == false && object["conclusive"] as? Bool == false)
        let reasons = ((object["unjudged"] as? [[String: Any]]) ?? []).compactMap { $0["reason"] as? String }
        #expect(reasons.count == 3, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("requirements.txt:2: requests>=2 is not pinned with ==") }, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("requirements.txt:3: not-on-this-index==1.0: its files are unknown") }, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("requirements.txt:4: editable install ./vendor/fastlib is not judged") }, "\(reasons)")
        let allowed = try check(["--allow-unjudged"])
        #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
    }

    /// The index lists numpy's files but cannot serve them: the wheel pip would pick is not
    /// judged by its tag alone on a gate (its members may need what the tag does not say).
    @Test func aPickedWheelThatCannotBeFetchedIsNotJudged() throws {
        let directory = try checkout([])
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("index")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("projects"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("files"), withIntermediateDirectories: true)
        do { try LocalIndex.made() } catch {
            print("skipping: \(error)")
            return
        }
        let listing = LocalIndex.root + "/projects/numpy.json"
        try FileManager.default.copyItem(atPath: listing, toPath: root.appendingPathComponent("projects/numpy.json").path)
        guard let index = LocalIndex.startedOrSkipped(root: root.path) else { return }
        defer { index.stop() }
        let project = directory.appendingPathComponent("app")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try "numpy==2.1.3\n".write(to: project.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CACHE_HOME"] = directory.appendingPathComponent("cache").path  // no facts cached from other runs
        let result = try Run.program(TestPaths.executable.path, ["check", project.path, "--base", "python:3.12-alpine", "--index-url", index.simpleURL,
                                                                 "--format", "json", "--quiet"],
                                     currentDirectory: TestPaths.packageRoot, environment: environment)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let unjudged = (object["unjudged"] as? [[String: Any]]) ?? []
        #expect(unjudged.count == 1, "\(unjudged)")
        #expect(unjudged.first?["path"] as? String == "numpy-2.1.3-cp312-cp312-musllinux_1_1_x86_64.whl", "\(unjudged)")
        #expect((unjudged.first?["reason"] as? String)?.hasPrefix("cannot read its ELF members (") == true, "\(unjudged)")
    }

    /// Where nothing is wrong, nothing is counted: a dev requirements file beside
    /// `requirements.txt` is not read unless named, and a Windows-only pin the index does not
    /// list is not installed on Linux images. Named, the dev file's range is counted once.
    @Test func devFilesAndPinsForOtherSystemsDoNotBlockTheGate() throws {
        guard let index = LocalIndex.startedOrSkipped() else { return }
        defer { index.stop() }
        let directory = try checkout([])
        defer { try? FileManager.default.removeItem(at: directory) }
        try "numpy==2.1.3\nwinonly-helper==1.0 ; sys_platform == 'win32'\n"
            .write(to: directory.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        try "-r requirements.txt\npytest>=8\n".write(to: directory.appendingPathComponent("requirements-dev.txt"), atomically: true, encoding: .utf8)
        func check(_ path: String) throws -> ProcessResult {
            try Run.program(TestPaths.executable.path, ["check", path, "--base", "python:3.12-alpine", "--index-url", index.simpleURL,
                                                        "--format", "json", "--quiet"], currentDirectory: TestPaths.packageRoot)
        }
        let result = try check(directory.path)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let named = try check(directory.appendingPathComponent("requirements-dev.txt").path)
        #expect(named.status == 2, "\(named.stdout)\(named.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(named.stdout.utf8)) as? [String: Any])
        let reasons = ((object["unjudged"] as? [[String: Any]]) ?? []).compactMap { $0["reason"] as? String }
        #expect(reasons == ["requirements-dev.txt:2: pytest>=8 is not pinned with ==; not judged (pin it, e.g. with pip-compile or uv pip compile)"],
                "\(reasons)")
    }

    /// poetry.lock names files without URLs: with the index out of reach the wheel pip would
    /// pick cannot be read, and is not judged by its tag alone.
    @Test func poetryWheelsWithoutTheIndexAreNotJudged() throws {
        let directory = try checkout([])
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            [[package]]
            name = "numpy"
            version = "2.1.3"
            description = "cut from Fixtures/lockfiles/python-ingest/poetry.lock"
            optional = false
            python-versions = ">=3.10"
            files = [
                {file = "numpy-2.1.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:bc6f24b3d1ecc1eebfbf5d6051faa49af40b03be1aaa781ebdadcbc090b4539b"},
            ]

            [metadata]
            lock-version = "2.0"
            python-versions = ">=3.11"
            content-hash = "0000000000000000000000000000000000000000000000000000000000000000"

            """.write(to: directory.appendingPathComponent("poetry.lock"), atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CACHE_HOME"] = directory.appendingPathComponent("cache").path
        let result = try Run.program(TestPaths.executable.path, ["check", directory.path, "--base", "python:3.11-slim",
                                                                 "--index-url", "http://127.0.0.1:9/simple/", "--format", "json", "--quiet"],
                                     currentDirectory: TestPaths.packageRoot, environment: environment)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let unjudged = (object["unjudged"] as? [[String: Any]]) ?? []
        #expect(unjudged.first?["path"] as? String == "numpy-2.1.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "\(unjudged)")
    }

    /// Scanned in one job for amd64, gated in another for arm64: the arm64 wheel was never
    /// read, so the gate cannot pass on its tag alone.
    @Test func aRequirementsFileDoesNotVouchForWheelsItsScanNeverRead() throws {
        guard let index = LocalIndex.startedOrSkipped() else { return }
        defer { index.stop() }
        let directory = try checkout([])
        defer { try? FileManager.default.removeItem(at: directory) }
        try "numpy==2.1.3\n".write(to: directory.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        let scan = try Run.program(TestPaths.executable.path, ["scan", directory.path, "--format", "json", "--quiet", "--index-url", index.simpleURL],
                                   currentDirectory: TestPaths.packageRoot)
        try #require(scan.status == 0, "\(scan.stderr)")
        let file = directory.appendingPathComponent("requirements.json")
        try scan.stdout.write(to: file, atomically: true, encoding: .utf8)
        let amd64 = try basefit(["check", "--requirements", file.path, "--base", "python:3.11-slim", "--quiet"])
        #expect(amd64.status == 0, "\(amd64.stdout)\(amd64.stderr)")
        let arm64 = try basefit(["check", "--requirements", file.path, "--base", "python:3.11-slim", "--arch", "arm64", "--quiet"])
        #expect(arm64.status == 2, "\(arm64.stdout)\(arm64.stderr)")
        #expect(arm64.stdout.contains("not judged: numpy-2.1.3-cp311-cp311-manylinux_2_17_aarch64"), "\(arm64.stdout)")
    }

    /// uv.lock: a dependency from git or a path cannot be looked up; the project itself
    /// (`virtual = "."`) is the user's own code and is not counted.
    @Test func uvSourcesOutsideAnIndexAreNotJudged() throws {
        let directory = try checkout(["python-ingest/uv.lock"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let lock = directory.appendingPathComponent("uv.lock")
        let before = try basefit(["check", directory.path, "--base", "python:3.12-slim", "--offline", "--format", "json", "--quiet"])
        let clean = try #require(try JSONSerialization.jsonObject(with: Data(before.stdout.utf8)) as? [String: Any])
        #expect((clean["unjudged"] as? [Any])?.isEmpty == true, "\(before.stdout)")
        let handle = try FileHandle(forWritingTo: lock)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("""

            [[package]]
            name = "fastlib"
            version = "0.3.0"
            source = { git = "https://example.org/team/fastlib?rev=v0.3.0#0123456789abcdef" }

            """.utf8))
        try handle.close()
        let after = try basefit(["check", directory.path, "--base", "python:3.12-slim", "--offline", "--format", "json", "--quiet"])
        // Exit 1, not 2: the lock's psycopg2 (sdist only) compiles at install time, a problem on every image.
        #expect(after.status == 1 && before.status == 1, "\(after.stdout)\(after.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
        #expect(object["conclusive"] as? Bool == false && clean["conclusive"] as? Bool == true)
        let reasons = ((object["unjudged"] as? [[String: Any]]) ?? []).compactMap { $0["reason"] as? String }
        #expect(reasons == ["uv.lock: fastlib 0.3.0 comes from a git source, not an index; not judged"], "\(reasons)")
    }

    @Test func aCheckoutWithoutLockfileStillExitsTwo() throws {
        let directory = try checkout([])
        defer { try? FileManager.default.removeItem(at: directory) }
        try "print('hi')\n".write(to: directory.appendingPathComponent("app.py"), atomically: true, encoding: .utf8)
        let result = try basefit(["recommend", directory.path])
        #expect(result.status == 2)
    }

    /// Bun's lockfile is not read. Alone it is named, and the gate is inconclusive (it said
    /// "run npm ci" before, without naming it); beside a lockfile basefit reads, a warning.
    @Test func bunLockfileIsNamedNotRead() throws {
        let directory = try checkout([])
        defer { try? FileManager.default.removeItem(at: directory) }
        try #"{"name": "app", "dependencies": {"bcrypt": "5.1.1"}}"#.write(to: directory.appendingPathComponent("package.json"), atomically: true, encoding: .utf8)
        try #"{"lockfileVersion": 1, "workspaces": {"": {"name": "app"}}, "packages": {"bcrypt": ["bcrypt@5.1.1", "", {}, "sha512-x"],},}"#
            .write(to: directory.appendingPathComponent("bun.lock"), atomically: true, encoding: .utf8)
        let alone = try basefit(["check", directory.path, "--base", "node:22-alpine"])
        #expect(alone.status == 2, "\(alone.stdout)\(alone.stderr)")
        #expect(alone.stderr.contains("bun.lock: Bun's lockfile is not read"), "\(alone.stderr)")
        #expect(alone.stderr.contains("run bun install and scan node_modules"), "\(alone.stderr)")

        try FileManager.default.copyItem(at: TestPaths.fixtures.appendingPathComponent("lockfiles/npm-sharp-argon2/package-lock.json"),
                                         to: directory.appendingPathComponent("package-lock.json"))
        let beside = try basefit(["check", directory.path, "--base", "node:22-bookworm-slim"])
        #expect(beside.status != 2, "\(beside.stdout)\(beside.stderr)")
        #expect(beside.stderr.contains("Bun's lockfile is not read") && beside.stderr.contains("judged from package-lock.json beside it"), "\(beside.stderr)")
    }
}
