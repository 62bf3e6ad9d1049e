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

    /// The layers an import records (the config's diff_ids, the same from an OCI layout and a
    /// docker archive) survive the catalog, and an image built on the imported one — here the
    /// fixture plus one more layer — is matched to it by them, with the count of base layers.
    @Test func layersRecordedAndTheBaseOfADerivedImageFound() throws {
        guard let directory = try makeFixture(full: false) else { return }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (base, _) = try ImageImport.image(from: .ociLayout(path: directory + "/layout", reference: nil, platform: nil), name: "t:base")
        let (archived, _) = try ImageImport.image(from: .dockerArchive(path: directory + "/image.tar", reference: nil), name: "t:archived")
        let baseLayers = try #require(base.layers[.amd64])
        #expect(baseLayers.count == 3 && baseLayers.allSatisfy { $0.hasPrefix("sha256:") && $0.count == 71 })
        #expect(archived.layers[.amd64] == baseLayers)

        // Derive: one more layer on top (umoci, as the fixture script builds its layers).
        let extra = directory + "/extra"
        try FileManager.default.createDirectory(atPath: extra + "/app", withIntermediateDirectories: true)
        try Data("app\n".utf8).write(to: URL(fileURLWithPath: extra + "/app/README"))
        let tar = try Run.program("/bin/tar", ["-C", extra, "-cf", directory + "/extra.tar", "app"])
        try #require(tar.status == 0)
        let add = try Run.program(try #require(Run.which("umoci")), ["raw", "add-layer", "--image", directory + "/layout:test", directory + "/extra.tar"])
        try #require(add.status == 0, "\(add.stderr)")
        let (derived, _) = try ImageImport.image(from: .ociLayout(path: directory + "/layout", reference: nil, platform: nil), name: "t:derived")
        let derivedLayers = try #require(derived.layers[.amd64])
        #expect(derivedLayers.count == 4 && Array(derivedLayers.prefix(3)) == baseLayers)

        let database = directory + "/catalog.sqlite"
        let store = CatalogStore(database: try CatalogDatabase(path: database, mode: .readWrite))
        try store.write(images: [base])
        let reread = try CatalogStore(database: CatalogDatabase(path: database, mode: .readOnly))
        #expect(try reread.image("t:base")?.layers == base.layers)
        let found = try #require(try CatalogLayers(stores: [reread]).base(ofLayers: derivedLayers, architecture: .amd64))
        #expect(found.image.reference == "t:base" && found.layers == 3)
        // Not for another architecture, and not for an image that does not start with them.
        #expect(try reread.base(ofLayers: derivedLayers, architecture: .arm64) == nil)
        #expect(try reread.base(ofLayers: Array(derivedLayers.dropFirst()), architecture: .amd64) == nil)
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
