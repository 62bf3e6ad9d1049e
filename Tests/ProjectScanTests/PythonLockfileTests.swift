import Foundation
import Testing
import TestSupport
@testable import ELFInspection
@testable import ProjectScan

/// Python lockfiles read by basefit against Python's own readers (tomllib, pip's
/// requirements parser, packaging's markers) on real lockfiles made by uv 0.13.9
/// (Fixtures/lockfiles/python-ingest; see Fixtures/README.md).
@Suite struct PythonLockfileTests {
    static func fixture(_ name: String) -> String {
        TestPaths.fixtures.appendingPathComponent("lockfiles/python-ingest/\(name)").path
    }

    static let oracle = TestPaths.fixtures.appendingPathComponent("lockfiles/oracle/read_lockfile.py").path

    struct OraclePin: Decodable, Hashable {
        var name: String
        var version: String
        var marker: String?
        var files: [String]?
    }

    /// What Python's readers make of the lockfile, or nil (with a message) when python3 ≥ 3.11 with pip is missing.
    func oraclePins(_ path: String) throws -> [OraclePin]? {
        guard let python = Run.which("python3") else { return nil }
        let result = try Run.program(python, [Self.oracle, path])
        guard result.status == 0 else {
            print("skipping the Python oracle for \(path): \(result.stderr.suffix(300))")
            return nil
        }
        return try JSONDecoder().decode([OraclePin].self, from: Data(result.stdout.utf8))
    }

    func compare(_ path: String, format: PythonLockfile.Format) throws {
        let lockfile = try PythonLockfile.read(path: path)
        #expect(lockfile.format == format)
        #expect(!lockfile.pins.isEmpty)
        guard let expected = try oraclePins(path) else { return }
        #expect(Set(lockfile.pins.map { "\($0.name)==\($0.version)" }) == Set(expected.map { "\($0.name)==\($0.version)" }))
        for pin in lockfile.pins {
            guard let other = expected.first(where: { $0.name == pin.name && $0.version == pin.version }) else { continue }
            #expect(pin.files?.map(\.filename).sorted() == other.files?.sorted(), "files of \(pin.name)")
            // uv.lock keeps markers on dependency edges (basefit derives them; tested below).
            guard format != .uv else { continue }
            let markers = Set(expected.filter { $0.name == pin.name && $0.version == pin.version }.map { $0.marker == nil })
            #expect(markers.contains(pin.marker == nil), "marker of \(pin.name)")
        }
    }

    @Test func uvLockMatchesTomllib() throws { try compare(Self.fixture("uv.lock"), format: .uv) }
    @Test func pylockMatchesTomllib() throws { try compare(Self.fixture("pylock.toml"), format: .pylock) }
    @Test func poetryLockMatchesTomllib() throws { try compare(Self.fixture("poetry.lock"), format: .poetry) }
    @Test func requirementsMatchPip() throws { try compare(Self.fixture("requirements-dev.txt"), format: .requirements) }

    /// A lockfile saved with Windows line endings reads exactly as with Unix ones. Before,
    /// requirements files split at "\n" Characters, and "\r\n" is one Character: a CRLF
    /// requirements.txt was one line and its pins were silently lost.
    @Test(arguments: [("requirements-dev.txt", PythonLockfile.Format.requirements), ("uv.lock", .uv), ("poetry.lock", .poetry), ("pylock.toml", .pylock)])
    func windowsLineEndingsReadTheSame(name: String, format: PythonLockfile.Format) throws {
        let copies = try WindowsLineEndings(copying: [Self.fixture(name), Self.fixture("requirements.txt")])
        defer { copies.remove() }
        let unix = try PythonLockfile.read(path: copies.unix.appendingPathComponent(name).path)
        let windows = try PythonLockfile.read(path: copies.windows.appendingPathComponent(name).path)
        #expect(unix.format == format && windows.format == format)
        #expect(unix.pins.count >= 4, "\(unix.pins.map(\.name))")
        #expect(try copies.comparable(windows) == copies.comparable(unix))
    }

