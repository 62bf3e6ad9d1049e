import Foundation
import Testing
import Domain
@testable import ImageMeasurement
import TestSupport

/// The NODE_MODULE_VERSION table against the node_version.h of official Node.js builds
/// (Fixtures/node-abi/, fetched by its fetch.sh), read by the same parser that reads an image's header.
@Suite struct NodeABITests {
    static let directory = TestPaths.fixtures.appendingPathComponent("node-abi")

    @Test func tableAgreesWithOfficialHeaders() throws {
        let headers = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".h") }.sorted()
        #expect(headers.count >= 5)
        var majors: [Int] = []
        for name in headers {
            let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
            let header = try #require(RuntimeDetector.nodeVersionHeader(text), "\(name)")
            let moduleVersion = try #require(header.moduleVersion, "\(name)")
            let major = try #require(Int(header.version.split(separator: ".")[0]))
            #expect("node-\(header.version).h" == name)
            #expect(NodeABI.major(forModuleVersion: moduleVersion) == major, "\(name): NODE_MODULE_VERSION \(moduleVersion)")
            #expect(NodeABI.moduleVersion(forMajor: major) == moduleVersion, "\(name)")
            majors.append(major)
        }
        #expect(majors.contains(26))
    }
}
