import Foundation
import Testing
import TestSupport

/// `basefit scan` on a tree built to hurt it: every malformed-ELF case, names that
/// are not UTF-8, a device node, a FIFO, a symlink loop, a directory without
/// permission, a 2 GiB sparse file, zip bombs and path-traversal wheels. The scan
/// must finish quickly in bounded memory, exit 0, say one clear thing per problem
/// naming the file, write nothing, and still report every good file.
@Suite(.serialized) struct HostileInputTests {
    static let wheelTag = "1.0-py3-none-manylinux_2_17_x86_64.whl"

    func makeRoot() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    /// Creates a file or directory whose name is raw bytes (not necessarily UTF-8).
    func createRaw(in directory: String, name: [UInt8], contents: [UInt8]?) throws {
        let dir = open(directory, O_RDONLY | O_DIRECTORY)
        try #require(dir >= 0)
        defer { close(dir) }
        let status: Int32 = (name + [0]).withUnsafeBytes { raw in
            let cName = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            guard let contents else { return mkdirat(dir, cName, 0o755) }
            let fd = openat(dir, cName, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            guard fd >= 0 else { return -1 }
            defer { close(fd) }
            return contents.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == contents.count ? 0 : -1
        }
        try #require(status == 0, "cannot create \(name) in \(directory)")
    }

    /// Runs basefit as an unprivileged user when the tests run as root (so that
    /// permissions apply), under GNU time for the peak RSS.
    func scanUnprivileged(_ path: String) throws -> (result: ProcessResult, peakKB: Int?, seconds: Double) {
        var program = TestPaths.executable.path
        var arguments = ["scan", "--format", "json", path]
        if let time = Run.which("time") ?? (FileManager.default.isExecutableFile(atPath: "/usr/bin/time") ? "/usr/bin/time" : nil) {
            arguments = ["-f", "peak-rss-kb %M", program] + arguments
            program = time
        }
        if getuid() == 0, let setpriv = Run.which("setpriv") {
            arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", program] + arguments
            program = setpriv
        }
        let started = Date()
        var result = try Run.program(program, arguments)
        let seconds = Date().timeIntervalSince(started)
        var peak: Int?
        var lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let index = lines.lastIndex(where: { $0.hasPrefix("peak-rss-kb ") }) {
            peak = Int(lines[index].dropFirst("peak-rss-kb ".count))
            lines.remove(at: index)
            result.stderr = lines.joined(separator: "\n")
        }
        return (result, peak, seconds)
    }

    @Test func hostileTreeGivesOneClearWarningPerProblem() throws {
        let fm = FileManager.default
        let root = try makeRoot()
        defer {
            chmod(root.appendingPathComponent("locked").path, 0o755)
            try? fm.removeItem(at: root)
        }
        let good = try #require(fm.contents(atPath: TestPaths.elf("napi-addon.node")))

        // Every malformed-ELF case.
        let elfDirectory = root.appendingPathComponent("elf")
        try fm.createDirectory(at: elfDirectory, withIntermediateDirectories: true)
        let cases = MalformedELF.cases(elfDirectory: TestPaths.elf.path)
        for testCase in cases {
            #expect(fm.createFile(atPath: elfDirectory.appendingPathComponent(testCase.name).path, contents: Data(testCase.bytes)))
        }

        // Names that are not UTF-8: a good library, a directory, a link.
        let odd = root.appendingPathComponent("odd")
        try fm.createDirectory(at: odd, withIntermediateDirectories: true)
        try createRaw(in: odd.path, name: Array("bad".utf8) + [0xff] + Array(".so".utf8), contents: Array(good))
        try createRaw(in: odd.path, name: Array("dir".utf8) + [0xfe], contents: nil)

        // Special files: a FIFO, a device node (root only), a symlink loop.
        let special = root.appendingPathComponent("special")
        try fm.createDirectory(at: special, withIntermediateDirectories: true)
        #expect(mkfifo(special.appendingPathComponent("fifo.so").path, 0o644) == 0)
        let madeDevice = mknod(special.appendingPathComponent("null.so").path, S_IFCHR | 0o666, (1 << 8) | 3) == 0
        try fm.createSymbolicLink(atPath: special.appendingPathComponent("loop-a").path, withDestinationPath: "loop-b")
        try fm.createSymbolicLink(atPath: special.appendingPathComponent("loop-b").path, withDestinationPath: "loop-a")

        // A directory without permission, with a library inside.
        let locked = root.appendingPathComponent("locked")
        try fm.createDirectory(at: locked, withIntermediateDirectories: true)
        #expect(fm.createFile(atPath: locked.appendingPathComponent("hidden.so").path, contents: good))
        #expect(chmod(locked.path, 0o000) == 0)

        // A 2 GiB sparse file that starts like the good library.
        let huge = root.appendingPathComponent("huge.so").path
        #expect(fm.createFile(atPath: huge, contents: good))
        #expect(truncate(huge, 2 << 30) == 0)

        // Hostile wheels (Fixtures/hostile/make_wheels.py).
        let wheels = root.appendingPathComponent("wheels")
        let python = try Run.program(try #require(Run.which("python3")), [
            TestPaths.fixtures.appendingPathComponent("hostile/make_wheels.py").path, wheels.path, TestPaths.elf("napi-addon.node"),
        ])
        try #require(python.status == 0, "\(python.stderr)")
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)

