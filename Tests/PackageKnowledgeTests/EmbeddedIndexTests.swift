import Foundation
import PackageKnowledge
import Testing

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
