import Foundation
import Testing
import TestSupport

/// A gate never passes on files it could not judge: a damaged addon, a wheel member that
/// does not inflate, an unreadable file in an image. Each case runs the real CLI on real
/// artifacts damaged the way they are in the wild (cut short, bytes flipped in transit).
@Suite struct UnjudgedFileTests {
    func basefit(_ arguments: [String], in directory: URL = TestPaths.packageRoot) throws -> ProcessResult {
        try Run.program(TestPaths.executable.path, arguments, currentDirectory: directory)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-unjudged-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// node_modules with a good musl addon and a glibc addon cut short after 300 bytes.
    func projectWithATruncatedAddon(in root: URL) throws -> (project: String, truncated: String) {
        let glibc = try #require(FileManager.default.contents(atPath: TestPaths.fixtures.appendingPathComponent(
            "projects/node-glibc-addon/node_modules/fastcrypt/build/Release/fastcrypt.node").path))
        let made = try projectWithAGoodAddon(in: root, and: "cut", glibc.prefix(300))
        return (made.project, made.other)
    }

    /// node_modules with a good musl addon and `node_modules/NAME/build/Release/NAME.node` holding `contents`.
    func projectWithAGoodAddon(in root: URL, and name: String, _ contents: Data) throws -> (project: String, other: String) {
        let manager = FileManager.default
        let project = root.appendingPathComponent("app")
        let good = project.appendingPathComponent("node_modules/good/build/Release")
        let other = project.appendingPathComponent("node_modules/\(name)/build/Release")
        try manager.createDirectory(at: good, withIntermediateDirectories: true)
        try manager.createDirectory(at: other, withIntermediateDirectories: true)
        let prebuilds = TestPaths.fixtures.appendingPathComponent("projects/node-prebuilds/node_modules/dualbuild/prebuilds/linux-x64")
        try manager.copyItem(at: prebuilds.appendingPathComponent("node.napi.musl.node"), to: good.appendingPathComponent("good.node"))
        let path = other.appendingPathComponent(name + ".node").path
        #expect(manager.createFile(atPath: path, contents: contents))
        return (project.path, path)
    }

    @Test func aTruncatedAddonMakesTheCheckInconclusiveNotCompatible() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (project, truncated) = try projectWithATruncatedAddon(in: root)

        // The good addon loads on Alpine; the cut one was never judged: exit 2, and the file is named.
        let text = try basefit(["check", "--base", "node:22-alpine", project])
        #expect(text.status == 2, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.hasPrefix("inconclusive: node:22-alpine3.24 (--base) loads 1 ELF file for amd64"), "\(text.stdout)")
        #expect(text.stdout.contains("not judged: \(truncated): malformed ELF: program headers"), "\(text.stdout)")
        #expect(!text.stdout.contains("compatible:"), "\(text.stdout)")

        // JSON readers that only look at `compatible` fail closed too.
        let object = try json(try basefit(["check", "--base", "node:22-alpine", "--format", "json", "--quiet", project]).stdout)
        #expect(object["compatible"] as? Bool == false && object["passes"] as? Bool == false && object["conclusive"] as? Bool == false)
        let unjudged = try #require(object["unjudged"] as? [[String: Any]])
        #expect(unjudged.map { $0["path"] as? String } == [truncated], "\(unjudged)")
        #expect((object["problems"] as? [Any])?.isEmpty == true)

        // Every CI format says so.
        let github = try basefit(["check", "--base", "node:22-alpine", "--format", "github", "--quiet", project])
        #expect(github.status == 2)
        #expect(github.stdout.contains("::error file=\(truncated),title=basefit not judged::"), "\(github.stdout)")
        #expect(!github.stdout.contains("::notice"), "\(github.stdout)")
        let sarif = try json(try basefit(["check", "--base", "node:22-alpine", "--format", "sarif", "--quiet", project]).stdout)
        let results = try #require(((sarif["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
        #expect(results.map { "\($0["ruleId"] ?? "") \($0["level"] ?? "")" } == ["unjudged error"], "\(results)")
        let markdown = try basefit(["check", "--base", "node:22-alpine", "--format", "markdown", "--quiet", project])
        #expect(markdown.stdout.hasPrefix("### basefit check: `node:22-alpine3.24` — inconclusive"), "\(markdown.stdout)")

        // Allowed explicitly, the judged file passes and the skipped one is still listed.
        let allowed = try basefit(["check", "--base", "node:22-alpine", "--allow-unjudged", "--quiet", project])
        #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
        #expect(allowed.stdout.contains("(not judged, allowed by --allow-unjudged: 1 item that may hold native code)") && allowed.stdout.contains("not judged: \(truncated)"))

        // A judged file that does not load is a definite answer: exit 1 either way.
        let glibc = try basefit(["check", "--base", "node:22-bookworm-slim", "--quiet", project])
        #expect(glibc.status == 1, "\(glibc.stdout)\(glibc.stderr)")
        #expect(glibc.stdout.hasPrefix("incompatible:") && glibc.stdout.contains("not judged: \(truncated)"), "\(glibc.stdout)")
    }

    /// A checkout that did not fetch Git LFS files: an addon that is an LFS pointer is native
    /// code that was never there to judge. Another addon loads on Alpine; the check is
    /// inconclusive, naming the pointer, where it used to pass (a file that is not ELF was skipped).
    /// A text file that merely starts the same way under another name is not native code.
    @Test func aGitLFSPointerWhereAnAddonBelongsIsNotJudged() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let pointerText = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 16208\n"
        let (directory, pointer) = try projectWithAGoodAddon(in: root, and: "lfs", Data(pointerText.utf8))
        let project = URL(fileURLWithPath: directory)
        try pointerText.write(toFile: (pointer as NSString).deletingLastPathComponent + "/README.md", atomically: true, encoding: .utf8)

        let check = try basefit(["check", "--base", "node:22-alpine", project.path])
        #expect(check.status == 2, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("not judged: \(pointer): a Git LFS pointer, not the library"), "\(check.stdout)")
        #expect(!check.stdout.contains("README.md"), "\(check.stdout)")
        let allowed = try basefit(["check", "--base", "node:22-alpine", "--allow-unjudged", "--quiet", project.path])
        #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
    }

    @Test func recommendSaysItsAnswersAreIncompleteAndWritesNoPatch() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (project, truncated) = try projectWithATruncatedAddon(in: root)

        let text = try basefit(["recommend", "--quiet", project])
        #expect(text.status == 2, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.contains("INCONCLUSIVE: 1 item that may hold native code could not be judged"), "\(text.stdout)")
        #expect(text.stdout.contains("Can we move to Alpine (musl)? Not known (yes for the files judged)"), "\(text.stdout)")
        #expect(text.stdout.contains("Recommended (for the judged files only): node:"), "\(text.stdout)")
        let object = try json(try basefit(["recommend", "--quiet", "--format", "json", project]).stdout)
        #expect(object["conclusive"] as? Bool == false)
        #expect((object["unjudged"] as? [[String: Any]])?.first?["path"] as? String == truncated)
        let migrations = try #require(object["migrations"] as? [[String: Any]])
        #expect(!migrations.isEmpty && migrations.allSatisfy { $0["possible"] as? Bool == false }, "\(migrations)")

        // A patch is applied, not read: none on an incomplete judgement, and the Dockerfile is untouched.
        let dockerfile = root.appendingPathComponent("Dockerfile")
        try "FROM node:22-bookworm\nCOPY . /app\n".write(to: dockerfile, atomically: true, encoding: .utf8)
        let patch = try basefit(["recommend", "--quiet", "--offline", "--format", "patch", "--dockerfile", dockerfile.path, project])
        #expect(patch.status == 2, "\(patch.stdout)\(patch.stderr)")
        #expect(patch.stdout.isEmpty && patch.stderr.contains("no patch: 1 item that may hold native code could not be judged"), "\(patch.stderr)")
        #expect(try String(contentsOf: dockerfile, encoding: .utf8) == "FROM node:22-bookworm\nCOPY . /app\n")
        let allowed = try basefit(["recommend", "--quiet", "--offline", "--allow-unjudged", "--format", "patch", "--dockerfile", dockerfile.path, project])
        #expect(allowed.status == 0 && allowed.stdout.contains("+FROM node:22-alpine"), "\(allowed.stdout)\(allowed.stderr)")
    }

    /// Installed files beside a named lockfile that pins nothing judgeable: the lockfile's lines
    /// are still not judged, and the installed addon alone does not pass the gate.
    /// A file named as a Node addon that require() cannot load on any image is not judged
    /// (exit 2), where it used to pass as "no native code" (or, for an executable, as a loaded
    /// ELF file): empty, text, an object file, a position-independent executable, a link to
    /// nothing. Built by gcc here; glibc's loader refuses each (the messages are its own).
    @Test func filesNamedAsAddonsThatNoLoaderOpensAreNotJudged() throws {
        guard let gcc = Run.which("gcc") else { print("skipping: no gcc"); return }
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let source = root.appendingPathComponent("m.c")
        try "int napi_register_module_v1(void *e, void *x) { return 0; }\nint main(void) { return 0; }\n".write(to: source, atomically: true, encoding: .utf8)
        let cases: [(String, String)] = [("empty", "an empty file"), ("text", "not ELF"), ("object", "an object file (ELF REL)"),
                                         ("pie", "a position-independent executable"), ("dangling", "a symbolic link to nothing"), ("good", "")]
        for (name, reason) in cases {
            let release = root.appendingPathComponent("\(name)/node_modules/foo/build/Release")
            try FileManager.default.createDirectory(at: release, withIntermediateDirectories: true)
            try #"{"name": "foo", "version": "1.0.0"}"#.write(to: release.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("package.json"), atomically: true, encoding: .utf8)
            let addon = release.appendingPathComponent("foo.node").path
            switch name {
            case "empty": #expect(FileManager.default.createFile(atPath: addon, contents: Data()))
            case "text": #expect(FileManager.default.createFile(atPath: addon, contents: Data("module.exports = 1\n".utf8)))
            case "object": #expect(try Run.program(gcc, ["-c", "-fPIC", "-o", addon, source.path]).status == 0)
            case "pie": #expect(try Run.program(gcc, ["-fPIE", "-pie", "-o", addon, source.path]).status == 0)
            case "dangling": try FileManager.default.createSymbolicLink(atPath: addon, withDestinationPath: "missing.node")
            default: #expect(try Run.program(gcc, ["-shared", "-fPIC", "-o", addon, source.path]).status == 0)
            }
            let check = try basefit(["check", root.appendingPathComponent(name).path, "--base", "node:22-bookworm-slim", "--format", "json", "--quiet"])
            let unjudged = (try json(check.stdout)["unjudged"] as? [[String: Any]]) ?? []
            if reason.isEmpty {
                #expect(check.status == 0 && unjudged.isEmpty, "\(name): \(check.stdout)")
            } else {
                #expect(check.status == 2, "\(name): \(check.stdout)")
                #expect(unjudged.count == 1 && (unjudged.first?["path"] as? String)?.hasSuffix("foo.node") == true
                        && (unjudged.first?["reason"] as? String)?.hasPrefix(reason) == true, "\(name): \(unjudged)")
            }
        }
    }

    /// A workspace package linked into node_modules from outside the scanned directory is not
    /// judged (it was skipped without a word, and the gate passed a glibc addon on Alpine),
    /// unless the target is given as another path, where it is judged.
    @Test func aLinkOutOfTheScannedDirectoryInNodeModulesIsNotJudged() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let package = root.appendingPathComponent("packages/native")
        try FileManager.default.createDirectory(at: package.appendingPathComponent("build/Release"), withIntermediateDirectories: true)
        try #"{"name": "@org/native", "version": "1.0.0"}"#.write(to: package.appendingPathComponent("package.json"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: TestPaths.elf("napi-addon.node"), toPath: package.appendingPathComponent("build/Release/native.node").path)
        let app = root.appendingPathComponent("services/api")
        try FileManager.default.createDirectory(at: app.appendingPathComponent("node_modules/@org"), withIntermediateDirectories: true)
        try #"{"name": "api", "version": "1.0.0"}"#.write(to: app.appendingPathComponent("package.json"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: app.appendingPathComponent("node_modules/@org/native").path, withDestinationPath: "../../../../packages/native")
        try FileManager.default.createDirectory(at: app.appendingPathComponent("node_modules/left-pad"), withIntermediateDirectories: true)
        try #"{"name": "left-pad", "version": "1.3.0"}"#.write(to: app.appendingPathComponent("node_modules/left-pad/package.json"), atomically: true, encoding: .utf8)
        let alone = try basefit(["check", app.path, "--base", "node:22-alpine", "--format", "json", "--quiet"])
        #expect(alone.status == 2, "\(alone.stdout)")
        let reasons = ((try json(alone.stdout)["unjudged"] as? [[String: Any]]) ?? []).compactMap { $0["reason"] as? String }
        #expect(reasons.count == 1 && reasons[0].hasPrefix("a link out of the scanned directory (to \(package.resolvingSymlinksInPath().path))"), "\(reasons)")
        let both = try basefit(["check", app.path, package.path, "--base", "node:22-alpine", "--quiet"])
        #expect(both.status == 1 && both.stdout.contains("[libc-mismatch]") && both.stdout.contains("native.node"), "\(both.stdout)")
        // A pnpm workspace package: every dependency a link into the workspace's store, told once.
        let store = root.appendingPathComponent("node_modules/.pnpm")
        for name in ["a", "b", "c"] {
            let target = store.appendingPathComponent("\(name)@1.0.0/node_modules/\(name)")
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            try #"{"name": "x", "version": "1.0.0"}"#.write(to: target.appendingPathComponent("package.json"), atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: app.appendingPathComponent("node_modules/\(name)").path,
                                                       withDestinationPath: "../../../node_modules/.pnpm/\(name)@1.0.0/node_modules/\(name)")
        }
        let workspace = try basefit(["check", app.path, package.path, "--base", "node:22-bookworm-slim", "--format", "json", "--quiet"])
        let told = ((try json(workspace.stdout)["unjudged"] as? [[String: Any]]) ?? []).compactMap { $0["reason"] as? String }
        #expect(workspace.status == 2 && told.count == 1 && told[0].hasPrefix("3 links out of the scanned directory into \(root.resolvingSymlinksInPath().path)/node_modules"), "\(told)")
        #expect(try basefit(["check", app.path, package.path, root.appendingPathComponent("node_modules").path, "--base", "node:22-bookworm-slim", "--quiet"]).status == 0)
    }

    @Test func aNamedLockfileBesideInstalledFilesStillCounts() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (project, truncated) = try projectWithATruncatedAddon(in: root)
        try FileManager.default.removeItem(atPath: truncated)
        let lockfile = root.appendingPathComponent("locks/requirements.txt")
        try FileManager.default.createDirectory(at: lockfile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "requests>=2\n-e ./vendor/lib\n".write(to: lockfile, atomically: true, encoding: .utf8)
        let check = try basefit(["check", "--base", "node:22-alpine", "--offline", "--quiet", project, lockfile.path])
        #expect(check.status == 2, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("requirements.txt:1: requests>=2 is not pinned") && check.stdout.contains("requirements.txt:2: editable install"),
                "\(check.stdout)")
        let alone = try basefit(["check", "--base", "node:22-alpine", "--offline", "--quiet", project])
        #expect(alone.status == 0, "\(alone.stdout)\(alone.stderr)")
    }

    /// A directory holding only what could not be judged says so, not "run npm ci".
    @Test func nothingButUnjudgedFilesSaysWhatWasNotJudged() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let glibc = try #require(FileManager.default.contents(atPath: TestPaths.elf("libcxxdemo.so")))
        #expect(FileManager.default.createFile(atPath: root.appendingPathComponent("libcut.so").path, contents: glibc.prefix(500)))
        let check = try basefit(["check", "--base", "debian:bookworm-slim", root.path])
        #expect(check.status == 2)
        #expect(check.stderr.contains("no native code and no installed packages under \(root.path) that basefit could judge: "
                                      + "1 item that may hold native code could not be judged (\(root.path)/libcut.so; see the warnings)"), "\(check.stderr)")
    }

    /// `scan --format json` in one job, `check --requirements` in another: the files not
    /// judged travel with the requirements, under a schema version older readers refuse.
    @Test func requirementsFilesCarryWhatWasNotJudged() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (project, truncated) = try projectWithATruncatedAddon(in: root)

        let scan = try basefit(["scan", "--format", "json", "--quiet", project])
        #expect(scan.status == 0, "\(scan.stderr)")
        let requirements = try #require(try json(scan.stdout)["requirements"] as? [String: Any])
        #expect(requirements["schemaVersion"] as? Int == 2)
        #expect((requirements["unjudged"] as? [[String: Any]])?.map { $0["path"] as? String } == [truncated])
        let file = root.appendingPathComponent("requirements.json")
        try scan.stdout.write(to: file, atomically: true, encoding: .utf8)
        let check = try basefit(["check", "--requirements", file.path, "--base", "node:22-alpine"])
        #expect(check.status == 2 && check.stdout.contains("not judged: \(truncated)"), "\(check.stdout)\(check.stderr)")
        let text = try basefit(["scan", project])
        #expect(text.stdout.contains("; 1 item that may hold native code could not be judged (see the warnings)"), "\(text.stdout)")

        // Without the damaged file the schema stays 1, so older basefit versions still read it.
        try FileManager.default.removeItem(atPath: truncated)
        let clean = try #require(try json(try basefit(["scan", "--format", "json", project]).stdout)["requirements"] as? [String: Any])
        #expect(clean["schemaVersion"] as? Int == 1 && clean["unjudged"] == nil)
    }

    /// A real musllinux wheel whose extension module's deflated bytes were damaged: its CRC-32
    /// fails, the member is named, and the check cannot pass on the other wheel alone.
    @Test func aDamagedWheelMemberIsNotJudgedAsAbsent() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let wheels = TestPaths.fixtures.appendingPathComponent("projects/wheels")
        let name = "markupsafe-3.0.3-cp311-cp311-musllinux_1_2_x86_64.whl"
        let project = root.appendingPathComponent("dist")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: wheels.appendingPathComponent(name), to: project.appendingPathComponent(name))
        let damaged = project.appendingPathComponent("damaged-1.0-cp311-cp311-musllinux_1_2_x86_64.whl").path
        try FileManager.default.copyItem(atPath: wheels.appendingPathComponent(name).path, toPath: damaged)
        // Flip 16 bytes in the middle of the ELF member's compressed data.
        let flip = """
        import sys, zipfile
        path = sys.argv[1]
        member = next(i for i in zipfile.ZipFile(path).infolist() if i.filename.endswith(".so"))
        data = bytearray(open(path, "rb").read())
        start = member.header_offset + 30 + int.from_bytes(data[member.header_offset + 26:member.header_offset + 28], "little") \\
            + int.from_bytes(data[member.header_offset + 28:member.header_offset + 30], "little")
        middle = start + member.compress_size // 2
        for i in range(middle, middle + 16): data[i] ^= 0x5A
        open(path, "wb").write(bytes(data))
        print(member.filename)
        """
        let python = try Run.program(try #require(Run.which("python3")), ["-c", flip, damaged])
        try #require(python.status == 0, "\(python.stderr)")
        let member = python.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let check = try basefit(["check", "--base", "python:3.11-alpine", "--format", "json", project.path])
        #expect(check.status == 2, "\(check.stdout)\(check.stderr)")
        let object = try json(check.stdout)
        let unjudged = try #require(object["unjudged"] as? [[String: Any]])
        #expect(unjudged.count == 1 && unjudged.first?["path"] as? String == damaged, "\(unjudged)")
        #expect((unjudged.first?["reason"] as? String)?.hasPrefix("member \(member) ") == true, "\(unjudged)")
        #expect(object["judged"] as? String == "1 ELF file", "the good wheel's module is still judged")
        #expect(check.stderr.contains("basefit: warning: \(damaged): member \(member) "), "\(check.stderr)")
    }

    /// The extension modules of real macOS and Windows wheels (a Mach-O `.so`, a PE DLL) where
    /// a Linux project holds its native code: node_modules or a virtualenv installed on a Mac or
    /// on Windows and copied into the build. No Linux image loads them ("invalid ELF header"),
    /// and the Linux build is not there to judge; prebuilds for other systems and packages
    /// whose `os` leaves Linux out are passed over, as node-gyp-build and npm do.
    @Test func macOSAndWindowsBuildsWhereLinuxOnesBelongAreNotJudged() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let manager = FileManager.default
        let foreign = TestPaths.fixtures.appendingPathComponent("projects/foreign-wheels")
        func member(_ wheel: String, _ suffix: String) throws -> Data {
            let script = "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
                + "sys.stdout.buffer.write(z.read(next(n for n in z.namelist() if n.endswith(sys.argv[2]))))"
            let out = root.appendingPathComponent("member-\(suffix)")
            let python = try Run.program("/bin/sh", ["-c", "python3 -c \"$0\" \"$1\" \"$2\" > \"$3\"", script,
                                                     foreign.appendingPathComponent(wheel).path, suffix, out.path])
            try #require(python.status == 0, "\(python.stderr)")
            return try Data(contentsOf: out)
        }
        let machO = try member("markupsafe-3.0.3-cp311-cp311-macosx_11_0_arm64.whl", "darwin.so")
        let pe = try member("markupsafe-3.0.3-cp311-cp311-win_amd64.whl", ".pyd")
        #expect(machO.prefix(4) == Data([0xcf, 0xfa, 0xed, 0xfe]) && pe.prefix(2) == Data("MZ".utf8))

        let app = root.appendingPathComponent("app")
        func put(_ path: String, _ data: Data) throws {
            let url = app.appendingPathComponent(path)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            #expect(manager.createFile(atPath: url.path, contents: data))
        }
        // The good musl addon, judged as before.
        let musl = TestPaths.fixtures.appendingPathComponent("projects/node-prebuilds/node_modules/dualbuild/prebuilds/linux-x64/node.napi.musl.node")
        try put("node_modules/good/build/Release/good.node", try Data(contentsOf: musl))
        try put("node_modules/good/package.json", Data(#"{"name": "good", "version": "1.0.0"}"#.utf8))
        // Installed on a Mac, and on Windows: not judged.
        try put("node_modules/bcrypt/lib/binding/napi-v3/bcrypt_lib.node", machO)
        try put("node_modules/bcrypt/package.json", Data(#"{"name": "bcrypt", "version": "5.1.1"}"#.utf8))
        try put("node_modules/winpty/build/Release/pty.node", pe)
        try put("venv/lib/python3.11/site-packages/markupsafe/_speedups.cpython-311-darwin.so", machO)
        // Passed over: a prebuild for another system beside a Linux one, a macOS-only package, a
        // .pyd, a file not named as a library.
        try put("node_modules/bufferutil/prebuilds/darwin-arm64/bufferutil.node", machO)
        try put("node_modules/bufferutil/prebuilds/linux-x64/bufferutil.musl.node", try Data(contentsOf: musl))
        // Not passed over: a macOS prebuild with no Linux build for node-gyp-build to pick.
        try put("node_modules/utf-8-validate/prebuilds/darwin-arm64/utf-8-validate.node", machO)
        try put("node_modules/fsevents/fsevents.node", machO)
        try put("node_modules/fsevents/package.json", Data(#"{"name": "fsevents", "version": "2.3.3", "os": ["darwin"]}"#.utf8))
        try put("node_modules/chokidar/package.json", Data(#"{"name": "chokidar", "version": "3.6.0", "optionalDependencies": {"fsevents": "~2.3.2"}}"#.utf8))
        try put("venv/lib/python3.11/site-packages/markupsafe/_speedups.cp311-win_amd64.pyd", pe)
        try put("node_modules/tool/bin/helper", machO)
        // Not passed over although its package is for macOS only: sharp's darwin platform
        // package where none of sharp's Linux ones is installed (node_modules from a Mac).
        try put("node_modules/sharp/package.json", Data(#"{"name": "sharp", "version": "0.33.5", "optionalDependencies": {"@img/sharp-darwin-arm64": "0.33.5", "@img/sharp-linux-x64": "0.33.5", "@img/sharp-linuxmusl-x64": "0.33.5"}}"#.utf8))
        try put("node_modules/@img/sharp-darwin-arm64/lib/sharp-darwin-arm64.node", machO)
        try put("node_modules/@img/sharp-darwin-arm64/package.json", Data(#"{"name": "@img/sharp-darwin-arm64", "version": "0.33.5", "os": ["darwin"], "cpu": ["arm64"]}"#.utf8))
        // Passed over: the same beside an installed Linux platform package of the family.
        try put("node_modules/@swc/core/package.json", Data(#"{"name": "@swc/core", "version": "1.7.0", "optionalDependencies": {"@swc/core-darwin-arm64": "1.7.0", "@swc/core-linux-x64-musl": "1.7.0"}}"#.utf8))
        try put("node_modules/@swc/core-darwin-arm64/swc.darwin-arm64.node", machO)
        try put("node_modules/@swc/core-darwin-arm64/package.json", Data(#"{"name": "@swc/core-darwin-arm64", "version": "1.7.0", "os": ["darwin"]}"#.utf8))
        try put("node_modules/@swc/core-linux-x64-musl/swc.linux-x64-musl.node", try Data(contentsOf: musl))
        try put("node_modules/@swc/core-linux-x64-musl/package.json", Data(#"{"name": "@swc/core-linux-x64-musl", "version": "1.7.0", "os": ["linux"], "libc": ["musl"]}"#.utf8))

        let check = try basefit(["check", "--base", "node:22-alpine", "--format", "json", "--quiet", app.path])
        #expect(check.status == 2, "\(check.stdout)\(check.stderr)")
        let object = try json(check.stdout)
        let unjudged = ((object["unjudged"] as? [[String: Any]]) ?? []).compactMap { entry -> String? in
            guard let path = entry["path"] as? String, let reason = entry["reason"] as? String else { return nil }
            return String(path.dropFirst(app.path.count + 1)) + " | " + reason.prefix(while: { $0 != ":" })
        }.sorted()
        #expect(unjudged == [
            "node_modules/@img/sharp-darwin-arm64/lib/sharp-darwin-arm64.node | a macOS build (Mach-O) of @img/sharp-darwin-arm64, one of sharp's platform packages, and none of its Linux ones (@img/sharp-linux-x64, @img/sharp-linuxmusl-x64) is installed",
            "node_modules/bcrypt/lib/binding/napi-v3/bcrypt_lib.node | a macOS build (Mach-O), not ELF",
            "node_modules/utf-8-validate/prebuilds/darwin-arm64/utf-8-validate.node | a macOS build (Mach-O), not ELF",
            "node_modules/winpty/build/Release/pty.node | a Windows build (PE), not ELF",
            "venv/lib/python3.11/site-packages/markupsafe/_speedups.cpython-311-darwin.so | a macOS build (Mach-O), not ELF",
        ], "\(unjudged)")
        #expect(object["judged"] as? String == "3 ELF files")
        let text = try basefit(["check", "--base", "node:22-alpine", app.path])
        #expect(text.stderr.contains("bcrypt_lib.node: a macOS build (Mach-O), not ELF: no Linux image loads it, and the Linux build is not here to judge"),
                "\(text.stderr)")
    }

    /// `check --image` judging an image's own files: a library cut short inside a layer is
    /// named by its path in the image, and the image is not called compatible with itself.
    @Test func aDamagedLibraryInsideAnImageMakesItsSelfCheckInconclusive() throws {
        guard let umoci = Run.which("umoci") else {
            print("skipping: umoci is not installed")
            return
        }
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let manager = FileManager.default
        let layer = root.appendingPathComponent("layer")
        try manager.createDirectory(at: layer.appendingPathComponent("app/lib"), withIntermediateDirectories: true)
        try manager.copyItem(atPath: TestPaths.elf("hello-static"), toPath: layer.appendingPathComponent("app/hello").path)
        let library = try #require(manager.contents(atPath: TestPaths.elf("libcxxdemo.so")))
        #expect(manager.createFile(atPath: layer.appendingPathComponent("app/lib/libcut.so").path, contents: library.prefix(1000)))
        #expect(try Run.program("/bin/tar", ["-C", layer.path, "-cf", root.appendingPathComponent("layer.tar").path, "app"]).status == 0)
        let layout = root.appendingPathComponent("oci").path
        for arguments in [["init", "--layout", layout], ["new", "--image", layout + ":empty"],
                          ["raw", "add-layer", "--image", layout + ":empty", "--tag", "app", root.appendingPathComponent("layer.tar").path]] {
            let made = try Run.program(umoci, arguments)
            try #require(made.status == 0, "umoci \(arguments): \(made.stderr)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["BASEFIT_CACHE_DIR"] = root.appendingPathComponent("cache").path
        let check = try Run.program(TestPaths.executable.path, ["check", "--image", "oci:\(layout):app", "--quiet"], environment: environment)
        #expect(check.status == 2, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("loads 1 ELF file"), "\(check.stdout)")
        #expect(check.stdout.contains("not judged: /app/lib/libcut.so: malformed ELF"), "\(check.stdout)")
        let allowed = try Run.program(TestPaths.executable.path, ["check", "--image", "oci:\(layout):app", "--quiet", "--allow-unjudged"],
                                      environment: environment)
        #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
    }
}
