import Foundation
import Testing
import TestSupport

/// Python extension modules as the interpreter and pip see them: the CPython floor of an
/// abi3 wheel's tag, modules no loader opens, names the image's CPython does not import,
/// wheels pip does not install on the image's libc, and `<dist>.data/platlib/` members where pip
/// puts them. Inputs are built by gcc here (no Python headers needed: the modules only name
/// the CPython symbols they call); where the Debian roots with python3 exist, that python3
/// imports the same files as the oracle.
@Suite struct PythonModuleTests {
    func basefit(_ arguments: [String]) throws -> ProcessResult {
        try Run.program(TestPaths.executable.path, arguments, currentDirectory: TestPaths.packageRoot)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-pymod-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func write(_ text: String, _ path: URL) throws {
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: path, atomically: true, encoding: .utf8)
    }

    /// gcc `arguments` (the output's directory made first); the test stops when it fails.
    func compile(_ gcc: String, _ arguments: [String], output: URL) throws {
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        let result = try Run.program(gcc, arguments + ["-o", output.path])
        try #require(result.status == 0, "\(result.stderr)")
    }

    /// A wheel holding every file under `directory` (paths relative to it), as pip's zip.
    func makeWheel(from directory: URL, to path: URL) throws {
        let python = try #require(Run.which("python3"), "python3 writes the wheel's zip")
        let script = "import os, sys, zipfile\nz = zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED)\n"
            + "for d, _, fs in os.walk(sys.argv[1]):\n    for f in fs:\n        p = os.path.join(d, f); z.write(p, os.path.relpath(p, sys.argv[1]))\nz.close()\n"
        let made = try Run.program(python, ["-c", script, directory.path, path.path])
        try #require(made.status == 0, "\(made.stderr)")
    }

    /// `dist-info` with WHEEL (`tag`), METADATA and RECORD listing `files`.
    func distInfo(_ name: String, tag: String, files: [String], in directory: URL) throws {
        let info = directory.appendingPathComponent("\(name)-1.0.dist-info")
        try write("Wheel-Version: 1.0\nGenerator: basefit-test\nRoot-Is-Purelib: false\nTag: \(tag)\n", info.appendingPathComponent("WHEEL"))
        try write("Metadata-Version: 2.1\nName: \(name)\nVersion: 1.0\n", info.appendingPathComponent("METADATA"))
        let record = (files + ["WHEEL", "METADATA", "RECORD"].map { "\(name)-1.0.dist-info/\($0)" }).map { "\($0),,\n" }.joined()
        try write(record, info.appendingPathComponent("RECORD"))
    }

