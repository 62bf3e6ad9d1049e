import Foundation

/// The test-only simple index (Fixtures/pypi/index_server.py) on 127.0.0.1, serving
/// PEP 691 JSON, PEP 658 metadata and ranges from real PyPI files cached under
/// /var/cache/basefit/wheels/index (made by Fixtures/pypi/fetch_index.py).
public final class LocalIndex: @unchecked Sendable {
    public static let root = ProcessInfo.processInfo.environment["BASEFIT_INDEX_ROOT"] ?? "/var/cache/basefit/wheels/index"
    public static let scripts = TestPaths.fixtures.appendingPathComponent("pypi")
    /// The committed index of the two tiny wheels Fixtures/pypi/demo/build.py makes (bfdemo-pq, bfdemo-cxx).
    public static let demoRoot = TestPaths.fixtures.appendingPathComponent("pypi/demo/index").path

    public let port: Int
    private let server: ScriptServer

    public var simpleURL: String { "http://127.0.0.1:\(port)/simple/" }
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public enum Unavailable: Error, CustomStringConvertible {
        case reason(String)
        public var description: String { if case .reason(let text) = self { return text }; return "" }
    }

    /// Makes the index directory when missing (needs PyPI), then starts the server; with `root`
    /// another index directory (served offline, as it is).
    public init(ranges: Bool = true, root: String? = nil) throws {
        if root == nil { try Self.made() }
        do {
            server = try ScriptServer(script: Self.scripts.appendingPathComponent("index_server.py").path,
                                      arguments: ["--root", root ?? Self.root] + (ranges ? [] : ["--no-ranges"]) + (root == nil ? [] : ["--offline"]),
                                      lines: 1)
            port = try server.port()
        } catch let error as ScriptServer.Unavailable {
            throw Unavailable.reason("index server: \(error)")
        }
    }

    /// The started index, or nil after saying why the test is skipped (no python3, no cached
    /// index and PyPI unreachable).
    public static func startedOrSkipped(ranges: Bool = true, root: String? = nil) -> LocalIndex? {
        do { return try LocalIndex(ranges: ranges, root: root) } catch {
            print("skipping: \(error)")
            return nil
        }
    }

    /// Makes the index directory when missing (needs PyPI).
    public static func made() throws {
        guard let python = Run.which("python3") else { throw Unavailable.reason("no python3") }
        // The project fetch_index.py's list gained last: an index made before it is made again.
        if !FileManager.default.fileExists(atPath: Self.root + "/projects/pycparser.json") {
            let result = try Run.program(python, [Self.scripts.appendingPathComponent("fetch_index.py").path, "--root", Self.root])
            guard result.status == 0 else { throw Unavailable.reason("PyPI unreachable and no cached index at \(Self.root): \(result.stderr.suffix(200))") }
        }
    }

    /// The real PyPI wheels the tests read from the index's cache on disk (as well as through
    /// the server): big members of both libcs, both architectures, free-threaded numpy.
    public static let testWheels = [
        "MarkupSafe-3.0.2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "orjson-3.10.11-cp312-cp312-musllinux_1_2_x86_64.whl",
        "numpy-2.1.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "numpy-2.1.3-cp312-cp312-musllinux_1_1_x86_64.whl",
        "numpy-2.1.3-cp313-cp313-musllinux_1_2_aarch64.whl",
        "numpy-2.1.3-cp313-cp313t-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "cryptography-43.0.3-cp39-abi3-manylinux_2_28_x86_64.whl",
        "cryptography-43.0.3-cp39-abi3-musllinux_1_2_x86_64.whl",
        "cryptography-43.0.3-cp39-abi3-manylinux_2_28_aarch64.whl",
        "pydantic_core-2.23.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "pydantic_core-2.23.4-cp312-cp312-musllinux_1_1_x86_64.whl",
        "psycopg2_binary-2.9.10-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "psycopg2_binary-2.9.10-cp312-cp312-musllinux_1_2_x86_64.whl",
    ]

    private static let downloading = NSLock()

    /// The paths of `names` in the index's cache, downloaded now when missing (what ran before
    /// must not decide what a test reads), or nil after saying why the test is skipped (PyPI
    /// unreachable and the files not cached).
    public static func cachedFiles(_ names: [String]) -> [String]? {
        let paths = names.map { root + "/files/" + $0 }
        downloading.lock()
        defer { downloading.unlock() }
        let missing = zip(names, paths).filter { !FileManager.default.fileExists(atPath: $1) }.map(\.0)
        if missing.isEmpty { return paths }
        do {
            try made()
            let result = try Run.program(Run.which("python3") ?? "python3",
                                         [scripts.appendingPathComponent("fetch_index.py").path, "--root", root, "--files"] + missing)
            guard result.status == 0 else { throw Unavailable.reason("cannot download \(missing.joined(separator: " ")): \(result.stderr.suffix(300))") }
        } catch {
            print("skipping: \(error)")
            return nil
        }
        return paths
    }

    /// One file of `cachedFiles`.
    public static func cachedFile(_ name: String) -> String? { cachedFiles([name])?.first }

    deinit { stop() }

    public func stop() { server.stop() }

    /// Bytes served per file name since the server started.
    public func bytesServed() throws -> [String: Int] {
        guard let python = Run.which("python3") else { return [:] }
        let result = try Run.program(python, ["-c", "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())", baseURL + "/_stats"])
        let data = Data(result.stdout.utf8)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: [String: Int]] ?? [:]
        return object.mapValues { $0["bytes"] ?? 0 }
    }

    /// The project's files as the index lists them (read from the cached JSON).
    public static func files(of project: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: root + "/projects/\(project).json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return object["files"] as? [[String: Any]] ?? []
    }

    /// A pip new enough to know PEP 803 (abi3t) and PEP 658: a venv under /var/cache/basefit.
    public static func pip() throws -> String {
        let venv = "/var/cache/basefit/pip-oracle"
        let pip = venv + "/bin/pip"
        if FileManager.default.isExecutableFile(atPath: pip) { return pip }
        guard let python = Run.which("python3") else { throw Unavailable.reason("no python3") }
        let made = try Run.program(python, ["-m", "venv", venv])
        guard made.status == 0 else { throw Unavailable.reason("cannot make \(venv): \(made.stderr.suffix(200))") }
        let upgraded = try Run.program(venv + "/bin/python", ["-m", "pip", "install", "-q", "--upgrade", "pip"])
        guard upgraded.status == 0 else { throw Unavailable.reason("cannot install a current pip (PyPI unreachable?)") }
        return pip
    }
}
