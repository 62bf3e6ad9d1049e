import Foundation
import Testing
import TestSupport

@Suite struct CatalogCommandTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The binary alone, copied to an empty directory, with an empty home: the embedded catalog.
    @Test func listWorksFromABinaryCopiedToAnEmptyDirectory() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let binary = directory.appendingPathComponent("basefit")
        try FileManager.default.copyItem(at: TestPaths.executable, to: binary)
        let environment = ["HOME": directory.path, "PATH": "/usr/bin:/bin"]
        let result = try Run.program(binary.path, ["catalog", "list", "--format", "json"], currentDirectory: directory,
                                     environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let images = try #require(object["images"] as? [[String: Any]])
        #expect(images.count >= 50)
        // Materialised once in the cache, reused the second time.
        let cache = directory.appendingPathComponent(".cache/basefit")
        let files = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".sqlite") }
        #expect(files.count == 1)
        let again = try Run.program(binary.path, ["catalog", "list", "--libc", "musl"], currentDirectory: directory,
                                    environment: environment)
        #expect(again.status == 0)
        #expect(again.stdout.contains("alpine:3.22"))
        #expect(!again.stdout.contains("debian:bookworm"))
    }

    @Test func showNamesTheImageOrSaysItIsUnknown() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["HOME": directory.path, "PATH": "/usr/bin:/bin"]
        let shown = try Run.program(TestPaths.executable.path, ["catalog", "show", "gcr.io/distroless/cc-debian12"], environment: environment)
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("libstdc++.so.6"))
        #expect(shown.stdout.contains("GLIBCXX ≤ 3.4.30"))
        let unknown = try Run.program(TestPaths.executable.path, ["catalog", "show", "node:99"], environment: environment)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.hasPrefix("basefit: error: node:99: not in the catalog"))
    }

    @Test func importNeedsACatalogAndARealDirectory() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let noCatalog = try Run.program(TestPaths.executable.path, ["catalog", "import", "--rootfs", directory.path, "--name", "x:1"])
        #expect(noCatalog.status == 2)
        #expect(noCatalog.stderr.contains("--catalog"))
        let database = directory.appendingPathComponent("mine.sqlite").path
        let missing = try Run.program(TestPaths.executable.path, ["catalog", "import", "--rootfs", directory.path + "/nope",
                                                                 "--name", "x:1", "--catalog", database])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nope: not a directory"))
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test func corruptUserCatalogIsAClearError() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("bad.sqlite")
        try Data("this is not sqlite".utf8).write(to: database)
        let result = try Run.program(TestPaths.executable.path, ["catalog", "list", "--catalog", database.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad.sqlite"))
        #expect(result.stderr.contains("not a SQLite database"))
    }

    /// A catalog the user may not write: a clear error, the file untouched.
    @Test func readOnlyCatalogIsAClearErrorAndStaysIntact() throws {
        guard getuid() == 0, let setpriv = Run.which("setpriv") else { return }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let rootfs = directory.appendingPathComponent("rootfs")
        try FileManager.default.createDirectory(at: rootfs, withIntermediateDirectories: true)
        let database = directory.appendingPathComponent("mine.sqlite").path
        let first = try Run.program(TestPaths.executable.path, ["catalog", "import", "--rootfs", rootfs.path, "--name", "empty:1", "--catalog", database])
        #expect(first.status == 0, "\(first.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: database)
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        let second = try Run.program(setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", TestPaths.executable.path,
                                               "catalog", "import", "--rootfs", rootfs.path, "--name", "empty:2", "--catalog", database])
        #expect(second.status == 2)
        #expect(second.stderr.contains("mine.sqlite"))
        #expect(second.stderr.contains("read-only") || second.stderr.contains("cannot open"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
        let listed = try Run.program(TestPaths.executable.path, ["catalog", "list", "--catalog", database])
        #expect(listed.stdout.contains("empty:1") && !listed.stdout.contains("empty:2"))
    }
}
