import Foundation
import PackageKnowledge
import Testing
import TestSupport

@Suite struct EmbeddedIndexTests {
    @Test func everySuiteAndArchitectureIsEmbedded() throws {
        for release in [Release.debian11, .debian12, .debian13] {
            for arch in ["amd64", "arm64"] {
                let index = try #require(try EmbeddedIndexes.index(release: release, architecture: arch))
                #expect(index.packages.count > 5000, "\(release) \(arch)")
                #expect(index.owners(of: "libc.so.6").map(\.name) == ["libc6"])
            }
        }
    }
}

@Suite struct IndexLoadTimeTests {
    /// Decoding one index (gunzip + parse, ~1.2 MB of text, ~7,500 packages) must stay cheap:
    /// `recommend` may need several. Generous bound for a shared, debug-built machine.
    @Test func oneIndexLoadsQuickly() throws {
        let path = TestPaths.packageRoot.appendingPathComponent("Data/packages/debian-bookworm-amd64.tsv.gz").path
        let clock = ContinuousClock()
        var index: PackageIndex?
        let elapsed = try clock.measure { index = try EmbeddedIndexes.read(path: path) }
        print("debian-bookworm-amd64 index: \(index?.packages.count ?? 0) packages loaded in \(elapsed)")
        #expect((index?.packages.count ?? 0) > 5000)
        #expect(elapsed < .seconds(10))
    }
}