        let (result, peakKB, seconds) = try scanUnprivileged(root.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(seconds < 60, "the hostile tree took \(seconds) s")
        if let peakKB { #expect(peakKB < 400_000, "peak RSS \(peakKB) KB") }
        print("hostile tree: \(String(format: "%.2f", seconds)) s, peak RSS \(peakKB.map(String.init) ?? "?") KB")

        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let paths = Set(((object["artifacts"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String })
        let allWarnings = result.stderr.split(separator: "\n").map(String.init)
        func warnings(for path: String) -> [String] {
            allWarnings.filter { $0.hasPrefix("basefit: warning: \(path): ") }
        }

        // One warning per malformed case, naming the file and the problem; facts for the tolerated ones.
        for testCase in cases {
            let path = elfDirectory.appendingPathComponent(testCase.name).path
            switch testCase.expectation {
            case .malformed(let text) where text == "no ELF magic":
                #expect(warnings(for: path).isEmpty && !paths.contains(path), "\(testCase.name) is simply not ELF")
            case .malformed(let text):
                let found = warnings(for: path)
                #expect(found.count == 1, "\(testCase.name): \(found)")
                #expect(found.first.map { $0.contains("malformed ELF") && (text.isEmpty || $0.contains(text)) } == true, "\(testCase.name): \(found)")
                #expect(!paths.contains(path))
            case .facts:
                #expect(paths.contains(path), "\(testCase.name) should be reported as an artifact")
            }
        }
        // Names that are not UTF-8.
        #expect(paths.contains(odd.path + "/bad\\xff.so"))
        #expect(warnings(for: odd.path + "/dir\\xfe") == [
            "basefit: warning: \(odd.path)/dir\\xfe: directory name is not valid UTF-8; its contents were not scanned (rename it)",
        ])
        // Special files are never opened; the loop is named once per link.
        #expect(warnings(for: special.appendingPathComponent("fifo.so").path).isEmpty)
        if madeDevice { #expect(warnings(for: special.appendingPathComponent("null.so").path).isEmpty) }
        #expect(warnings(for: special.appendingPathComponent("loop-a").path).count == 1)
        // The locked directory is named (when permissions apply to the scanning user).
        if getuid() != 0 || Run.which("setpriv") != nil {
            #expect(warnings(for: locked.path) == ["basefit: warning: \(locked.path): cannot read directory: Permission denied"])
        }
        // The sparse file is a library like any other.
        #expect(paths.contains(huge))
        // Wheels: every problem named, the good member still scanned, nothing written.
        func wheel(_ name: String) -> String { wheels.path + "/" + name }
        #expect(warnings(for: wheel("bomb-lies-\(Self.wheelTag)")).contains {
            $0.contains("member bomb/bomb.so inflates past the 4096 bytes it declares")
        })
        #expect(warnings(for: wheel("bomb-declared-\(Self.wheelTag)")).contains {
            $0.contains("member big/big.so declares 629145600 bytes, over the 536870912-byte limit")
        })
        let traversal = warnings(for: wheel("traversal-\(Self.wheelTag)"))
        #expect(traversal.count == 2 && traversal.allSatisfy { $0.contains("absolute or ../ path (never written anywhere; not scanned)") })
        #expect(paths.contains(wheel("traversal-\(Self.wheelTag)") + "!/traversal/good.so"))
        #expect(!fm.fileExists(atPath: "/tmp/evil.so") && !fm.fileExists(atPath: root.deletingLastPathComponent().appendingPathComponent("evil.so").path))
        #expect(warnings(for: wheel("many-1.0-py3-none-any.whl")) == [
            "basefit: warning: \(wheel("many-1.0-py3-none-any.whl")): more than 200000 members; the rest were not read",
        ])
        #expect(warnings(for: wheel("notzip-1.0-py3-none-any.whl")).first?.contains("not a readable zip archive") == true)
        // Nothing else was said.
        let named = allWarnings.filter { line in
            line.contains(elfDirectory.path) || line.contains(odd.path) || line.contains(special.path)
                || line.contains(locked.path) || line.contains(wheels.path)
        }
        #expect(named.count == allWarnings.count, "unexpected: \(Set(allWarnings).subtracting(named))")

        // What may be native code and was not read is carried in the requirements as not judged
        // (a gate cannot pass on them); what was only noted (a loop, a member never written) is not.
        let requirements = try #require(object["requirements"] as? [String: Any])
        let unjudged = Set(((requirements["unjudged"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String })
        #expect(requirements["schemaVersion"] as? Int == 2)
        for testCase in cases {
            guard case .malformed(let text) = testCase.expectation, text != "no ELF magic" else { continue }
            #expect(unjudged.contains(elfDirectory.appendingPathComponent(testCase.name).path), "\(testCase.name)")
        }
        #expect(unjudged.contains(odd.path + "/dir\\xfe"))
        for name in ["bomb-lies-\(Self.wheelTag)", "bomb-declared-\(Self.wheelTag)", "many-1.0-py3-none-any.whl", "notzip-1.0-py3-none-any.whl"] {
            #expect(unjudged.contains(wheel(name)), "\(name)")
        }
        #expect(!unjudged.contains(wheel("traversal-\(Self.wheelTag)")), "members no installer writes are only noted")
        #expect(!unjudged.contains(special.appendingPathComponent("loop-a").path))
        if getuid() != 0 || Run.which("setpriv") != nil { #expect(unjudged.contains(locked.path)) }
    }

    /// Files deleted or cut short while the scan runs: each is named or scanned,
    /// nothing crashes (libelf reads with pread, so a shrinking file cannot SIGBUS).
    @Test func filesVanishingOrShrinkingMidScan() throws {
        let fm = FileManager.default
        let root = try makeRoot()
        defer { try? fm.removeItem(at: root) }
        let good = try #require(fm.contents(atPath: TestPaths.elf("napi-addon.node")))
        let count = 1500
        for index in 0..<count {
            #expect(fm.createFile(atPath: root.appendingPathComponent("f\(index).so").path, contents: good))
        }
        // Output goes to files: the test is busy deleting and cannot drain pipes.
        let outPath = root.path + ".out", errPath = root.path + ".err"
        #expect(fm.createFile(atPath: outPath, contents: nil) && fm.createFile(atPath: errPath, contents: nil))
        defer { try? fm.removeItem(atPath: outPath); try? fm.removeItem(atPath: errPath) }
        let process = Process()
        process.executableURL = TestPaths.executable
        process.arguments = ["scan", "--format", "json", root.path]
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        // Delete the odd files and cut the even ones to 100 bytes while it runs.
        for index in stride(from: count - 1, through: 0, by: -1) {
            let path = root.appendingPathComponent("f\(index).so").path
            if index % 2 == 1 { unlink(path) } else { truncate(path, 100) }
        }
        process.waitUntilExit()
        let stdout = try #require(fm.contents(atPath: outPath))
        let stderr = String(decoding: try #require(fm.contents(atPath: errPath)), as: UTF8.self)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
        #expect(object["artifacts"] is [[String: Any]])
        for line in stderr.split(separator: "\n") {
            #expect(line.hasPrefix("basefit: warning: \(root.path)/f"), "\(line)")
            #expect(line.contains(": cannot read: No such file or directory") || line.contains(": malformed ELF: "), "\(line)")
        }
    }

    /// A Dockerfile that never ends (/dev/zero) or is not text: read up to the 4 MiB
    /// limit at most, then a usage error naming the file.
    @Test func endlessOrBinaryDockerfileIsRefused() throws {
        let project = TestPaths.fixtures.appendingPathComponent("projects/node-napi-rs").path
        let started = Date()
        let endless = try Run.program(TestPaths.executable.path, ["check", project, "--dockerfile", "/dev/zero"])
        #expect(endless.status == 2)
        #expect(endless.stderr.contains("/dev/zero: larger than 4194304 bytes"), "\(endless.stderr)")
        #expect(Date().timeIntervalSince(started) < 10)

        let root = try makeRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let binary = root.appendingPathComponent("Dockerfile").path
        #expect(FileManager.default.createFile(atPath: binary, contents: Data([0x46, 0x52, 0x4f, 0x4d, 0x20, 0xff, 0xfe])))
        let notText = try Run.program(TestPaths.executable.path, ["check", project, "--dockerfile", binary])
        #expect(notText.status == 2)
        #expect(notText.stderr.contains("\(binary): not UTF-8 text"), "\(notText.stderr)")
    }
}
