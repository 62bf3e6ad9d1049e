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

    /// Every marker in the fixtures, evaluated by basefit and by packaging for several platforms.
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
        ])
        let platforms = [
            LockfilePlatform(libc: .glibc, architecture: .amd64, python: "3.11"),
            LockfilePlatform(libc: .musl, architecture: .arm64, python: "3.13"),
            LockfilePlatform(libc: .glibc, architecture: .arm(.v7), python: "3.12"),
        ]
        for platform in platforms {
            let environment = PythonMarker.environment(platform)
            let script = """
            import json, sys
            from packaging.markers import Marker
            env = json.loads(sys.argv[1]); ms = json.loads(sys.argv[2])
            print(json.dumps([Marker(m).evaluate(env) for m in ms]))
            """
            let list = Array(markers).sorted()
            let envJSON = String(decoding: try JSONSerialization.data(withJSONObject: environment), as: UTF8.self)
            let listJSON = String(decoding: try JSONSerialization.data(withJSONObject: list), as: UTF8.self)
            let result = try Run.program(python, ["-c", script, envJSON, listJSON])
            guard result.status == 0 else { print("skipping: packaging unavailable: \(result.stderr.suffix(200))"); return }
            let expected = try JSONDecoder().decode([Bool].self, from: Data(result.stdout.utf8))
            for (marker, value) in zip(list, expected) {
                #expect(PythonMarker.evaluate(marker, platform: platform) == value, "\(marker) on \(platform)")
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
    }
}