    /// The root's python3 importing module `name` from `files` copied into it, or nil without the root.
    func oracleImport(_ name: String, files: [URL], root rootName: String) throws -> ProcessResult? {
        let root = DebianRoots.cache + "/" + rootName
        guard getuid() == 0, FileManager.default.fileExists(atPath: root + "/.basefit-complete"),
              FileManager.default.isExecutableFile(atPath: "/usr/sbin/chroot") else {
            print("PythonModuleTests: oracle skipped (no \(rootName) root, or not root)")
            return nil
        }
        let work = "/tmp/basefit-pymod-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root + work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root + work) }
        for file in files { try FileManager.default.copyItem(atPath: file.path, toPath: root + work + "/" + file.lastPathComponent) }
        return try Run.program("/usr/sbin/chroot", [root, "/usr/bin/python3", "-c", "import sys; sys.path.insert(0, '\(work)'); import \(name)"],
                               environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C"])
    }

    /// Finding 3: `cp313-abi3` means CPython 3.13 or newer. The module calls PyDict_GetItemRef
    /// (new in 3.13) and is bound at load (-z now): CPython 3.11 refuses it ("undefined symbol"),
    /// and pip refuses the wheel there. Judged so from the .whl, from an installed dist-info's
    /// WHEEL, and through a requirements file; recommend never picks an older Python.
    @Test func anAbi3WheelNeedsTheCPythonOfItsTag() throws {
        guard let gcc = Run.which("gcc") else { print("skipping: no gcc"); return }
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let source = root.appendingPathComponent("abimod.c")
        try write("extern int PyDict_GetItemRef(void *d, void *k, void **r);\nvoid *PyInit_abimod(void) { void *r; PyDict_GetItemRef(0, 0, &r); return 0; }\n", source)
        let contents = root.appendingPathComponent("w")
        let module = contents.appendingPathComponent("abimod.abi3.so")
        try compile(gcc, ["-shared", "-fPIC", "-Wl,-z,now", source.path], output: module)
        try distInfo("abimod", tag: "cp313-abi3-manylinux_2_17_x86_64", files: ["abimod.abi3.so"], in: contents)
        let wheel = root.appendingPathComponent("abimod-1.0-cp313-abi3-manylinux_2_17_x86_64.whl")
        try makeWheel(from: contents, to: wheel)

        let old = try basefit(["check", wheel.path, "--base", "python:3.11-slim-bookworm", "--quiet"])
        #expect(old.status == 1 && old.stdout.contains("[runtime-mismatch]") && old.stdout.contains("cp313-abi3")
                && old.stdout.contains("needs CPython 3.13 or newer"), "\(old.stdout)\(old.stderr)")
        let new = try basefit(["check", wheel.path, "--base", "python:3.13-slim-bookworm", "--quiet"])
        #expect(new.status == 0, "\(new.stdout)\(new.stderr)")

        // Installed: the dist-info's WHEEL keeps the tag.
        let venv = root.appendingPathComponent("venv")
        let sitePackages = venv.appendingPathComponent("lib/python3.11/site-packages")
        try FileManager.default.createDirectory(at: sitePackages, withIntermediateDirectories: true)
        for item in try FileManager.default.contentsOfDirectory(atPath: contents.path) {
            try FileManager.default.copyItem(at: contents.appendingPathComponent(item), to: sitePackages.appendingPathComponent(item))
        }
        let installed = try basefit(["check", sitePackages.path, "--base", "python:3.11-slim-bookworm", "--quiet"])
        #expect(installed.status == 1 && installed.stdout.contains("needs CPython 3.13 or newer"), "\(installed.stdout)\(installed.stderr)")

        // The scan's facts, and the gate from the requirements file.
        let scan = try basefit(["scan", wheel.path, "--format", "json"])
        let object = try json(scan.stdout)
        let artifact = try #require((object["artifacts"] as? [[String: Any]])?.first)
        #expect((artifact["python"] as? [String: Any])?["minimumPythonVersion"] as? String == "3.13", "\(artifact)")
        let python = (((object["requirements"] as? [String: Any])?["runtime"] as? [String: Any])?["python"] as? [String: Any]) ?? [:]
        #expect((python["abi3MinimumVersions"] as? [String: [String]])?["3.13"] == ["\(wheel.path)!/abimod.abi3.so"], "\(python)")
        let requirements = root.appendingPathComponent("requirements.json")
        try scan.stdout.write(to: requirements, atomically: true, encoding: .utf8)
        let gate = try basefit(["check", "--requirements", requirements.path, "--base", "python:3.11-slim-bookworm", "--quiet"])
        #expect(gate.status == 1 && gate.stdout.contains("needs CPython 3.13 or newer"), "\(gate.stdout)\(gate.stderr)")

        // recommend holds every candidate to the floor.
        let recommend = try json(try basefit(["recommend", wheel.path, "--format", "json", "--quiet", "--offline"]).stdout)
        for candidate in (recommend["candidates"] as? [[String: Any]]) ?? [] {
            guard let image = candidate["image"] as? String, image.range(of: #"^python:3\.(8|9|10|11|12)[-.]"#, options: .regularExpression) != nil else { continue }
            #expect(candidate["compatible"] as? Bool == false, "\(image) accepted a cp313-abi3 module")
        }
        let recommended = try #require(recommend["recommended"] as? String, "\(recommend)")
        #expect(recommended.range(of: #"python:3\.(8|9|10|11|12)[-.]"#, options: .regularExpression) == nil, "\(recommended)")

        // The oracle: CPython 3.11 refuses the module, 3.13 gets past the loader.
        if let refused = try oracleImport("abimod", files: [module], root: "bookworm-python") {
            #expect(refused.stderr.contains("undefined symbol: PyDict_GetItemRef"), "\(refused.stderr)")
        }
        if let loaded = try oracleImport("abimod", files: [module], root: "trixie-python") {
            #expect(!loaded.stderr.contains("undefined symbol"), "\(loaded.stderr)")
        }
    }

    /// Finding 4: files named as extension modules that no loader opens are not judged (exit
    /// 2), as the same files named as Node addons are: a PIE executable, an empty file, text, an
    /// ar archive, a library linked with -z nodlopen (DF_1_NOOPEN), in site-packages and in a
    /// wheel; a -z nodlopen Node addon too. A good module passes.
    @Test func extensionModulesNoLoaderOpensAreNotJudged() throws {
        guard let gcc = Run.which("gcc"), let ar = Run.which("ar") else { print("skipping: no gcc/ar"); return }
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let source = root.appendingPathComponent("fast.c")
        try write("void *PyInit_fast(void) { return 0; }\nint main(void) { return 0; }\n", source)
        let name = "fast.cpython-311-x86_64-linux-gnu.so"
        let cases: [(String, String)] = [
            ("pie", "a position-independent executable"), ("empty", "an empty file"), ("text", "not ELF"),
            ("archive", "a static archive"), ("nodlopen", "a shared library linked with -z nodlopen (DF_1_NOOPEN)"), ("good", ""),
        ]
        var built: [String: URL] = [:]
        for (kind, reason) in cases {
            let project = root.appendingPathComponent(kind)
            try write("home = /usr/local/bin\nversion = 3.11.7\n", project.appendingPathComponent("pyvenv.cfg"))
            let file = project.appendingPathComponent("lib/python3.11/site-packages/\(name)")
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            switch kind {
            case "pie": try compile(gcc, ["-fPIE", "-pie", source.path], output: file)
            case "empty": #expect(FileManager.default.createFile(atPath: file.path, contents: Data()))
            case "text": try write("<html>404 Not Found</html>\n", file)
            case "archive":
                let object = root.appendingPathComponent("fast.o")
                try compile(gcc, ["-c", "-fPIC", source.path], output: object)
                #expect(try Run.program(ar, ["rcs", file.path, object.path]).status == 0)
            case "nodlopen": try compile(gcc, ["-shared", "-fPIC", "-Wl,-z,nodlopen", source.path], output: file)
            default: try compile(gcc, ["-shared", "-fPIC", source.path], output: file)
            }
            built[kind] = file
            let check = try basefit(["check", project.path, "--base", "python:3.11-slim-bookworm", "--format", "json", "--quiet"])
            let unjudged = (try json(check.stdout)["unjudged"] as? [[String: Any]]) ?? []
            if reason.isEmpty {
                #expect(check.status == 0 && unjudged.isEmpty, "\(kind): \(check.stdout)")
            } else {
                #expect(check.status == 2, "\(kind): \(check.stdout)")
                #expect(unjudged.count == 1 && (unjudged.first?["path"] as? String)?.hasSuffix(name) == true
                        && (unjudged.first?["reason"] as? String)?.hasPrefix(reason) == true
                        && (unjudged.first?["reason"] as? String)?.contains("named as a Python extension module") == true, "\(kind): \(unjudged)")
            }
        }
        // A plain x.so imported from a package directory in a wheel: text there is not judged either
        // (beside a good module); a bundled library in pkg.libs/ is no module.
        let contents = root.appendingPathComponent("wheel")
        try write("<html>404</html>\n", contents.appendingPathComponent("pkg/_speedups.so"))
        try FileManager.default.copyItem(at: built["good"]!, to: contents.appendingPathComponent("pkg/\(name)"))
        try write("not a library\n", contents.appendingPathComponent("pkg.libs/libz-1a2b3c.so.1"))
        try distInfo("pkg", tag: "cp311-cp311-manylinux_2_17_x86_64", files: ["pkg/_speedups.so", "pkg/\(name)"], in: contents)
        let wheel = root.appendingPathComponent("pkg-1.0-cp311-cp311-manylinux_2_17_x86_64.whl")
        try makeWheel(from: contents, to: wheel)
        let inWheel = try basefit(["check", wheel.path, "--base", "python:3.11-slim-bookworm", "--format", "json", "--quiet"])
        let reasons = ((try json(inWheel.stdout)["unjudged"] as? [[String: Any]]) ?? []).compactMap { $0["reason"] as? String }
        #expect(inWheel.status == 2 && reasons.count == 1 && reasons[0].hasPrefix("member pkg/_speedups.so: not ELF, named as a Python extension module"),
                "\(inWheel.stdout)")

