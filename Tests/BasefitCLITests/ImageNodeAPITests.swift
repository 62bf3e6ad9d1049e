import Foundation
import Testing
import TestSupport

/// `check ADDON --image REF` reads which Node-API functions the image's Node exports: an image
/// whose Node (Debian 12's, a layer holding its /usr/bin/node and libnode.so.108) lacks one the
/// addon calls fails the gate, from the first measurement and from the cache alike.
/// (`RuntimeOracleTests.nodeLoadsWhatBasefitCallsCompatible` has that Node refuse the addon.)
struct ImageNodeAPITests {
    @Test func anAddonCallingWhatTheImagesNodeLacksFailsTheGate() throws {
        guard let registry = LocalRegistry.shared() else { return }
        let node = DebianRoots.path("bookworm-node")
        guard DebianRoots.available("bookworm-node") else {
            print("ImageNodeAPITests: skipped, no bookworm-node root (bash scripts/rootfs.sh bookworm-node)")
            return
        }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-nodeapi-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let tar = home + "/node.tar"
        let packed = try Run.program("/bin/tar", ["-C", node, "-cf", tar, "usr/bin/node", "usr/lib/x86_64-linux-gnu/libnode.so.108"])
        try #require(packed.status == 0, "\(packed.stderr)")
        let image = try registry.pushWithLayer(base: "bookworm", layer: tar, tag: "node18", repository: "team/node18")
        let project = home + "/project"
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.elf("napi-property-key.node"), toPath: project + "/napi-property-key.node")
        for run in ["measured", "from the cache"] {
            let check = try LocalRegistry.basefit(["check", project, "--image", image, "--tls-verify=false", "--format", "json"], home: home)
            #expect(check.status == 1, "\(run): \(check.stdout)\(check.stderr)")
            let problems = (try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])?["problems"] as? [[String: Any]] ?? []
            #expect(problems.map { $0["kind"] as? String } == ["node-api-missing"], "\(run): \(problems)")
            #expect(problems.first?["symbols"] as? [String] == ["node_api_create_property_key_utf16"], "\(run): \(problems)")
            #expect((problems.first?["message"] as? String)?.contains("Node 18.") == true, "\(run): \(problems)")
        }
        // The same addon without the function it lacks (napi_* only) passes on that image.
        let plain = home + "/plain"
        try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.elf("napi-addon.node"), toPath: plain + "/napi-addon.node")
        let check = try LocalRegistry.basefit(["check", plain, "--image", image, "--tls-verify=false"], home: home)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }
}
