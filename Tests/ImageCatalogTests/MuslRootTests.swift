import ELFInspection
import Domain
import Foundation
import Testing
import TestSupport
@testable import ImageCatalog
@testable import ImageMeasurement

/// A musl root made of Debian's real musl package (scripts/rootfs.sh bookworm-musl) and
/// the musl fixture: measured without running anything, judged by musl's own loader.
@Suite(.enabled(if: PreparedRoots.available("bookworm-musl"), "\(PreparedRoots.missing("bookworm-musl"))"))
struct MuslRootTests {
    static func copyRoot() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-musl-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: PreparedRoots.path("bookworm-musl"), toPath: root)
        try FileManager.default.copyItem(atPath: TestPaths.elf("hello-musl"), toPath: root + "/hello-musl")
        return root
    }

    @Test func measuresDebiansMusl() throws {
        let root = try Self.copyRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let measured = try RootfsMeasurer(root: root).measure()
        #expect(measured.libcFamily == "musl")
        #expect(measured.machine == "x86_64")
        #expect(measured.architecture == "amd64")
        #expect(measured.machineEvidence == "/lib/ld-musl-x86_64.so.1")
        // /etc/ld-musl-x86_64.path, as far as its directories exist.
        #expect(measured.searchPath == ["/lib/x86_64-linux-musl"])
        #expect(measured.libraries.map(\.soname).contains("libc.so"))
        #expect(measured.runtimes.isEmpty)
        // The version is read from the loader's bytes; its own banner ("Version 1.2.3") is the oracle.
        if PreparedRoots.canChroot {
            let banner = try PreparedRoots.chroot(root, ["/lib/ld-musl-x86_64.so.1"])
            let line = try #require((banner.stdout + banner.stderr).split(separator: "\n").first { $0.hasPrefix("Version ") })
            #expect(measured.libcVersion?.description == String(line.dropFirst("Version ".count)))
            // musl's loader resolves the fixture's libc.so to the file the measurement found.
            let list = try PreparedRoots.chroot(root, ["/lib/ld-musl-x86_64.so.1", "--list", "/hello-musl"])
            try #require(list.status == 0, "\(list.stderr)")
            let resolved = try #require(Arm64RootTests.resolutions(list.stdout).first { $0.0 == "libc.so" })
            let paths = RootPath(root: root)
            let measuredPath = try #require(measured.libraries.first { $0.soname == "libc.so" }?.path)
            #expect(Arm64RootTests.sameFile(try #require(paths.resolve(resolved.1)), try #require(paths.resolve(measuredPath))))
        } else {
            #expect(measured.libcVersion != nil)
        }
    }

    /// bookworm with Debian's musl package unpacked over it stays a glibc root: its shell
    /// is glibc's, whatever else the root holds.
    @Test(.enabled(if: DebianRoots.available("bookworm"), "no bookworm root"))
    func debianWithMuslInstalledIsGlibc() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-glibc-musl-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let copy = try Run.program("/bin/cp", ["-a", DebianRoots.path("bookworm"), root])
        try #require(copy.status == 0, "\(copy.stderr)")
        // As dpkg unpacks it (bookworm's /lib is a link to usr/lib).
        let musl = PreparedRoots.path("bookworm-musl")
        let manager = FileManager.default
        try manager.createDirectory(atPath: root + "/lib/x86_64-linux-musl", withIntermediateDirectories: true)
        try manager.copyItem(atPath: musl + "/lib/x86_64-linux-musl/libc.so", toPath: root + "/lib/x86_64-linux-musl/libc.so")
        try manager.createSymbolicLink(atPath: root + "/lib/ld-musl-x86_64.so.1", withDestinationPath: "x86_64-linux-musl/libc.so")
        try manager.copyItem(atPath: musl + "/etc/ld-musl-x86_64.path", toPath: root + "/etc/ld-musl-x86_64.path")
        let measured = try RootfsMeasurer(root: root).measure()
        #expect(measured.libcFamily == "glibc")
        #expect(measured.libcVersion == (try RootfsMeasurer(root: DebianRoots.path("bookworm")).measure()).libcVersion)
        #expect(measured.libraries.contains { $0.soname == "libc.so.6" })
    }
}
