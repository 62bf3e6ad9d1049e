import Domain
import Foundation
import Testing
import TestSupport
@testable import Advisor
@testable import ImageCatalog
@testable import ProjectScan

@Suite struct RecommenderTests {
    func recommend(_ name: String, runtime: RuntimeChoice? = nil, allowInstalls: Bool = false) throws -> Recommendation {
        let report = try Scanner().scan([TestPaths.fixtures.appendingPathComponent(name).path])
        let profile = try ProjectProfile(requirements: report.requirements, architecture: nil)
        let data = try DefaultCatalog.data()
        let images = try CatalogBuilder.images(from: data)
        let hints = Dictionary(grouping: try CatalogBuilder.hints(from: data), by: \.soname)
        let recommender = Recommender(evaluator: Evaluator(hints: { hints[$0] ?? [] }, catalog: images, today: Day("2026-11-30")!))
        return recommender.recommend(profile, images: images, runtime: runtime ?? RuntimeChoice.implied(by: profile.requirements),
                                     allowInstalls: allowInstalls)
    }

    @Test func nodeProjectGetsAMaintainedCompatibleNodeImage() throws {
        let result = try recommend("projects/node-napi-rs")
        let best = try #require(result.recommended)
        #expect(best.compatible)
        #expect(best.image.runtime?.kind == .node)
        #expect(best.status == .maintained)
        // Ranked by size: nothing compatible and maintained is smaller than the winner.
        let smaller = result.candidates.filter { $0.compatible && $0.status == .maintained && ($0.compressedBytes ?? .max) < (best.compressedBytes ?? .max) }
        #expect(smaller.isEmpty)
        let alpine = try #require(result.migrations.first { $0.target == "alpine" })
        #expect(!alpine.possible)
        #expect(alpine.unblockers.contains { $0.contains("@napi-demo/solo-linux-x64-musl") })
    }

    @Test func pythonProjectGetsItsCPython() throws {
        let result = try recommend("projects/python-venv")
        let best = try #require(result.recommended)
        #expect(best.image.runtime?.version.hasPrefix("3.11") == true)
        #expect(result.rejectedGroups.contains { $0.name == "alpine" })
    }

    @Test func plainBinariesGetTheSmallestBaseWithWhatTheyNeed() throws {
        let result = try recommend("elf/origin", runtime: RuntimeChoice.none)
        let best = try #require(result.recommended)
        #expect(best.image.libcFamily == .glibc)
        #expect(best.image.runtime == nil)
        #expect(result.rejectedGroups.contains { $0.name == "scratch" && $0.best.mainProblem?.kind == .noLibc })
    }

    @Test func nothingCompatibleMeansNoRecommendation() throws {
        let result = try recommend("projects/python-venv-mixed")
        #expect(result.recommended == nil)
        #expect(result.ranked.isEmpty)
    }

    @Test func installsLetFixableImagesCompete() throws {
        let without = try recommend("elf/libcxxdemo.so", runtime: RuntimeChoice.none)
        let with = try recommend("elf/libcxxdemo.so", runtime: RuntimeChoice.none, allowInstalls: true)
        #expect(with.ranked.count > without.ranked.count)
        #expect(with.ranked.contains { !$0.compatible && $0.fixable })
    }
}
