import Foundation
import Testing
import TestSupport

/// Runs the built `basefit` executable and checks stdout, stderr and the exit code.
@Suite struct ScanCommandTests {
    func basefit(_ arguments: [String], in directory: URL = TestPaths.packageRoot) throws -> ProcessResult {
        try Run.program(TestPaths.executable.path, arguments, currentDirectory: directory)
    }

    @Test func textOutputMatchesGolden() throws {
        let result = try basefit(["scan", "Fixtures/elf"])
        #expect(result.status == 0)
        try Golden.check(result.stdout, against: "scan-elf.txt")
        #expect(result.stderr == "basefit: warning: Fixtures/elf/truncated.elf: malformed ELF: program headers: the table (offset 64, 13 entries of 56 bytes) lies past the end of the 200-byte file\n")
    }

    @Test func jsonOutputMatchesGolden() throws {
        let result = try basefit(["scan", "--format", "json", "Fixtures/elf"])
        #expect(result.status == 0)
        try Golden.check(result.stdout, against: "scan-elf.json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["schemaVersion"] as? Int == 1)
        let artifacts = try #require(object["artifacts"] as? [[String: Any]])
        #expect(artifacts.count == TestPaths.elfFixtures.count)
        for key in ["path", "machine", "libc", "linkage", "needed", "versionNeeds", "minimum"] {
            #expect(artifacts.allSatisfy { $0[key] != nil }, "every artifact has \(key)")
        }
        let requirements = try #require(object["requirements"] as? [String: Any])
        for key in ["architectures", "libc", "minimum", "sonames"] {
            #expect(requirements[key] != nil, "requirements has \(key)")
        }
        let glibc239 = try #require(artifacts.first { ($0["path"] as? String)?.hasSuffix("needs-glibc-2.39.so") == true })
        #expect((glibc239["minimum"] as? [String: String])?["GLIBC"] == "2.39")
    }

    @Test func quietSilencesWarnings() throws {
        let result = try basefit(["scan", "--quiet", "Fixtures/elf"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
    }

    @Test func verboseSaysWhatWasScanned() throws {
        let result = try basefit(["scan", "--verbose", "Fixtures/elf/origin"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("basefit: scanned 3 files (3 ELF, 0 wheels) in "))
        let both = try basefit(["scan", "--verbose", "--quiet", "Fixtures/elf/origin"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("--quiet and --verbose"))
    }

    @Test func progressOnlyOnATerminal() throws {
        let piped = try basefit(["scan", "Fixtures/elf/origin"])
        #expect(!piped.stderr.contains("files/s"))
        guard let script = Run.which("script") else { return }
        // util-linux script gives the command a pseudo-terminal, as a person's shell would.
        let command = "\(TestPaths.executable.path) scan Fixtures/elf/origin > /dev/null"
        let terminal = try Run.program(script, ["-qec", command, "/dev/null"], currentDirectory: TestPaths.packageRoot)
        #expect(terminal.status == 0)
        #expect(terminal.stdout.contains("3/3 files, 3 ELF"))
    }

    @Test func missingPathIsAUsageError() throws {
        let result = try basefit(["scan", "Fixtures/no-such-dir"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "basefit: error: Fixtures/no-such-dir: no such file or directory\n")
    }

    @Test func badFormatAndNoPathsAreUsageErrors() throws {
        let format = try basefit(["scan", "--format", "yaml", "Fixtures/elf"])
        #expect(format.status == 2)
        #expect(format.stderr.contains("yaml"))
        let none = try basefit(["scan"])
        #expect(none.status == 2)
        #expect(!none.stderr.isEmpty)
    }

    @Test func helpExitsZero() throws {
        let result = try basefit(["scan", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--format"))
    }

    @Test func nonELFFileIsSkippedSilently() throws {
        let result = try basefit(["scan", "Fixtures/elf/not-elf.txt"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout == "No ELF files among 1 file examined.\n")
    }

    /// A directory holding a FIFO, a symlink loop, a link out of the root, an
    /// unreadable file and a truncated ELF, scanned as an unprivileged user so
    /// that permissions bite even when the tests run as root.
    @Test func hostileDirectory() throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("basefit-hostile-\(UUID().uuidString)")
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: root) }
        try fm.copyItem(atPath: TestPaths.elf("hello-glibc"), toPath: root.appendingPathComponent("good").path)
        try fm.copyItem(atPath: TestPaths.elf("truncated.elf"), toPath: root.appendingPathComponent("truncated").path)
        try fm.copyItem(atPath: TestPaths.elf("hello-musl"), toPath: root.appendingPathComponent("secret").path)
        try fm.setAttributes([.posixPermissions: 0o000], ofItemAtPath: root.appendingPathComponent("secret").path)
        #expect(mkfifo(root.appendingPathComponent("fifo").path, 0o644) == 0)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("loop-a").path, withDestinationPath: "loop-b")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("loop-b").path, withDestinationPath: "loop-a")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("outside").path,
                                  withDestinationPath: TestPaths.elf("hello-static"))
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("up").path, withDestinationPath: ".")
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)

        var arguments = ["scan", "--format", "json", root.path]
        var program = TestPaths.executable.path
        if getuid() == 0, let setpriv = Run.which("setpriv") {
            arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", program] + arguments
            program = setpriv
        }
        let result = try Run.program(program, arguments)
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let paths = (object["artifacts"] as? [[String: Any]])?.compactMap { $0["path"] as? String }
        #expect(paths == [root.appendingPathComponent("good").path])
        let lines = result.stderr.split(separator: "\n").map(String.init).sorted()
        #expect(lines == [
            "basefit: warning: \(root.path)/loop-a: symbolic link loop; not followed",
            "basefit: warning: \(root.path)/loop-b: symbolic link loop; not followed",
            "basefit: warning: \(root.path)/secret: cannot read: Permission denied",
            "basefit: warning: \(root.path)/truncated: malformed ELF: program headers: the table (offset 64, 13 entries of 56 bytes) lies past the end of the 200-byte file",
        ])
    }

    @Test func nothingReadableExitsTwo() throws {
        guard getuid() == 0, let setpriv = Run.which("setpriv") else { return }
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("basefit-unreadable-\(UUID().uuidString)")
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: root) }
        let file = root.appendingPathComponent("only")
        try fm.copyItem(atPath: TestPaths.elf("hello-glibc"), toPath: file.path)
        try fm.setAttributes([.posixPermissions: 0o000], ofItemAtPath: file.path)
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
        let result = try Run.program(setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups",
                                               TestPaths.executable.path, "scan", file.path])
        #expect(result.status == 2)
        #expect(result.stderr == "basefit: warning: \(file.path): cannot read: Permission denied\n")
    }
}