    /// pip's line rules, as pip 23's own parser reads them (a review found each one read
    /// otherwise): a comment line ending in `\\` does not swallow the next pin; continued
    /// pieces join with no space added; a byte order mark; the last `-i` is the index; and
    /// `--find-links`/`--no-index` leave the pins unjudged (pip installs from elsewhere).
    @Test func requirementsLineRulesAsPipReadsThem() throws {
        let directory = try TemporaryDirectory.make("req")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("requirements.txt")
        try "\u{FEFF}# pinned by hand\n-i https://first/simple\ntyping_extensions==4.12.2\n# windows helper, see C:\\tools\\\npywin32==308\nnum\\\npy==2.1\\\n.3\n--index-url=https://last/simple\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let lockfile = try PythonLockfile.read(path: file.path)
        #expect(lockfile.pins.map { "\($0.name)==\($0.version)" } == ["typing-extensions==4.12.2", "pywin32==308", "numpy==2.1.3"])
        #expect(lockfile.pins.last?.origin == "requirements.txt:6")
        #expect(lockfile.indexURL == "https://last/simple")
        #expect(lockfile.warnings.isEmpty, "\(lockfile.warnings)")
        try "numpy==2.1.3\nnumpy==2.2.0\nnumpy==2.1.3 ; python_version >= '3.13'\nnumpy==2.2.0 ; python_version < '3.13'\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try PythonLockfile.read(path: file.path).warnings
                == ["requirements.txt:1 pins numpy==2.1.3, requirements.txt:2 pins numpy==2.2.0: pip refuses conflicting pins (ResolutionImpossible); not judged"])
        // pip splits lines as Python's str.splitlines does: a pin after a bare \r is a line of its own.
        try "six==1.16.0  # pinned\ronnxruntime==1.17.0\u{0C}orjson==3.10.11\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try PythonLockfile.read(path: file.path).pins.map(\.name) == ["six", "onnxruntime", "orjson"])
        // A marker's patch number past any real one neither traps nor drops the pin.
        let huge = LockfilePlatform(libc: .glibc, architecture: .amd64, python: "3.12")
        #expect(PythonMarker.evaluate("python_full_version < \"3.12.9223372036854775807\"", platform: huge))
        try "--no-index\n--find-links wheelhouse\nnumpy==2.1.3\n".write(to: file, atomically: true, encoding: .utf8)
        let local = try PythonLockfile.read(path: file.path)
        #expect(local.warnings.count == 2 && local.warnings.allSatisfy { $0.contains("whose files basefit does not read") }, "\(local.warnings)")
        #expect(LockedDependencies(python: [local]).unjudged().filter { $0.reason.contains("whose files basefit does not read") }.count == 2)
    }

    /// Which of a release's files pip may take: with `--hash` values only those files (pip's
    /// hash-checking mode), with `--no-binary` only the sdist, with `--only-binary` only wheels,
    /// by pip's rules for the two lists (`:all:`, `:none:`, a name moving from one to the other).
    /// A review found all three ignored: a hash list naming the manylinux wheel and the sdist
    /// passed Alpine on the musllinux wheel pip refuses.
    @Test func hashesAndBinaryOptionsDecideWhichFilesPipMayTake() throws {
        let directory = try TemporaryDirectory.make("formats")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("requirements.txt")
        try """
            numpy==2.1.3 --hash=sha256:AAAA --hash=sha256:cccc
            psycopg2==2.9.10
            cffi==1.17.1
            orjson==3.10.11
            --no-binary :all:
            --only-binary psycopg2,Orjson
            --no-binary orjson
            """.write(to: file, atomically: true, encoding: .utf8)
        let lockfile = try PythonLockfile.read(path: file.path)
        let policies = Dictionary(uniqueKeysWithValues: lockfile.pins.map { ($0.name, $0.binary) })
        #expect(policies == ["numpy": .noBinary, "psycopg2": .onlyBinary, "cffi": .noBinary, "orjson": .noBinary])
        let wheel = PythonLockfile.File(filename: "numpy-2.1.3-cp312-cp312-musllinux_1_2_x86_64.whl", sha256: "bbbb")
        let listed = PythonLockfile.File(filename: "numpy-2.1.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", sha256: "aaaa")
        let sdist = PythonLockfile.File(filename: "numpy-2.1.3.tar.gz", sha256: "cccc")
        let unknown = PythonLockfile.File(filename: "numpy-2.1.3-cp313-cp313-musllinux_1_2_x86_64.whl")
        var pin = try #require(lockfile.pins.first { $0.name == "numpy" })
        #expect(pin.hashes == ["aaaa", "cccc"])
        pin.files = [wheel, listed, sdist, unknown]
        let locked = LockedDependencies(python: [lockfile])
        #expect(locked.files(of: pin)?.map(\.filename) == ["numpy-2.1.3.tar.gz"])
        // A file whose hash the index does not give is left out: pip takes it only if its bytes
        // hash to a listed value, which is not known before they are read (it had been kept,
        // and its bytes were judged unchecked).
        pin.binary = nil
        #expect(locked.files(of: pin)?.map(\.filename) == [listed.filename, sdist.filename])
        pin.binary = .onlyBinary
        #expect(locked.files(of: pin)?.map(\.filename) == [listed.filename])
        var control = FormatControl()
        control.apply(":all:", only: true)
        control.apply("a,:none:", only: false)
        #expect(control.policy(for: "a") == .onlyBinary && control.policy(for: "b") == .onlyBinary)
        control.apply("b", only: false)
        #expect(control.policy(for: "b") == .noBinary)
    }

    /// A pylock.toml package with an `archive` (or VCS, directory) source installs from it even
    /// when it also names a version: not judged from the index (it was, and a harmless release
    /// there passed for the archive the installer takes).
    @Test func pylockArchiveSourcesAreNotJudgedFromTheIndex() throws {
        let text = """
            lock-version = "1.0"
            created-by = "hand"
            [[packages]]
            name = "bfdemo-cxx"
            version = "1.0"
            archive = { url = "https://example.org/bfdemo_cxx-1.0-cp39-abi3-manylinux_2_28_x86_64.whl", hashes = { sha256 = "00" } }
            [[packages]]
            name = "numpy"
            version = "2.1.3"
            """
        let lockfile = try PythonLockfile.parsePylock(text, path: "pylock.toml")
        #expect(lockfile.pins.map(\.name) == ["numpy"])
        #expect(lockfile.warnings == ["pylock.toml: bfdemo-cxx installs from its archive source, not from an index; not judged (scan the built wheel)"])
    }

    /// uv.lock forks a project by marker (numpy 2.1.3 below Python 3.13, 2.5.5 from 3.13):
    /// its dependency edges name the version, and each version keeps the markers of its own
    /// edges (both were judged on every image, each refusing where the other installs).
    @Test func uvLockForksKeepTheirOwnMarkers() throws {
        let text = """
            version = 1
            [[package]]
            name = "app"
            version = "1.0"
            source = { virtual = "." }
            dependencies = [
                { name = "numpy", version = "2.1.3", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version < '3.13'" },
                { name = "numpy", version = "2.5.5", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version >= '3.13'" },
            ]
            [[package]]
            name = "numpy"
            version = "2.1.3"
            source = { registry = "https://pypi.org/simple" }
            [[package]]
            name = "numpy"
            version = "2.5.5"
            source = { registry = "https://pypi.org/simple" }
            """
        let lockfile = try PythonLockfile.parseUV(text, path: "uv.lock")
        #expect(lockfile.pins.map { "\($0.version) \($0.marker ?? "-")" } == ["2.1.3 python_full_version < '3.13'", "2.5.5 python_full_version >= '3.13'"])
        let py312 = LockfilePlatform(libc: .glibc, architecture: .amd64, python: "3.12")
        #expect(lockfile.pins.filter { PythonMarker.evaluate($0.marker ?? "", platform: py312) }.map(\.version) == ["2.1.3"])
    }

    @Test func requirementsOptionsHashesAndWarnings() throws {
        let lockfile = try PythonLockfile.read(path: Self.fixture("requirements-dev.txt"))
        #expect(lockfile.indexURL == "https://pypi.org/simple")
        #expect(lockfile.extraIndexURLs == ["https://download.example.org/simple"])
        #expect(lockfile.warnings.contains { $0.contains("pytest>=8") && $0.contains("not pinned") })
        let numpy = try #require(lockfile.pins.first { $0.name == "numpy" })
        #expect(numpy.version == "2.1.3")
        #expect(numpy.hashes.count > 20 && numpy.hashes.allSatisfy { $0.count == 64 })
        #expect(numpy.origin.hasPrefix("requirements.txt:"))  // found through -r
        let markup = try #require(lockfile.pins.first { $0.name == "markupsafe" && $0.origin.hasPrefix("requirements-dev.txt") })
        #expect(markup.hashes == ["ee55d3edf80167e48ea11a923c7386f4669df67d7994554387f84e7d8b0a2bf0"])
        #expect(markup.marker == "python_version >= \"3.9\"")
    }

    @Test func uvLockKnowsEveryFile() throws {
        let lockfile = try PythonLockfile.read(path: Self.fixture("uv.lock"))
        // Markers from the dependency edges: pywin32 only on Windows, cffi not on PyPy.
        #expect(lockfile.pins.first { $0.name == "pywin32" }?.marker == "sys_platform == 'win32'")
        #expect(lockfile.pins.first { $0.name == "cffi" }?.marker == "platform_python_implementation != 'PyPy'")
        #expect(lockfile.pins.first { $0.name == "numpy" }?.marker == nil)
        #expect(lockfile.indexURL == "https://pypi.org/simple")
        let psycopg2 = try #require(lockfile.pins.first { $0.name == "psycopg2" })
        // psycopg2 publishes no Linux wheel.
        #expect(psycopg2.files?.contains { $0.isSdist } == true)
        #expect(psycopg2.files?.contains { $0.filename.contains("linux") } == false)
        let numpy = try #require(lockfile.pins.first { $0.name == "numpy" })
        let wheel = try #require(numpy.files?.first { $0.filename == "numpy-2.1.3-cp312-cp312-musllinux_1_1_x86_64.whl" })
        #expect(wheel.sha256?.count == 64 && (wheel.size ?? 0) > 1_000_000 && wheel.url?.hasPrefix("https://files.pythonhosted.org/") == true)
        // The project itself (source = editable) is not a pin.
        #expect(!lockfile.pins.contains { $0.name == "ingest" })
    }

    /// Every marker in the fixtures and more, evaluated by basefit and by packaging for several
    /// platforms. What a platform does not say (the patch release, `extra`, the kernel's
    /// `platform_release`/`platform_version`) is tried at several values: basefit drops a pin
    /// only when packaging says false for all of them, keeps it when packaging says true for
    /// all, and agrees exactly where nothing unknown is involved.
    @Test func markersAgreeWithPackaging() throws {
        guard let python = Run.which("python3") else { print("skipping: no python3"); return }
        var markers = Set<String>()
        for name in ["pylock.toml", "requirements-dev.txt"] {
            for pin in try PythonLockfile.read(path: Self.fixture(name)).pins { if let marker = pin.marker { markers.insert(marker) } }
        }
        markers.formUnion([
            "python_version < \"3.12\" and platform_machine == \"x86_64\"", "(sys_platform == 'linux' or os_name == 'nt') and python_version >= '3.13'",
            "platform_machine in 'x86_64 aarch64'", "platform_machine not in 'x86_64 aarch64'", "python_full_version >= '3.12.0'",
            "python_version ~= '3.11'", "extra == 'dev'",
            // Found wrong by a review (each once dropped a pin pip installs):
            "python_full_version >= \"3.12.1\"", "python_full_version != \"3.12.0\"", "python_full_version == \"3.12.*\"",
            "python_version == \"3.12.*\"", "python_version != \"3.12.*\"", "platform_version != \"\"", "platform_release >= '5'",
            "extra == 'extra-3-app-cpu'", "extra == 'cpu' and sys_platform == 'win32'", "extra == 'cpu' or python_version < '3'",
            "python_full_version < '3.11.4' and python_version == '3.11'", "implementation_version >= '3.13.0'",
        ])
        let platforms = [
            LockfilePlatform(libc: .glibc, architecture: .amd64, python: "3.11"),
            LockfilePlatform(libc: .musl, architecture: .arm64, python: "3.13"),
            LockfilePlatform(libc: .glibc, architecture: .arm(.v7), python: "3.12"),
        ]
        let list = Array(markers).sorted()
        for platform in platforms {
            var environments: [[String: String]] = []
            for patch in [0, 1, 4, 14, 99] {
                for extra in ["", "dev", "cpu", "extra-3-app-cpu"] {
                    var environment: [String: String] = ["extra": extra, "platform_release": patch == 0 ? "" : "6.1.0", "platform_version": patch == 0 ? "" : "#1 SMP"]
                    for (key, value) in PythonMarker.environment(platform) {
                        switch value {
                        case .known(let text): environment[key] = text
                        case .line(let text): environment[key] = "\(text).\(patch)"
                        case .unknown: break
                        }
                    }
                    environments.append(environment)
                }
            }
            let script = """
            import json, sys
            from packaging.markers import Marker
            envs = json.loads(sys.argv[1]); ms = json.loads(sys.argv[2])
            print(json.dumps([[Marker(m).evaluate(e) for e in envs] for m in ms]))
            """
            let envJSON = String(decoding: try JSONSerialization.data(withJSONObject: environments), as: UTF8.self)
            let listJSON = String(decoding: try JSONSerialization.data(withJSONObject: list), as: UTF8.self)
            let result = try Run.program(python, ["-c", script, envJSON, listJSON])
            guard result.status == 0 else { print("skipping: packaging unavailable: \(result.stderr.suffix(200))"); return }
            let expected = try JSONDecoder().decode([[Bool]].self, from: Data(result.stdout.utf8))
            for (marker, values) in zip(list, expected) {
                let kept = PythonMarker.evaluate(marker, platform: platform)
                if !kept { #expect(!values.contains(true), "\(marker) on \(platform): dropped, but pip installs it for some patch/extra/kernel") }
                if !values.contains(false) { #expect(kept, "\(marker) on \(platform): pip always installs it") }
                let involvesUnknown = ["extra", "platform_release", "platform_version", "python_full_version", "implementation_version"].contains { marker.contains($0) }
                if !involvesUnknown { #expect(kept == values[0], "\(marker) on \(platform)") }
            }
            // The markers the review found: pip installs these pins on CPython 3.12.x for some
            // patch release, extra or kernel, and they were dropped.
            if platform.python == "3.12" {
                for marker in ["python_full_version >= \"3.12.1\"", "python_full_version != \"3.12.0\"", "python_full_version == \"3.12.*\"",
                               "python_version == \"3.12.*\"", "platform_version != \"\"", "extra == 'extra-3-app-cpu'"] {
                    #expect(PythonMarker.evaluate(marker, platform: platform), "\(marker)")
                }
                #expect(!PythonMarker.evaluate("python_version != \"3.12.*\"", platform: platform))
                #expect(!PythonMarker.evaluate("extra == 'cpu' and sys_platform == 'win32'", platform: platform))
            }
        }
    }

    @Test func tomlSubsetEdgeCases() throws {
        let text = """
        # comment
        lock-version = "1.0"
        created-by = 'uv'  # trailing
        [tool.x]
        "quoted key" = { a = [1, 2,], b.c = true }
        multi = \"\"\"
        line one
        line \\"two\\"
        \"\"\"
        [[packages]]
        name = "a"
        [[packages.wheels]]
        url = "https://h/a-1-py3-none-any.whl"
        [[packages.wheels]]
        name = "a-1-cp312-cp312-musllinux_1_2_x86_64.whl"
        [[packages]]
        name = "b"
        """
        let document = try LockfileTOML.parse(text)
        #expect(document["lock-version"]?.string == "1.0")
        #expect(document["created-by"]?.string == "uv")
        #expect(document["tool"]?["x"]?["quoted key"]?["a"]?.array == [.integer(1), .integer(2)])
        #expect(document["tool"]?["x"]?["quoted key"]?["b"]?["c"]?.bool == true)
        #expect(document["tool"]?["x"]?["multi"]?.string == "line one\nline \"two\"\n")
        let packages = document["packages"]?.array ?? []
        #expect(packages.count == 2)
        #expect(packages.first?["wheels"]?.array.count == 2)
        #expect(throws: LockfileTOML.ParseError.self) { try LockfileTOML.parse("a = 1\na = 2\n") }
        #expect(throws: LockfileTOML.ParseError.self) { try LockfileTOML.parse("a = \"open\n") }
        // Nesting is bounded (a 5,000-deep array in a pyproject.toml beside pdm.lock crashed the parse).
        #expect(try LockfileTOML.parse("a = " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "\n")["a"] != nil)
        #expect(throws: LockfileTOML.ParseError.self) {
            try LockfileTOML.parse("a = " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "\n")
        }
        #expect(throws: LockfileTOML.ParseError.self) { try LockfileTOML.parse("a = " + String(repeating: "{b = ", count: 5_000) + "1" + String(repeating: "}", count: 5_000) + "\n") }
        #expect(throws: LockfileTOML.ParseError.self) { try LockfileTOML.parse(Array(repeating: "k", count: 5_000).joined(separator: ".") + " = 1\n") }
    }
}
