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

    /// A user catalog holding one image, `empty:1`, imported from an empty root
    /// filesystem: (that root, the database path). Both live in `directory`.
    func catalogWithOneImage(in directory: URL) throws -> (rootfs: URL, database: String) {
        let empty = directory.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let database = directory.appendingPathComponent("mine.sqlite").path
        let first = try Run.program(TestPaths.executable.path, ["catalog", "import", "--rootfs", empty.path, "--name", "empty:1", "--catalog", database])
        try #require(first.status == 0, "\(first.stderr)")
        return (empty, database)
    }

    /// Runs basefit under a file-size limit (RLIMIT_FSIZE, with SIGXFSZ ignored so a
    /// write past it fails with EFBIG): the "disk full" of a real disk, without a mount.
    func basefitWithFileSizeLimit(kilobytes: Int, _ arguments: [String], environment: [String: String]? = nil) throws -> ProcessResult {
        let command = "trap '' XFSZ; ulimit -f \(kilobytes); exec \"$0\" \"$@\""
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment ?? [:] { env[key] = value }
        return try Run.program("/bin/bash", ["-c", command, TestPaths.executable.path] + arguments, environment: env)
    }

    /// A disk that fills during an import: a clear error, exit 2, the previous catalog intact.
    @Test func diskFullDuringImportLeavesTheCatalogIntact() throws {
        guard DebianRoots.available("bookworm") else { return }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (_, database) = try catalogWithOneImage(in: directory)
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        let size = before.count / 1024
        let full = try basefitWithFileSizeLimit(kilobytes: size, [
            "catalog", "import", "--rootfs", DebianRoots.path("bookworm"), "--name", "mine:bookworm", "--catalog", database,
        ])
        #expect(full.status == 2)
        #expect(full.stderr.contains("mine.sqlite: could not write the catalog"), "\(full.stderr)")
        #expect(full.stderr.contains("nothing was changed"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
        #expect(!FileManager.default.fileExists(atPath: database + "-journal") && !FileManager.default.fileExists(atPath: database + "-wal"))
        let listed = try Run.program(TestPaths.executable.path, ["catalog", "list", "--catalog", database])
        #expect(listed.status == 0 && listed.stdout.contains("empty:1") && !listed.stdout.contains("mine:bookworm"))
    }

    /// The built-in catalog cannot be materialised in a full cache: a clear error naming
    /// the cache and what to do, and no file left behind (not even the temporary one).
    @Test func diskFullWhileMaterialisingTheBuiltInCatalog() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try basefitWithFileSizeLimit(kilobytes: 64, ["catalog", "list"], environment: ["BASEFIT_CACHE_DIR": directory.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains(directory.path) && result.stderr.contains("cannot write the built-in catalog to the cache"), "\(result.stderr)")
        #expect(result.stderr.contains("BASEFIT_CACHE_DIR"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        // With room, the same cache works.
        let again = try Run.program(TestPaths.executable.path, ["catalog", "list"], environment: ProcessInfo.processInfo.environment.merging(["BASEFIT_CACHE_DIR": directory.path]) { $1 })
        #expect(again.status == 0)
    }

    /// Another process holds an exclusive lock (as a long import would): reads and
    /// writes fail after the busy timeout with a clear error; nothing is changed.
    @Test func lockedCatalogIsAClearErrorAndStaysIntact() throws {
        guard let python = Run.which("python3") else { return }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (empty, database) = try catalogWithOneImage(in: directory)
        let before = try Data(contentsOf: URL(fileURLWithPath: database))

        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: python)
        holder.arguments = ["-c", """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            time.sleep(30)
            """, database]
        let ready = Pipe()
        holder.standardOutput = ready
        try holder.run()
        defer { holder.terminate(); holder.waitUntilExit() }
        let line = String(decoding: ready.fileHandleForReading.availableData, as: UTF8.self)
        try #require(line.hasPrefix("locked"))

        for arguments in [["catalog", "import", "--rootfs", empty.path, "--name", "empty:2", "--catalog", database],
                          ["catalog", "list", "--catalog", database]] {
            let started = Date()
            let result = try Run.program(TestPaths.executable.path, arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("mine.sqlite: the catalog is locked by another process"), "\(result.stderr)")
            #expect(Date().timeIntervalSince(started) < 15)
        }
        holder.terminate()
        holder.waitUntilExit()
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
        let listed = try Run.program(TestPaths.executable.path, ["catalog", "list", "--catalog", database])
        #expect(listed.status == 0 && listed.stdout.contains("empty:1") && !listed.stdout.contains("empty:2"))
    }

    /// A catalog written by a newer basefit (an unknown migration): refused, untouched.
    @Test func newerSchemaCatalogIsRefusedAndUntouched() throws {
        guard let python = Run.which("python3") else { return }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (empty, database) = try catalogWithOneImage(in: directory)
        let marked = try Run.program(python, ["-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO grdb_migrations VALUES ('v9-future')\"); c.commit()", database])
        try #require(marked.status == 0, "\(marked.stderr)")
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        for arguments in [["catalog", "list", "--catalog", database],
                          ["catalog", "import", "--rootfs", empty.path, "--name", "empty:2", "--catalog", database]] {
            let result = try Run.program(TestPaths.executable.path, arguments)
            #expect(result.status == 2)
            #expect(result.stderr.contains("written by a newer basefit") && result.stderr.contains("v9-future"), "\(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
    }
}
