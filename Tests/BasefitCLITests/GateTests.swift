import Foundation
import Testing
import TestSupport

/// The gate fails closed: nothing judged is never "compatible", files for another
/// architecture are problems, and the runtime is judged everywhere (issue #12).
/// Every case runs the real CLI on real artifacts.
@Suite struct GateTests {
    func basefit(_ arguments: [String], in directory: URL = TestPaths.packageRoot) throws -> ProcessResult {
        try Run.program(TestPaths.executable.path, arguments, currentDirectory: directory)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-gate-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    // MARK: Nothing to judge is not a pass

    /// The gate judges the image the build uses: `--build-arg` as docker build takes it, and a
    /// Dockerfile whose here-document holds a FROM line (the base the build really uses is
    /// node:22-alpine; the napi-rs project needs glibc).
    @Test func theBuildsOwnArgumentsAndHereDocumentsDecideTheBase() throws {
        let directory = try TemporaryDirectory.make("buildarg")
        defer { try? FileManager.default.removeItem(at: directory) }
        let dockerfile = directory.appendingPathComponent("Dockerfile")
        try "# syntax=docker/dockerfile:1\nARG BASE=node:22-bookworm-slim\nFROM node:22-bookworm AS build\nRUN <<EOF\nFROM node:22-bookworm-slim\nEOF\nFROM --platform=$TARGETPLATFORM ${BASE}\n"
            .write(to: dockerfile, atomically: true, encoding: .utf8)
        let project = "Fixtures/projects/node-napi-rs"
        let byDefault = try basefit(["check", project, "--dockerfile", dockerfile.path, "--quiet"])
        #expect(byDefault.status == 0 && byDefault.stdout.hasPrefix("compatible: node:22-bookworm-slim (\(dockerfile.path):7)"), "\(byDefault.stdout)\(byDefault.stderr)")
        let alpine = try basefit(["check", project, "--dockerfile", dockerfile.path, "--build-arg", "BASE=node:22-alpine", "--quiet"])
        #expect(alpine.status == 1 && alpine.stdout.contains("[libc-mismatch]"), "\(alpine.stdout)\(alpine.stderr)")
        try "FROM node:22-bookworm AS build\nRUN <<EOF\necho built\nFROM node:22-bookworm-slim\nEOF\nFROM node:22-alpine\n".write(to: dockerfile, atomically: true, encoding: .utf8)
        let heredoc = try basefit(["check", project, "--dockerfile", dockerfile.path, "--quiet"])
        #expect(heredoc.status == 1 && heredoc.stdout.hasPrefix("incompatible: node:22-alpine"), "\(heredoc.stdout)\(heredoc.stderr)")
        let misuse = try basefit(["check", project, "--base", "node:22-alpine", "--build-arg", "BASE=x"])
        #expect(misuse.status == 2 && misuse.stderr.contains("--build-arg goes with --dockerfile"), "\(misuse.stderr)")
    }

    /// A directory's lockfiles are read unless their own ecosystem is installed: a tool's
    /// binary or a Node install beside a requirements file does not stand in for its pins, and
    /// every npm lockfile there is judged (which one the build uses is not known). Before, any
    /// ELF file or installed package made basefit skip them all, and only the first npm
    /// lockfile of package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock was read.
    @Test func lockfilesCountBesideOtherNativeCode() throws {
        let root = try TemporaryDirectory.make("locks")
        defer { try? FileManager.default.removeItem(at: root) }
        let manager = FileManager.default
        for name in ["tool", "node", "npm"] { try manager.createDirectory(at: root.appendingPathComponent(name), withIntermediateDirectories: true) }
        try manager.copyItem(atPath: TestPaths.elf("hello-glibc"), toPath: root.appendingPathComponent("tool/hello").path)
        try "pywin32==308\n".write(to: root.appendingPathComponent("tool/requirements.txt"), atomically: true, encoding: .utf8)
        try manager.removeItem(at: root.appendingPathComponent("node"))
        try manager.copyItem(at: TestPaths.fixtures.appendingPathComponent("projects/node-pure"), to: root.appendingPathComponent("node"))
        try "pywin32==308\n".write(to: root.appendingPathComponent("node/requirements.txt"), atomically: true, encoding: .utf8)
        for name in ["tool", "node"] {
            let check = try basefit(["check", root.appendingPathComponent(name).path, "--base", "node:22-bookworm-slim", "--offline"])
            #expect(check.status == 2 && check.stderr.contains("--offline: pins of requirements files are not judged"), "\(name): \(check.stdout)\(check.stderr)")
        }
        // uv.lock with its `uv export` beside it (`-e .` for the project itself): the export is
        // the same pins, and uv.lock alone is read (reading both left the project's own -e . unjudged).
        let uv = root.appendingPathComponent("uv")
        try manager.createDirectory(at: uv, withIntermediateDirectories: true)
        try manager.copyItem(at: TestPaths.fixtures.appendingPathComponent("lockfiles/python-ingest/uv.lock"), to: uv.appendingPathComponent("uv.lock"))
        let export = try String(contentsOf: TestPaths.fixtures.appendingPathComponent("lockfiles/python-ingest/requirements.txt"), encoding: .utf8)
        #expect(export.hasPrefix("# This file was autogenerated by uv"))
        try (export + "-e .\n").write(to: uv.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        let exported = try basefit(["scan", uv.path, "--offline", "--format", "json", "--quiet"])
        let read = (((try json(exported.stdout)["requirements"] as? [String: Any])?["lockfiles"] as? [String: Any])?["python"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        #expect(read.map { URL(fileURLWithPath: $0).lastPathComponent } == ["uv.lock"], "\(exported.stdout.prefix(300))")
        // A pure package-lock.json beside the fixture yarn.lock, which pins no musl build of @node-rs/argon2.
        try #"{"name": "app", "lockfileVersion": 3, "packages": {"": {"name": "app"}, "node_modules/left-pad": {"version": "1.3.0"}}}"#
            .write(to: root.appendingPathComponent("npm/package-lock.json"), atomically: true, encoding: .utf8)
        try manager.copyItem(at: TestPaths.fixtures.appendingPathComponent("lockfiles/npm-sharp-argon2/yarn.lock"), to: root.appendingPathComponent("npm/yarn.lock"))
        let alpine = try basefit(["check", root.appendingPathComponent("npm").path, "--base", "node:22-alpine", "--runtime", "node"])
        #expect(alpine.status == 1 && alpine.stdout.contains("@node-rs/argon2"), "\(alpine.stdout)\(alpine.stderr)")
        // A Yarn classic yarn.lock (which basefit does not read) beside the package-lock.json it
        // read is a leftover: said, not counted against the gate.
        try "# yarn lockfile v1\n\nleft-pad@^1.3.0:\n  version \"1.3.0\"\n".write(to: root.appendingPathComponent("npm/yarn.lock"), atomically: true, encoding: .utf8)
        let leftover = try basefit(["check", root.appendingPathComponent("npm").path, "--base", "node:22-alpine", "--runtime", "node"])
        #expect(leftover.status == 0 && leftover.stderr.contains("judged from package-lock.json beside it"), "\(leftover.stdout)\(leftover.stderr)")
    }

    @Test func nothingToJudgeExitsTwoWithWhatToDo() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let manager = FileManager.default
        for name in ["empty", "package-json-only", "requirements-only", "corrupt-only"] {
            try manager.createDirectory(at: root.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        try #"{"name":"app","engines":{"node":">=22"},"dependencies":{"bcrypt":"5.1.1"}}"#
            .write(to: root.appendingPathComponent("package-json-only/package.json"), atomically: true, encoding: .utf8)
        try "numpy==2.1.0\n".write(to: root.appendingPathComponent("requirements-only/requirements.txt"), atomically: true, encoding: .utf8)
        let elf = try Data(contentsOf: URL(fileURLWithPath: TestPaths.elf("hello-glibc")))
        try elf.prefix(100).write(to: root.appendingPathComponent("corrupt-only/x.so"))
        // A requirements file is judged from the package index (LockfileCommandTests); with the
        // index unreachable its pins are no evidence, and the gate still fails closed.
        var offline = ProcessInfo.processInfo.environment
        offline["PIP_INDEX_URL"] = "http://127.0.0.1:9/simple/"
        for name in ["empty", "package-json-only", "requirements-only", "corrupt-only"] {
            let path = root.appendingPathComponent(name).path
            let check = try Run.program(TestPaths.executable.path, ["check", path, "--base", "debian:bookworm-slim"],
                                        currentDirectory: TestPaths.packageRoot, environment: offline)
            #expect(check.status == 2, "\(name): check exit \(check.status) \(check.stdout)")
            #expect(check.stderr.contains("no native code and no installed packages under \(path)"), "\(name): \(check.stderr)")
            #expect(check.stderr.contains("npm ci / pip install"))
            #expect(!check.stdout.contains("compatible"))
            let recommend = try Run.program(TestPaths.executable.path, ["recommend", path, "--format", "json"],
                                            currentDirectory: TestPaths.packageRoot, environment: offline)
            #expect(recommend.status == 2, "\(name): recommend exit \(recommend.status)")
            #expect(recommend.stdout.isEmpty, "\(name): recommend must not answer on no evidence: \(recommend.stdout)")
        }
    }

    /// A checkout with only a lockfile is judged from it, but never passes on an image
    /// without the runtime the lockfile installs into.
    @Test func aLockfileAloneNeedsItsRuntime() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try "six==1.16.0\n".write(to: root.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        let check = try basefit(["check", root.path, "--base", "debian:bookworm-slim"])
        #expect(check.status != 0, "\(check.stdout)\(check.stderr)")
        if check.status == 1 { #expect(check.stdout.contains("[runtime-missing]"), "\(check.stdout)") }
    }

    @Test func filesForAnotherArchitectureAreProblems() throws {
        // A real arm64 Go binary (GOARCH=arm64) judged for amd64.
        let alone = try basefit(["check", "Fixtures/elf/go-nocgo-arm64", "--base", "debian:bookworm-slim", "--arch", "amd64", "--format", "json"])
        #expect(alone.status == 1, "\(alone.stdout)\(alone.stderr)")
        let problems = try #require(try json(alone.stdout)["problems"] as? [[String: Any]])
        let problem = try #require(problems.first { $0["kind"] as? String == "architecture" })
        #expect(problem["artifact"] as? String == "Fixtures/elf/go-nocgo-arm64")
        let message = try #require(problem["message"] as? String)
        #expect(message.contains("built for aarch64") && message.contains("judged for amd64"), "\(message)")

        // An i386 binary next to x86_64 ones is no longer dropped silently.
        let mixed = try basefit(["check", "Fixtures/elf/hello-glibc", "Fixtures/elf/hello-i386", "--base", "debian:bookworm-slim"])
        #expect(mixed.status == 1)
        #expect(mixed.stdout.contains("[architecture] Fixtures/elf/hello-i386 is built for i386"), "\(mixed.stdout)")

        // x86_64 node_modules under FROM --platform=linux/arm64.
        let dockerfile = try temporaryDirectory().appendingPathComponent("Dockerfile")
        defer { try? FileManager.default.removeItem(at: dockerfile.deletingLastPathComponent()) }
        try "FROM --platform=linux/arm64 node:22-bookworm-slim\nCOPY . /app\n".write(to: dockerfile, atomically: true, encoding: .utf8)
        let platform = try basefit(["check", "Fixtures/projects/node-napi-rs", "--dockerfile", dockerfile.path])
        #expect(platform.status == 1)
        #expect(platform.stdout.contains("is built for x86_64; node:22-bookworm-slim is judged for arm64"), "\(platform.stdout)")

        // recommend --arch arm64 with only x86_64 files picks nothing (no musl image on no evidence).
        let recommend = try basefit(["recommend", "Fixtures/elf/hello-glibc", "--arch", "arm64", "--format", "json"])
        #expect(recommend.status == 1)
        #expect(try json(recommend.stdout)["recommended"] is NSNull)
        // Its header says the files are for another machine, not that the project is pure (a review found it said so).
        let header = try basefit(["recommend", "Fixtures/projects/node-napi-rs", "--arch", "arm64"])
        #expect(header.stdout.contains("no native code for arm64: its 6 ELF files are built for x86_64"), "\(header.stdout)")
        #expect(!header.stdout.contains("pure node project"), "\(header.stdout)")
    }

    @Test func prebuildsForOtherPlatformsBesideATargetBuildAreNotRequired() throws {
        // node-prebuilds ships linux-x64 prebuilds only: judged for amd64 they load.
        let check = try basefit(["check", "Fixtures/projects/node-prebuilds", "--base", "node:22-bookworm-slim"])
        #expect(check.status == 0, "\(check.stdout)")
    }

    // MARK: Pure runtime projects

    /// node-gyp-build picks a prebuild by its directory: a `linux-x64` prebuild built for
    /// aarch64 is what x64 loads, and fails there. Such a file is no other platform's
    /// alternative (it was, and both architectures passed), and the scan says so.
    @Test func aPrebuildBuiltForAnotherMachineThanItsDirectoryFails() throws {
        let root = try TemporaryDirectory.make("mislabeled")
        defer { try? FileManager.default.removeItem(at: root) }
        let package = root.appendingPathComponent("node_modules/foo")
        for platform in ["linux-x64", "linux-arm64"] {
            try FileManager.default.createDirectory(at: package.appendingPathComponent("prebuilds/\(platform)"), withIntermediateDirectories: true)
        }
        try #"{"name": "foo", "version": "1.0.0"}"#.write(to: package.appendingPathComponent("package.json"), atomically: true, encoding: .utf8)
        let x86 = try Data(contentsOf: URL(fileURLWithPath: TestPaths.elf("napi-addon.node")))
        var arm = x86
        arm[18] = 0xB7  // e_machine EM_AARCH64: the same file, as an aarch64 build's header says
        arm[19] = 0x00
        try x86.write(to: package.appendingPathComponent("prebuilds/linux-arm64/node.napi.node"))
        try arm.write(to: package.appendingPathComponent("prebuilds/linux-x64/node.napi.node"))
        for (arch, wrong) in [("amd64", "linux-x64"), ("arm64", "linux-arm64")] {
            let check = try basefit(["check", root.path, "--base", "node:22-bookworm-slim", "--arch", arch, "--quiet"])
            #expect(check.status == 1 && check.stdout.contains("[architecture]") && check.stdout.contains("prebuilds/\(wrong)/node.napi.node"), "\(arch): \(check.stdout)")
        }
        let scan = try basefit(["scan", root.path])
        #expect(scan.stdout.contains("prebuild directory linux-x64 holds a build for aarch64: node-gyp-build loads it on x64, where it fails"), "\(scan.stdout)")
        // Correctly placed, each is the other's alternative and both architectures pass.
        try x86.write(to: package.appendingPathComponent("prebuilds/linux-x64/node.napi.node"))
        try arm.write(to: package.appendingPathComponent("prebuilds/linux-arm64/node.napi.node"))
        #expect(try basefit(["check", root.path, "--base", "node:22-bookworm-slim", "--arch", "amd64", "--quiet"]).status == 0)
    }

    @Test func pureProjectsAreJudgedByTheirRuntime() throws {
        let node = try basefit(["recommend", "Fixtures/projects/node-pure", "--format", "json"])
        #expect(node.status == 0, "\(node.stderr)")
        let nodeObject = try json(node.stdout)
        let recommended = try #require(nodeObject["recommended"] as? String)
        let candidates = try #require(nodeObject["candidates"] as? [[String: Any]])
        // engines >=22 and .nvmrc lts/jod (22): only Node 22 images are candidates.
        #expect(!candidates.isEmpty)
        #expect(candidates.allSatisfy { ($0["image"] as? String).map { $0.contains("22") } == true }, "\(candidates.map { $0["image"] ?? "" })")
        #expect(recommended.contains("22"))
        let text = try basefit(["recommend", "Fixtures/projects/node-pure"])
        #expect(text.stdout.contains("no native code: a pure node project"))
        #expect(text.stdout.contains("Can we move to Alpine (musl)? Yes"))

        let venv = try basefit(["recommend", "Fixtures/projects/python-venv-pure", "--format", "json"])
        #expect(venv.status == 0)
        let best = try #require(try json(venv.stdout)["recommended"] as? String)
        #expect(best.hasPrefix("python:3.12"), "a 3.12 venv needs a 3.12 image: \(best)")
        // A 3.12 venv never runs on 3.13, with or without extension modules.
        let wrong = try basefit(["check", "Fixtures/projects/python-venv-pure", "--base", "python:3.13-slim-bookworm"])
        #expect(wrong.status == 1)
        #expect(wrong.stdout.contains("pyvenv.cfg"))
        let right = try basefit(["check", "Fixtures/projects/python-venv-pure", "--base", "python:3.12-slim-bookworm"])
        #expect(right.status == 0, "\(right.stdout)")
        #expect(right.stdout.contains("a pure Python project"))
    }

    // MARK: The runtime, everywhere

    @Test func freeThreadedExtensionsNeedAFreeThreadedInterpreter() throws {
        let regular = try basefit(["check", "Fixtures/projects/python-freethreaded", "--base", "python:3.13-slim-trixie", "--format", "json"])
        #expect(regular.status == 1)
        let problems = try #require(try json(regular.stdout)["problems"] as? [[String: Any]])
        #expect(problems.contains { ($0["message"] as? String)?.contains("free-threaded CPython 3.13 (cp313t)") == true }, "\(problems)")
    }

    @Test func runtimelessImagesLackTheRuntimeUnlessTheUserAddsIt() throws {
        let missing = try basefit(["check", "Fixtures/projects/python-venv", "--base", "debian:bookworm-slim", "--format", "json"])
        #expect(missing.status == 1)
        let problems = try #require(try json(missing.stdout)["problems"] as? [[String: Any]])
        let problem = try #require(problems.first { $0["kind"] as? String == "runtime-missing" })
        let advice = try #require((problem["fix"] as? [String: Any])?["advice"] as? String)
        // bookworm's python3 is 3.11, which this venv (3.11) fits.
        #expect(advice.contains("apt-get install -y --no-install-recommends python3") && advice.contains("3.11"), "\(advice)")
        let pure312 = try basefit(["check", "Fixtures/projects/python-venv-pure", "--base", "debian:bookworm-slim"])
        #expect(pure312.stdout.contains("the project needs CPython 3.12"), "\(pure312.stdout)")
        let alpine = try basefit(["check", "Fixtures/projects/python-venv-pure", "--base", "alpine:3.22"])
        #expect(alpine.status == 1)
        #expect(alpine.stdout.contains("[runtime-missing]"))
        let added = try basefit(["check", "Fixtures/projects/python-venv", "--base", "debian:bookworm-slim", "--runtime", "none"])
        #expect(added.status == 0, "\(added.stdout)")
    }

    @Test func classicNodeModuleAddonsFailWhereTheirABICannotBeConfirmed() throws {
        let scan = try basefit(["scan", "Fixtures/projects/node-classic", "--format", "json"])
        let artifacts = try #require(try json(scan.stdout)["artifacts"] as? [[String: Any]])
        let node = try #require(artifacts.first?["node"] as? [String: Any])
        #expect(node["binding"] as? String == "unconfirmed")
        for image in ["node:24-bookworm-slim", "node:20-bookworm-slim", "node:22-alpine3.22"] {
            let check = try basefit(["check", "Fixtures/projects/node-classic", "--base", image])
            #expect(check.status == 1, "\(image): \(check.stdout)")
            #expect(check.stdout.contains("classic NODE_MODULE addon"))
        }
    }

    // MARK: Node version constraints

    @Test func nvmrcIsReadWhenThePathIsRelative() throws {
        let project = TestPaths.fixtures.appendingPathComponent("projects/node-pure")
        let dot = try basefit(["recommend", ".", "--format", "json"], in: project)
        #expect(dot.status == 0, "\(dot.stderr)")
        let requirements = try #require(try json(dot.stdout)["requirements"] as? [String: Any])
        let node = try #require((requirements["runtime"] as? [String: Any])?["node"] as? [String: Any])
        #expect(node["nvmrc"] as? String == "lts/jod")
        #expect(node["engines"] as? String == ">=22")
        let check = try basefit(["check", ".", "--base", "node:24-bookworm-slim"], in: project)
        #expect(check.status == 1)
        #expect(check.stdout.contains(".nvmrc asks for Node lts/jod"), "\(check.stdout)")
    }

    /// `.nvmrc` as nvm reads it: a `#` comment after the version or on a line of its own, and
    /// `lts/-1` (the LTS line before the newest); each was ignored, and Node 22 passed for 20.
    @Test func nvmrcCommentsAndPreviousLTS() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let project = root.appendingPathComponent("app")
        try FileManager.default.copyItem(at: TestPaths.fixtures.appendingPathComponent("projects/node-pure"), to: project)
        try #"{"name":"app"}"#.write(to: project.appendingPathComponent("package.json"), atomically: true, encoding: .utf8)
        // On 2026-11-30 the newest LTS line is 24 (krypton): lts/-1 is 22, lts/-2 is 20.
        for (nvmrc, asked) in [("20 # pinned for the old driver\n", "20"), ("# the runtime\n\n  20\n", "20"), ("lts/-2\n", "lts/-2")] {
            try nvmrc.write(to: project.appendingPathComponent(".nvmrc"), atomically: true, encoding: .utf8)
            let check = try basefit(["check", project.path, "--base", "node:22-bookworm-slim"])
            #expect(check.status == 1 && check.stdout.contains(".nvmrc asks for Node \(asked)"), "\(nvmrc): \(check.stdout)")
        }
        try "lts/-1\n".write(to: project.appendingPathComponent(".nvmrc"), atomically: true, encoding: .utf8)
        #expect(try basefit(["check", project.path, "--base", "node:22-bookworm-slim"]).status == 0)
        // No crash on a negative or huge step back: an alias nvm does not know is not read.
        for nvmrc in ["lts/--3\n", "lts/--9223372036854775808\n", "lts/-99\n"] {
            try nvmrc.write(to: project.appendingPathComponent(".nvmrc"), atomically: true, encoding: .utf8)
            #expect(try basefit(["check", project.path, "--base", "node:22-bookworm-slim"]).status == 0, "\(nvmrc)")
        }
    }

    @Test func constraintNoImageMeetsIsAWarningNotSilence() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let project = root.appendingPathComponent("app")
        try FileManager.default.copyItem(at: TestPaths.fixtures.appendingPathComponent("projects/node-pure"), to: project)
        try "11\n".write(to: project.appendingPathComponent(".nvmrc"), atomically: true, encoding: .utf8)
        try #"{"name":"app","engines":{"node":"^20 || ^22"}}"#.write(to: project.appendingPathComponent("package.json"), atomically: true, encoding: .utf8)
        let result = try basefit(["recommend", project.path])
        #expect(result.stderr.contains(".nvmrc asks for Node 11, which no catalog image carries"), "\(result.stderr)")
        // engines ^20 || ^22 still limits the candidates.
        #expect(result.stdout.contains("(Node ^20 || ^22)"), "\(result.stdout)")
    }

    // MARK: Requirements are what the image must provide

    @Test func needsMetByBundledLibrariesAreNotImageRequirements() throws {
        // cffi's aarch64 wheel bundles libffi; musllinux wheels bundle libgcc_s. Nothing the
        // project bundles may show up in requirements.minimum.
        let scan = try basefit(["scan", "Fixtures/projects/wheels", "--format", "json"])
        let object = try json(scan.stdout)
        let artifacts = try #require(object["artifacts"] as? [[String: Any]])
        let bundledLibraries = Set(artifacts.flatMap { ($0["bundled"] as? [String: Any])?.keys.map { $0 } ?? [] })
        let files = try #require((object["requirements"] as? [String: Any])?["files"] as? [[String: Any]])
        for file in files {
            for need in file["versionNeeds"] as? [[String: Any]] ?? [] {
                #expect(!bundledLibraries.contains(need["library"] as? String ?? ""), "bundled need in the contract: \(need)")
            }
        }
    }

    /// psycopg2-binary's manylinux wheel bundles libpq, libssl, libkrb5 … in `psycopg2_binary.libs/`:
    /// their OPENSSL/OPENLDAP/KEYUTILS needs stay in the per-file facts, out of `requirements.minimum`.
    @Test func bundledFamiliesStayOutOfTheRequirements() throws {
        guard let wheel = try PyPIWheels.download("psycopg2_binary-2.9.10-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
                                                  requirement: "psycopg2-binary==2.9.10", platform: "manylinux_2_17_x86_64",
                                                  pythonVersion: "3.11", abi: "cp311") else {
            print("GateTests: skipped, PyPI unreachable (pip download psycopg2-binary==2.9.10 failed)")
            return
        }
        let object = try json(try basefit(["scan", wheel, "--format", "json"]).stdout)
        let minimum = try #require((object["requirements"] as? [String: Any])?["minimum"] as? [String: String])
        #expect(Set(minimum.keys) == ["GLIBC"], "\(minimum)")
        let artifacts = try #require(object["artifacts"] as? [[String: Any]])
        let libpq = try #require(artifacts.first { ($0["path"] as? String)?.contains("libpq-") == true })
        #expect((libpq["minimum"] as? [String: String])?["OPENSSL_1_1"] != nil, "the file's own facts keep the family")
    }

    @Test func groupedProblemsKeepEveryArtifact() throws {
        let json = try basefit(["check", "Fixtures/projects/node-napi-rs", "--base", "node:22-alpine3.22", "--format", "json"])
        let problems = try #require(try self.json(json.stdout)["problems"] as? [[String: Any]])
        let libc = try #require(problems.first { $0["kind"] as? String == "libc-mismatch" })
        let artifacts = try #require(libc["artifacts"] as? [String])
        #expect(artifacts.count == 4, "\(artifacts)")
        #expect((libc["message"] as? String)?.contains("(and 3 more)") == true)

        let sarif = try basefit(["check", "Fixtures/projects/node-napi-rs", "--base", "node:22-alpine3.22", "--format", "sarif"])
        let runs = try #require(try self.json(sarif.stdout)["runs"] as? [[String: Any]])
        let results = try #require(runs.first?["results"] as? [[String: Any]])
        let locations = try #require(results.first?["locations"] as? [[String: Any]])
        #expect(locations.count == 4)
        let uri = ((locations.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?["uri"] as? String
        #expect(uri?.hasPrefix("Fixtures/projects/node-napi-rs/node_modules/") == true, "\(uri ?? "nil")")

        let github = try basefit(["check", "Fixtures/projects/node-napi-rs", "--base", "node:22-alpine3.22", "--format", "github"])
        #expect(github.stdout.contains("::error file=Fixtures/projects/node-napi-rs/node_modules/"), "\(github.stdout)")
        #expect(github.stdout.contains("affects: "))
    }

    // MARK: Messages

    @Test func errorsPrintOnceAndDigestsAreChecked() throws {
        let validation = try basefit(["check", "Fixtures/elf/hello-glibc"])
        #expect(validation.status == 2)
        #expect(!validation.stderr.contains("Error: "), "\(validation.stderr)")
        #expect(validation.stderr.components(separatedBy: "basefit: error:").count == 2, "\(validation.stderr)")
        let digest = try basefit(["check", "Fixtures/elf/hello-glibc", "--base", "debian:bookworm-slim@sha256:1234"])
        #expect(digest.status == 2)
        #expect(digest.stderr.contains("sha256: followed by 64 hex digits"))
        let family = try basefit(["catalog", "list", "--family", "nope"])
        #expect(family.status == 2)
        #expect(family.stderr.contains("families: ") && family.stderr.contains("distroless"), "\(family.stderr)")
        let dockerfile = try temporaryDirectory().appendingPathComponent("Dockerfile")
        defer { try? FileManager.default.removeItem(at: dockerfile.deletingLastPathComponent()) }
        try "FROM debian:bookworm-slim\n".write(to: dockerfile, atomically: true, encoding: .utf8)
        let stage = try basefit(["check", "Fixtures/elf/hello-glibc", "--dockerfile", dockerfile.path])
        #expect(!stage.stdout.contains("stage final stage"), "\(stage.stdout)")
    }
}
