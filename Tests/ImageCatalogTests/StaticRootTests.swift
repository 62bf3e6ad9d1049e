import ELFInspection
import Domain
import Foundation
import Testing
import TestSupport
@testable import ImageCatalog
@testable import ImageMeasurement

/// Roots without any libc (scratch, distroless/static exports): libc `none`, the
/// architecture from the root's own ELF files, or nil (never a made-up name) when it
/// holds none, and then `--platform` decides.
@Suite struct StaticRootTests {
    /// A temporary root holding `files` (path inside the root → host file to copy).
    static func makeRoot(_ files: [String: String], text: [String: String] = [:]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-static-\(UUID().uuidString)").path
        for (inside, source) in files {
            let destination = root + inside
            try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: source, toPath: destination)
        }
        for (inside, content) in text {
            let destination = root + inside
            try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: destination, atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    static func measure(_ root: String, _ arguments: [String] = []) throws -> ProcessResult {
        try Run.program(TestPaths.executable.path, ["catalog", "measure", "--rootfs", root, "--name", "local/test:static"] + arguments)
    }

    @Test func distrolessStaticLikeRootIsAmd64WithoutLibc() throws {
        let root = try Self.makeRoot(
            ["/app/server": TestPaths.elf("go-nocgo"), "/usr/local/bin/hello": TestPaths.elf("hello-static"),
             "/usr/local/bin/hello-musl": TestPaths.elf("hello-musl-static")],
            text: ["/etc/passwd": "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let measured = try RootfsMeasurer(root: root).measure()
        #expect(measured.libcFamily == "none")
        #expect(measured.libcVersion == nil)
        #expect(measured.libraries.isEmpty)
        #expect(measured.searchPath.isEmpty)
        #expect(measured.shell == nil)
        #expect(measured.machine == "x86_64")
        #expect(measured.architecture == "amd64")
        #expect(["/app/server", "/usr/local/bin/hello", "/usr/local/bin/hello-musl"].contains(measured.machineEvidence ?? ""))
        #expect(measured.runtimes.isEmpty)
        #expect(measured.users == ["root", "nonroot"])
        let image = RootfsImport.image(measured, reference: "local/static:test", source: "test")
        #expect(image.architectures == [.amd64])
        #expect(image.sizes.map(\.architecture) == [.amd64])
        #expect(image.libcFamily == LibcFamily.none)

        let cli = try Self.measure(root)
        try #require(cli.status == 0, "\(cli.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any])
        #expect(json["architecture"] as? String == "amd64")
        #expect((json["libc"] as? [String: Any])?["family"] as? String == "none")
        // --platform must agree with the files when they tell.
        let wrong = try Self.measure(root, ["--platform", "linux/arm64"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("x86_64") && wrong.stderr.contains("arm64"), "\(wrong.stderr)")
        let agreeing = try Self.measure(root, ["--platform", "linux/amd64"])
        #expect(agreeing.status == 0, "\(agreeing.stderr)")
    }

    /// Real arm64 static programs (Debian's static-pie ldconfig from the arm64 roots)
    /// outnumber one x86_64 file: the root is arm64.
    @Test(.enabled(if: PreparedRoots.arm64Suites.count >= 2, "\(PreparedRoots.missing("bookworm-arm64")) (two arm64 roots)"))
    func arm64StaticRootIsArm64() throws {
        let suites = PreparedRoots.arm64Suites
        var files: [String: String] = ["/usr/bin/hello": TestPaths.elf("hello-static")]
        for suite in suites.prefix(2) {
            let ldconfig = try #require(RootPath(root: PreparedRoots.path(suite + "-arm64")).resolve("/sbin/ldconfig"))
            files["/app/ldconfig-\(suite)"] = ldconfig
        }
        let root = try Self.makeRoot(files)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let measured = try RootfsMeasurer(root: root).measure()
        #expect(measured.libcFamily == "none")
        #expect(measured.machine == "aarch64")
        #expect(measured.architecture == "arm64")
        #expect(measured.machineEvidence?.hasPrefix("/app/ldconfig-") == true)
        #expect(RootfsImport.image(measured, reference: "local/a:test", source: "test").architectures == [.arm64])
    }

    /// No ELF file at all: no architecture is made up; `catalog measure` asks for
    /// --platform and takes it; an import records the root as runnable anywhere.
    @Test func rootWithoutElfFilesNeedsPlatform() throws {
        let root = try Self.makeRoot([:], text: ["/etc/passwd": "root:x:0:0:root:/root:/sbin/nologin\n", "/srv/index.html": "<p>hi</p>\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let measured = try RootfsMeasurer(root: root).measure()
        #expect(measured.libcFamily == "none")
        #expect(measured.machine == nil)
        #expect(measured.architecture == nil)
        #expect(measured.machineEvidence == nil)
        #expect(RootfsImport.image(measured, reference: "local/empty:test", source: "test").forAnyArchitecture)
        #expect(RootfsImport.image(measured, reference: "local/empty:test", source: "test", architecture: .arm64).architectures == [.arm64])
        let bare = try Self.measure(root)
        #expect(bare.status == 2)
        #expect(bare.stderr.contains("--platform"), "\(bare.stderr)")
        #expect(!bare.stdout.contains("unknown"))
        let given = try Self.measure(root, ["--platform", "linux/arm64"])
        try #require(given.status == 0, "\(given.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(given.stdout.utf8)) as? [String: Any])
        #expect(json["architecture"] as? String == "arm64")
        let invalid = try Self.measure(root, ["--platform", "linux/unknown"])
        #expect(invalid.status == 2)
    }

    /// A machine no container platform names (64-bit big-endian PowerPC) gives a machine
    /// but no architecture.
    @Test func bigEndianPowerPCHasNoDockerArchitecture() throws {
        let root = try Self.makeRoot(["/lib/libtiny.so.1": TestPaths.elf("tiny-ppc64be.so")])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let measured = try RootfsMeasurer(root: root).measure()
        #expect(measured.machine == "ppc64")
        #expect(measured.architecture == nil)
        #expect(RootfsImport.image(measured, reference: "local/ppc:test", source: "test").architectures == [.other("ppc64")])
    }
}
