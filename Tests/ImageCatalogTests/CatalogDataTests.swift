import Domain
import Foundation
import Testing
import TestSupport
@testable import ELFInspection
@testable import ImageCatalog

@Suite struct CatalogDataTests {
    static let dataDirectory = TestPaths.packageRoot.appendingPathComponent("Data").path

    @Test func embeddedCatalogIsTheDataDirectory() throws {
        let onDisk = try CatalogDataSet.rawFiles(directory: Self.dataDirectory)
        #expect(Set(onDisk.keys) == Set(EmbeddedCatalogData.files.keys))
        for (name, text) in onDisk {
            #expect(EmbeddedCatalogData.files[name] == text.trimmingSuffixNewlines(),
                    "Data/\(name) changed: run python3 scripts/embed-catalog.py")
        }
    }

    func images() throws -> [String: Image] {
        let images = try CatalogBuilder.images(from: DefaultCatalog.data())
        return Dictionary(uniqueKeysWithValues: images.map { ($0.reference, $0) })
    }

    @Test func atLeastFiftyImagesEachWithSourcedSizes() throws {
        let images = try images()
        #expect(images.count >= 50)
        for image in images.values {
            #expect(!image.sizes.isEmpty || image.reference == "scratch", "\(image.reference) has no size")
            for size in image.sizes { #expect(!size.source.isEmpty, "\(image.reference) size without a source") }
            #expect(!image.provenance.isEmpty)
        }
        for family in ["node", "python", "debian", "ubuntu", "alpine", "distroless", "chainguard", "ubi", "amazonlinux", "busybox", "scratch"] {
            #expect(images.values.contains { $0.family == family }, "no \(family) image")
        }
    }

    @Test func factsUsersRelyOn() throws {
        let images = try images()
        let base = try #require(images["gcr.io/distroless/base-debian12"])
        let cc = try #require(images["gcr.io/distroless/cc-debian12"])
        #expect(base.libraries["libstdc++.so.6"] == nil)  // distroless#162
        #expect(cc.libraries["libstdc++.so.6"]?.highest("GLIBCXX") == VersionNumber("3.4.30"))
        #expect(images["scratch"]?.libcFamily == LibcFamily.none)
        #expect(images["alpine:3.22"]?.libcFamily == .musl)
        #expect(images["busybox:1.37-musl"]?.libcFamily == LibcFamily.none)  // static: no loader
        #expect(images["debian:bullseye-slim"]?.libcVersion == VersionNumber("2.31"))
        #expect(images["debian:bullseye-slim"]?.libraries["libstdc++.so.6"]?.highest("GLIBCXX") == VersionNumber("3.4.28"))
        #expect(images["debian:trixie-slim"]?.libcVersion == VersionNumber("2.41"))
        #expect(images["gcr.io/distroless/nodejs22-debian12"]?.discontinued != nil)
        // node:22-bookworm-slim inherits the measured bookworm set.
        let slim = try #require(images["node:22-bookworm-slim"])
        #expect(slim.runtime?.kind == .node)
        #expect(slim.libraries["libz.so.1"]?.provides(SymbolVersion("ZLIB_1.2.9")) == true)
        #expect(slim.libraries["libssl.so.3"] == nil)  // no OpenSSL in node slim
    }

    @Test func providedLibraryVersionChecks() {
        let library = ProvidedLibrary(soname: "libstdc++.so.6", path: nil, package: nil, versions: ["GLIBCXX_3.4.30", "CXXABI_1.3.13"],
                                      maxima: ["GLIBCXX": VersionNumber("3.4.30")!], estimate: false, source: "test")
        #expect(library.provides(SymbolVersion("GLIBCXX_3.4.29")))
        #expect(!library.provides(SymbolVersion("GLIBCXX_3.4.31")))
        #expect(library.provides(SymbolVersion("CXXABI_1.3.13")))
        #expect(!library.provides(SymbolVersion("CXXABI_1.3.14")))
    }

    @Test func badDataNamesTheFileAndTheProblem() {
        let broken = ["images/x.json": #"{"family": "x", "images": [{"reference": "x:1"}]}"#]
        #expect {
            _ = try CatalogDataSet(files: broken)
        } throws: { error in
            guard let error = error as? CatalogError else { return false }
            return error.kind == .invalidData && error.path == "Data/images/x.json" && error.detail.contains("variant")
        }
    }

    @Test func basedOnMustExist() throws {
        var data = try DefaultCatalog.data()
        data.families[0].images[0].basedOn = "nowhere:1"
        #expect {
            _ = try CatalogBuilder.images(from: data)
        } throws: { ($0 as? CatalogError)?.detail.contains("nowhere:1") == true }
    }
}

extension String {
    func trimmingSuffixNewlines() -> String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
