import Domain
import Foundation
import Testing
import TestSupport
@testable import ELFInspection
@testable import ImageCatalog
@testable import ImageMeasurement

@Suite(.enabled(if: !DebianRoots.present.isEmpty, "no debootstrapped roots in \(DebianRoots.cache): run scripts/rootfs.sh (root, network to Debian's mirror)"))
struct RootfsTests {
    /// The acceptance: the catalog's debian rows equal what the real roots contain.
    @Test(arguments: DebianRoots.present)
    func catalogRowsEqualTheRealRoot(_ suite: String) throws {
        let measured = try RootfsMeasurer(root: DebianRoots.path(suite)).measure()
        let images = try CatalogBuilder.images(from: DefaultCatalog.data())
        for reference in ["debian:\(suite)", "debian:\(suite)-slim"] {
            let row = try #require(images.first { $0.reference == reference })
            #expect(Set(row.libraries.keys) == Set(measured.libraries.map(\.soname)), "sonames of \(reference)")
            #expect(row.libcVersion == measured.libcVersion, "glibc of \(reference)")
            let libstdcxx = measured.libraries.first { $0.soname == "libstdc++.so.6" }
            #expect(row.libraries["libstdc++.so.6"]?.highest("GLIBCXX") == libstdcxx?.highest("GLIBCXX"), "GLIBCXX of \(reference)")
            #expect(row.libraries["libc.so.6"]?.highest("GLIBC") == measured.libraries.first { $0.soname == "libc.so.6" }?.highest("GLIBC"))
        }
    }

    /// Oracles outside basefit: dpkg's record of libc6 and the root's own ld.so.cache.
    @Test(arguments: DebianRoots.present)
    func measurementAgreesWithDpkgAndLdconfig(_ suite: String) throws {
        let root = DebianRoots.path(suite)
        let measured = try RootfsMeasurer(root: root).measure()
        #expect(measured.libcFamily == "glibc")
        #expect(measured.machine == "x86_64")
        #expect(measured.shell == "/bin/sh")
        #expect(measured.packageManager == "apt")
        #expect(measured.users.contains("root"))
        #expect(measured.osName == "debian")
        // dpkg: "Package: libc6 … Version: 2.36-9+deb12u13" → 2.36.
        let status = try String(contentsOfFile: root + "/var/lib/dpkg/status", encoding: .utf8)
        let stanza = try #require(status.components(separatedBy: "\n\n").first { $0.hasPrefix("Package: libc6\n") })
        let versionLine = try #require(stanza.split(separator: "\n").first { $0.hasPrefix("Version: ") })
        let upstream = versionLine.dropFirst("Version: ".count).split(separator: "-").first.map(String.init)
        #expect(measured.libcVersion == upstream.flatMap(VersionNumber.init))
        // ld.so.cache, read by the root's own ldconfig (test-only oracle, never in the product).
        guard getuid() == 0 else { return }
        let cache = try Run.program("/usr/sbin/chroot", [root, "/sbin/ldconfig", "-p"])
        try #require(cache.status == 0, "ldconfig -p failed: \(cache.stderr)")
        let cached = cache.stdout.split(separator: "\n").filter { $0.contains("x86-64") }
            .compactMap { $0.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) }
        #expect(cached.count > 20)
        let ours = Set(measured.libraries.map(\.soname))
        let missing = Set(cached).subtracting(ours)
        #expect(missing.isEmpty, "in ld.so.cache but not measured: \(missing.sorted())")
    }

    @Test func importWritesAMeasuredImageIntoAUserCatalog() throws {
        let suite = try #require(DebianRoots.present.first)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-import-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try RootfsMeasurer(root: DebianRoots.path(suite)).measure()
        let image = RootfsImport.image(result, reference: "local/\(suite):test", source: "measured by test")
        let store = CatalogStore(database: try CatalogDatabase(path: path, mode: .readWrite))
        try store.write(images: [image])
        let read = try #require(try store.image("local/\(suite):test"))
        #expect(read == image)
        #expect(read.architectures == [.amd64])
        #expect(read.sizes.first?.uncompressedBytes == result.totalBytes)
    }
}
