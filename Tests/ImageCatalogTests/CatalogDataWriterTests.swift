import ELFInspection
import Foundation
import Testing
import TestSupport
@testable import ImageCatalog
@testable import ImageMeasurement

/// The Data/ writer `catalog refresh` uses: the family files' own format survives a read and
/// write, a row's own measured files win over basedOn + addsLibraries, and a failed write puts
/// back what it had replaced.
struct CatalogDataWriterTests {
    static let dataDirectory = TestPaths.packageRoot.appendingPathComponent("Data").path

    @Test func everyDataFileRoundTripsByteForByte() throws {
        let raw = try CatalogDataSet.rawFiles(directory: Self.dataDirectory)
        let familyFiles = raw.keys.filter { $0.hasPrefix("images/") || $0 == "package-hints.json" }
        #expect(familyFiles.count >= 11)
        for name in familyFiles.sorted() {
            let text = raw[name]!
            #expect(try DataFileJSON(parsing: text).fileText() == text, "\(name) does not round-trip")
        }
        // Escapes and non-ASCII text are written as Python writes them (ensure_ascii=False).
        let tricky = "{\n  \"a\": \"line\\nquote\\\" back\\\\ tab\\t ctl\\u0001 — é\",\n  \"b\": [],\n  \"c\": {},\n  \"d\": -1.5e3\n}\n"
        #expect(try DataFileJSON(parsing: tricky).fileText() == tricky)
        #expect(throws: DataFileJSON.ParseError.self) { try DataFileJSON(parsing: "{\"a\": [1, 2}") }
    }

    @Test func aRowsOwnMeasuredFilesWinOverBasedOnAndAddsLibraries() throws {
        func library(_ soname: String, architectures: [String]? = nil) -> CatalogDataImage.Library {
            CatalogDataImage.Library(soname: soname, maxVersions: [:], versions: nil, package: nil, path: nil, estimate: false, source: "test",
                                     architectures: architectures)
        }
        let measured = MeasuredRootfs(
            reference: "example/child:1", architecture: "amd64", measuredBy: "measured from sha256:… on 2026-11-30", date: "2026-11-30",
            libc: .init(family: "glibc", version: "2.36"), shell: "/bin/sh", packageManager: nil, users: ["root"], searchPath: ["/usr/lib"],
            totalBytes: 1, libraries: [library("libc.so.6"), library("libmeasured.so.3")])
        let family = """
            {"family": "example", "images": [
              {"reference": "example/base:1", "variant": "base", "os": {"name": "debian"}, "basedOn": null,
               "libc": {"family": "glibc", "version": "2.36"}, "architectures": ["amd64", "arm64", "arm/v7"], "sizes": [],
               "addsLibraries": [{"soname": "libbase.so.1", "maxVersions": {}}], "provenance": "test"},
              {"reference": "example/child:1", "variant": "base", "os": {"name": "debian"}, "basedOn": "example/base:1",
               "libc": {"family": "glibc", "version": "2.36"}, "architectures": ["amd64", "arm64", "arm/v7"], "sizes": [],
               "addsLibraries": [{"soname": "libadded.so.2", "maxVersions": {}}, {"soname": "libarmonly.so.1", "maxVersions": {}, "architectures": ["arm/v7"]}],
               "measured": ["child-amd64"], "provenance": "test"}
            ]}
            """
        let files = ["images/example.json": family, "measured/child-amd64.json": CatalogDataWriter.measuredText(measured)]
        let images = try CatalogBuilder.images(from: CatalogDataSet(files: files))
        let child = try #require(images.first { $0.reference == "example/child:1" })
        // amd64 (and platforms measured on none) take the measured set as it is.
        #expect(Set(child.libraries(for: .amd64).keys) == ["libc.so.6", "libmeasured.so.3"])
        #expect(Set(child.libraries(for: .arm64).keys) == ["libc.so.6", "libmeasured.so.3"])
        // An entry limited to a platform the row did not measure still applies there.
        #expect(Set(child.libraries(for: try #require(Architecture("arm/v7"))).keys) == ["libc.so.6", "libmeasured.so.3", "libarmonly.so.1"])
        // Without measured files the row is its base plus its additions, as before.
        let base = try #require(images.first { $0.reference == "example/base:1" })
        #expect(Set(base.libraries(for: .amd64).keys) == ["libbase.so.1"])
    }

    /// A refresh whose last rename fails (a directory stands where the measured file goes)
    /// puts the family file it had already replaced back.
    @Test(.enabled(if: DebianRoots.available("bookworm"), "needs the bookworm root (scripts/rootfs.sh)"))
    func aFailedWritePutsBackWhatItReplaced() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-writer-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.copyItem(atPath: Self.dataDirectory, toPath: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try RootfsMeasurer(root: DebianRoots.path("bookworm")).measure()
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let refresh = CatalogRowRefresh(
            reference: "debian:bookworm-slim", digest: digest,
            platforms: [.init(architecture: "amd64",
                              size: .init(architecture: "amd64", compressedBytes: 1, uncompressedBytes: result.totalBytes, estimate: false, source: "test", date: "2026-11-30"),
                              measuredName: "debian-bookworm-slim-amd64",
                              measured: RootfsImport.measuredData(result, reference: "debian:bookworm-slim", source: "test", architecture: "amd64"))],
            provenance: "measured from \(digest) on 2026-11-30")
        let writer = CatalogDataWriter(directory: directory)
        let plan = try writer.plan([refresh])
        #expect(Set(plan.files.keys) == ["images/debian.json", "measured/debian-bookworm-slim-amd64.json"])
        #expect(plan.changes.contains { $0.field == "digest" && $0.new == digest })
        let before = try String(contentsOfFile: directory + "/images/debian.json", encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory + "/measured/debian-bookworm-slim-amd64.json/inside", withIntermediateDirectories: true)
        #expect(throws: CatalogError.self) { try writer.write(plan) }
        #expect(try String(contentsOfFile: directory + "/images/debian.json", encoding: .utf8) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory + "/images") + FileManager.default.contentsOfDirectory(atPath: directory + "/measured")
        #expect(!leftovers.contains { $0.hasPrefix(".refresh-") }, "\(leftovers)")
        // With the obstacle gone the same plan writes, and the result decodes and builds.
        try FileManager.default.removeItem(atPath: directory + "/measured/debian-bookworm-slim-amd64.json")
        try writer.write(plan)
        let images = try CatalogBuilder.images(from: CatalogDataSet.load(directory: directory))
        let slim = try #require(images.first { $0.reference == "debian:bookworm-slim" })
        #expect(slim.digest == digest)
        #expect(Set(slim.libraries(for: .amd64).keys) == Set(result.libraries.map(\.soname)))
    }
}