        // A Node addon linked with -z nodlopen.
        let addon = root.appendingPathComponent("node/node_modules/nd/build/Release/nd.node")
        try write(#"{"name": "nd", "version": "1.0.0"}"#, root.appendingPathComponent("node/node_modules/nd/package.json"))
        let napi = root.appendingPathComponent("nd.c")
        try write("void *napi_register_module_v1(void *e, void *x) { return x; }\n", napi)
        try compile(gcc, ["-shared", "-fPIC", "-Wl,-z,nodlopen", napi.path], output: addon)
        let node = try basefit(["check", root.appendingPathComponent("node").path, "--base", "node:22-bookworm-slim", "--format", "json", "--quiet"])
        let nodeReasons = ((try json(node.stdout)["unjudged"] as? [[String: Any]]) ?? []).compactMap { $0["reason"] as? String }
        #expect(node.status == 2 && nodeReasons.count == 1
                && nodeReasons[0].hasPrefix("a shared library linked with -z nodlopen (DF_1_NOOPEN), named as a Node addon"), "\(node.stdout)")

        // The oracle refuses each, and imports the good one.
        for (kind, words) in [("pie", "position-independent executable"), ("empty", "file too short"), ("text", "file too short"),
                              ("archive", "invalid ELF header"), ("nodlopen", "cannot be dlopen()ed"), ("good", "")] {
            let copy = root.appendingPathComponent("oracle-\(kind)/\(name)")
            try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: built[kind]!, to: copy)
            guard let imported = try oracleImport("fast", files: [copy], root: "bookworm-python") else { break }
            if words.isEmpty {
                #expect(!imported.stderr.contains("ImportError"), "\(kind): \(imported.stderr)")
            } else {
                #expect(imported.stderr.contains(words), "\(kind): \(imported.stderr)")
            }
        }
    }

    /// Finding 7: a module named for musl CPython is never imported by a glibc CPython (nor the
    /// reverse on Alpine's CPython 3.11+), and a .whl's platform tag is held to each image's libc:
    /// pip installs no manylinux wheel on musl and no musllinux wheel on glibc, whatever the
    /// files need (this module needs no library at all).
    @Test func platformNamesAndWheelTagsAreHeldToTheImage() throws {
        guard let gcc = Run.which("gcc") else { print("skipping: no gcc"); return }
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let source = root.appendingPathComponent("m2.c")
        try write("void *PyInit_m2(void) { return 0; }\n", source)
        let musl = root.appendingPathComponent("a/site-packages/m2.cpython-311-x86_64-linux-musl.so")
        try compile(gcc, ["-shared", "-fPIC", source.path], output: musl)
        let named = try basefit(["check", root.appendingPathComponent("a").path, "--base", "python:3.11-slim-bookworm", "--quiet"])
        #expect(named.status == 1 && named.stdout.contains("[runtime-mismatch]") && named.stdout.contains("imports only extension modules named …-linux-gnu.so"),
                "\(named.stdout)\(named.stderr)")
        if let imported = try oracleImport("m2", files: [musl], root: "bookworm-python") {
            #expect(imported.stderr.contains("No module named 'm2'"), "\(imported.stderr)")
        }
        let gnu = root.appendingPathComponent("b/site-packages/m2.cpython-311-x86_64-linux-gnu.so")
        try compile(gcc, ["-shared", "-fPIC", "-nostdlib", source.path], output: gnu)
        let onAlpine = try basefit(["check", root.appendingPathComponent("b").path, "--base", "python:3.11-alpine3.23", "--quiet"])
        #expect(onAlpine.status == 1 && onAlpine.stdout.contains("imports only extension modules named …-linux-musl.so"), "\(onAlpine.stdout)")

        // A manylinux wheel whose module needs no libc: not on Alpine; a musllinux one: not on Debian.
        for (platform, bad, good, kind) in [("manylinux_2_17_x86_64", "python:3.13-alpine3.23", "python:3.13-slim-bookworm", "libc-mismatch"),
                                            ("musllinux_1_2_x86_64", "python:3.13-slim-bookworm", "python:3.13-alpine3.23", "libc-mismatch"),
                                            ("manylinux_2_39_x86_64", "python:3.13-slim-bookworm", "python:3.13-slim-trixie", "glibc-too-old")] {
            let contents = root.appendingPathComponent("w-\(platform)")
            try compile(gcc, ["-shared", "-fPIC", "-nostdlib", source.path], output: contents.appendingPathComponent("m2.abi3.so"))
            try distInfo("m2", tag: "cp313-abi3-\(platform)", files: ["m2.abi3.so"], in: contents)
            let wheel = root.appendingPathComponent("m2-1.0-cp313-abi3-\(platform).whl")
            try makeWheel(from: contents, to: wheel)
            let refused = try basefit(["check", wheel.path, "--base", bad, "--quiet"])
            #expect(refused.status == 1 && refused.stdout.contains("[\(kind)]") && refused.stdout.contains("pip does not install it"),
                    "\(platform) on \(bad): \(refused.stdout)\(refused.stderr)")
            let accepted = try basefit(["check", wheel.path, "--base", good, "--quiet"])
            #expect(accepted.status == 0, "\(platform) on \(good): \(accepted.stdout)\(accepted.stderr)")
        }
        let recommend = try json(try basefit(["recommend", root.appendingPathComponent("m2-1.0-cp313-abi3-manylinux_2_17_x86_64.whl").path,
                                              "--format", "json", "--quiet", "--offline"]).stdout)
        #expect((recommend["recommended"] as? String)?.contains("alpine") == false, "\(recommend["recommended"] ?? "nil")")
    }

    /// Finding 8: pip installs `<dist>.data/platlib/pkg/_ext.so` as `pkg/_ext.so`, so its
    /// `$ORIGIN/../pkg.libs` is the wheel's top-level `pkg.libs/`: the library is bundled, not
    /// the image's (it was a false missing-library).
    @Test func platlibMembersFindTheirLibrariesWherePipInstallsThem() throws {
        guard let gcc = Run.which("gcc") else { print("skipping: no gcc"); return }
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let contents = root.appendingPathComponent("w")
        try write("int foo(void) { return 0; }\n", root.appendingPathComponent("foo.c"))
        try write("int foo(void); int g(void) { return foo(); }\n", root.appendingPathComponent("g.c"))
        let libs = contents.appendingPathComponent("pkg.libs")
        try compile(gcc, ["-shared", "-fPIC", "-Wl,-soname,libfoo-abcd1234.so", root.appendingPathComponent("foo.c").path],
                output: libs.appendingPathComponent("libfoo-abcd1234.so"))
        let member = "pkg-1.0.data/platlib/pkg/_ext.cpython-311-x86_64-linux-gnu.so"
        try compile(gcc, ["-shared", "-fPIC", root.appendingPathComponent("g.c").path, "-L" + libs.path, "-l:libfoo-abcd1234.so", "-Wl,-rpath,$ORIGIN/../pkg.libs"],
                output: contents.appendingPathComponent(member))
        try distInfo("pkg", tag: "cp311-cp311-manylinux_2_17_x86_64", files: [member, "pkg.libs/libfoo-abcd1234.so"], in: contents)
        let wheel = root.appendingPathComponent("pkg-1.0-cp311-cp311-manylinux_2_17_x86_64.whl")
        try makeWheel(from: contents, to: wheel)
        let check = try basefit(["check", wheel.path, "--base", "python:3.11-slim-bookworm", "--quiet"])
        #expect(check.status == 0 && !check.stdout.contains("missing-library"), "\(check.stdout)\(check.stderr)")
        let scan = try json(try basefit(["scan", wheel.path, "--format", "json"]).stdout)
        let sonames = ((scan["requirements"] as? [String: Any])?["sonames"] as? [String]) ?? []
        #expect(!sonames.contains("libfoo-abcd1234.so"), "\(sonames)")
    }
}
