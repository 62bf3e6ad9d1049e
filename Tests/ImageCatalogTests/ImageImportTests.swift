import Domain
import Foundation
import Testing
import TestSupport
@testable import ELFInspection
@testable import ImageCatalog
@testable import ImageMeasurement

/// `catalog import --oci / --docker-archive` on real images made by umoci and skopeo
/// (scripts/make-oci-fixture.sh): from a real Debian root when one is cached.
@Suite(.serialized) struct ImageImportTests {
    static let script = TestPaths.packageRoot.appendingPathComponent("scripts/make-oci-fixture.sh").path

    func makeFixture(full: Bool) throws -> String? {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-oci-\(UUID().uuidString)").path
        let result = try Run.program("/bin/bash", [Self.script, directory] + (full ? ["--full"] : []),
                                     environment: ProcessInfo.processInfo.environment)
        if result.status == 3 { return nil }  // umoci/skopeo cannot be installed here: the script said so
        try #require(result.status == 0, "make-oci-fixture.sh failed: \(result.stderr)")
        return directory
    }

    @Test func tinyImageInBothForms() throws {
        guard let directory = try makeFixture(full: false) else { return }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (oci, _) = try ImageImport.image(from: .ociLayout(path: directory + "/layout", reference: nil, platform: nil), name: "t:oci")
        let (docker, _) = try ImageImport.image(from: .dockerArchive(path: directory + "/image.tar", reference: nil), name: "t:docker")
        #expect(oci.defaultUser == "1000:1000")
        #expect(oci.architectures == [.amd64])
        #expect(oci.sizes.first?.uncompressedBytes == docker.sizes.first?.uncompressedBytes)
        #expect((oci.sizes.first?.compressedBytes ?? 0) > 0)
    }

    @Test func brokenLayoutIsAClearError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-badoci-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect {
            _ = try ImageImport.image(from: .ociLayout(path: directory, reference: nil, platform: nil), name: "x")
        } throws: { error in
            guard let error = error as? CatalogError else { return false }
            return error.kind == .invalidData && error.path == directory && error.detail.contains("oci-layout")
        }
    }

    /// A real Debian bookworm root packed by umoci into an OCI layout and by skopeo into
    /// a docker archive: importing either gives what measuring the root directly gives.
    @Test(.enabled(if: DebianRoots.available("bookworm") && getuid() == 0, "needs root and the cached bookworm root"))
    func debianImageImportsLikeItsRoot() throws {
        guard let directory = try makeFixture(full: true) else { return }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let direct = try RootfsMeasurer(root: DebianRoots.path("bookworm")).measure()
        for source in [ImageImport.Source.ociLayout(path: directory + "/layout", reference: nil, platform: nil),
                       .dockerArchive(path: directory + "/image.tar", reference: nil)] {
            let (image, _) = try ImageImport.image(from: source, name: "debian:bookworm-oci")
            #expect(image.libcFamily == .glibc)
            #expect(image.libcVersion == VersionNumber("2.36"))
            // The fixture script adds a few of Fixtures/elf's files to the image; nothing else differs.
            let extra = Set(image.libraries.keys).subtracting(direct.libraries.map(\.soname))
            let fixtureNames = Set((try? FileManager.default.contentsOfDirectory(atPath: TestPaths.elf.path)) ?? [])
            #expect(Set(direct.libraries.map(\.soname)).isSubset(of: Set(image.libraries.keys)))
            #expect(extra.isSubset(of: fixtureNames), "unexpected libraries: \(extra.sorted())")
            #expect(image.libraries["libstdc++.so.6"]?.highest("GLIBCXX") == VersionNumber("3.4.30"))
            #expect(image.packageManager == .apt)
        }
    }
}
