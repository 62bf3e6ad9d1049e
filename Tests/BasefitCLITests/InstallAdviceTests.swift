import Foundation
import Testing
import TestSupport

/// What a package install costs and fixes, as `recommend --allow-installs` and
/// `check --allow-installs` tell it (issue #17), on real Debian libraries, and what
/// files besides libraries a program needs (issue #15).
@Suite struct InstallAdviceTests {
    func basefit(_ arguments: [String]) throws -> ProcessResult {
        try Run.program(TestPaths.executable.path, arguments, currentDirectory: TestPaths.packageRoot)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// basefit's own C dependencies, as Debian 12 ships them on this machine.
    static let ownLibraries = ["libarchive.so.13", "libelf.so.1", "libsqlite3.so.0"].map { "/usr/lib/x86_64-linux-gnu/" + $0 }
    static var haveOwnLibraries: Bool { ownLibraries.allSatisfy { FileManager.default.fileExists(atPath: $0) } }

    @Test(.enabled(if: haveOwnLibraries, "needs libarchive13, libelf1, libsqlite3-0 (scripts/deps.sh installs them)"))
    func aSlimImagePlusOneInstallLineBeatsABigImage() throws {
        let result = try basefit(["recommend"] + Self.ownLibraries + ["--allow-installs", "--runtime", "none", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try json(result.stdout)
        let best = try #require(object["recommended"] as? String)
        #expect(best.contains("slim"), "a slim image plus one install line, not \(best)")
        let candidates = try #require(object["candidates"] as? [[String: Any]])
        let winner = try #require(candidates.first { $0["image"] as? String == best })
        let commands = try #require(winner["installCommands"] as? [String])
        #expect(commands.count == 1, "\(commands)")
        #expect(commands.first?.hasPrefix("apt-get update && apt-get install -y --no-install-recommends ") == true)
        // The cost is the whole closure (libxml2 pulls ICU on bookworm), not one package.
        let closure = try #require(winner["installClosure"] as? [String])
        let packages = try #require(winner["installPackages"] as? [String])
        #expect(closure.count >= packages.count)
        let bytes = try #require(winner["installBytes"] as? Int)
        #expect(bytes > 1_000_000)
        let bookworm = try #require(candidates.first { $0["image"] as? String == "debian:bookworm-slim" })
        #expect((bookworm["installClosure"] as? [String])?.contains { $0.hasPrefix("libicu") } == true, "\(bookworm["installClosure"] ?? "")")
    }

    @Test(.enabled(if: haveOwnLibraries, "needs libarchive13"))
    func checkAllowInstallsPassesAndPrintsTheLine() throws {
        let strict = try basefit(["check", Self.ownLibraries[0], "--base", "debian:bookworm-slim"])
        #expect(strict.status == 1)
        let lenient = try basefit(["check", Self.ownLibraries[0], "--base", "debian:bookworm-slim", "--allow-installs"])
        #expect(lenient.status == 0, "\(lenient.stdout)")
        #expect(lenient.stdout.contains("compatible after installs"))
        #expect(lenient.stdout.contains("install: RUN apt-get update && apt-get install -y --no-install-recommends libxml2"), "\(lenient.stdout)")
        // Nothing installs a missing libc: that stays a failure.
        let alpine = try basefit(["check", Self.ownLibraries[0], "--base", "alpine:3.22", "--allow-installs"])
        #expect(alpine.status == 1)
    }

    @Test(.enabled(if: DebianRoots.available("bookworm") && haveOwnLibraries, "needs the bookworm root (scripts/rootfs.sh)"))
    func rootfsNamesThePackageFromItsOwnRelease() throws {
        let result = try basefit(["check", Self.ownLibraries[0], "--rootfs", DebianRoots.path("bookworm")])
        #expect(result.status == 1)
        #expect(result.stdout.contains("apt-get install -y --no-install-recommends libxml2"), "\(result.stdout)")
    }

    @Test func goProgramsNeedCACertificatesAndTimeZones() throws {
        let scan = try json(try basefit(["scan", "Fixtures/elf/go-tls", "--format", "json"]).stdout)
        let files = try #require((scan["requirements"] as? [String: Any])?["files"] as? [[String: Any]])
        let uses = Set((files.first?["systemFiles"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String })
        #expect(uses == ["ca-certificates", "tzdata", "passwd"])
        let embedded = try json(try basefit(["scan", "Fixtures/elf/go-tls-tzdata", "--format", "json"]).stdout)
        let embeddedFiles = try #require((embedded["requirements"] as? [String: Any])?["files"] as? [[String: Any]])
        #expect(Set((embeddedFiles.first?["systemFiles"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }) == ["ca-certificates"])
        let plain = try json(try basefit(["scan", "Fixtures/elf/go-nocgo", "--format", "json"]).stdout)
        let plainFiles = try #require((plain["requirements"] as? [String: Any])?["files"] as? [[String: Any]])
        #expect((plainFiles.first?["systemFiles"] as? [Any])?.isEmpty == true)

        // scratch lacks them; distroless/static (about 2 MB) is the smallest pinnable image that has them.
        let scratch = try basefit(["check", "Fixtures/elf/go-tls", "--base", "scratch"])
        #expect(scratch.status == 1)
        #expect(scratch.stdout.contains("reads CA certificates at run time (crypto/x509.loadSystemRoots); scratch has none"))
        #expect(scratch.stdout.contains("use gcr.io/distroless/static-debian12 (about 2.0 MB)"), "\(scratch.stdout)")
        let recommend = try json(try basefit(["recommend", "Fixtures/elf/go-tls", "--format", "json"]).stdout)
        #expect(recommend["recommended"] as? String != "scratch")
        #expect(try basefit(["check", "Fixtures/elf/go-nocgo", "--base", "scratch"]).status == 0)
        // A Dockerfile that copies the CA bundle into scratch is fine for the tzdata-embedding build.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-files-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dockerfile = directory.appendingPathComponent("Dockerfile")
        try "FROM golang:1.23 AS build\nFROM scratch\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\nCOPY app /app\n"
            .write(to: dockerfile, atomically: true, encoding: .utf8)
        #expect(try basefit(["check", "Fixtures/elf/go-tls-tzdata", "--dockerfile", dockerfile.path]).status == 0)
        #expect(try basefit(["check", "Fixtures/elf/go-tls", "--dockerfile", dockerfile.path]).status == 1)
        // Alpine installs tzdata.
        let alpine = try basefit(["check", "Fixtures/elf/go-tls", "--base", "alpine:3.22", "--allow-installs"])
        #expect(alpine.stdout.contains("apk add --no-cache tzdata"), "\(alpine.stdout)")
    }
}
