import Foundation
import Testing
import TestSupport

/// `check PATH --image REF`: the image's own libraries that the project loads are held to the
/// image too. A library added in a layer of its own (as `COPY --from=build` adds one) without
/// the library it needs fails the gate, from the first measurement and from the cache alike.
/// (`LoaderOracleTests.theRootsOwnLibrariesAreHeldToTheRootToo` starts the same program in a
/// root laid out the same way: the loader refuses it.)
@Suite(.serialized) struct ImageLibrariesTests {
    let registry: LocalRegistry?

    init() {
        registry = LocalRegistry.shared()
    }

    func basefit(_ arguments: [String], home: String) throws -> ProcessResult {
        try LocalRegistry.basefit(arguments, home: home)
    }

    /// The bookworm image with `libraries` of Fixtures/elf/chain/lib added in one layer, pushed
    /// as `team/<repository>:1`; its docker:// reference.
    func image(_ registry: LocalRegistry, adding libraries: [String], as repository: String, home: String) throws -> String {
        let directory = home + "/layer-\(repository)/usr/lib/x86_64-linux-gnu"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for library in libraries {
            try FileManager.default.copyItem(atPath: TestPaths.elf("chain/lib/" + library), toPath: directory + "/" + library)
        }
        let tar = home + "/\(repository).tar"
        #expect(try Run.program("/bin/tar", ["-C", home + "/layer-\(repository)", "-cf", tar, "usr"]).status == 0)
        return try registry.pushWithLayer(base: "bookworm", layer: tar, tag: repository, repository: "team/" + repository)
    }

    @Test func aLayeredLibraryWithoutWhatItNeedsFailsTheGate() throws {
        guard let registry else { return }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-imagelibs-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let app = TestPaths.elf("chain/bin/app")
        let lacking = try image(registry, adding: ["libchaina.so.1"], as: "chain-lacking", home: home)
        for run in ["measured", "from the cache"] {
            let check = try basefit(["check", app, "--image", lacking, "--tls-verify=false", "--runtime", "none", "--format", "json"], home: home)
            #expect(check.status == 1, "\(run): \(check.stdout)\(check.stderr)")
            let problems = (try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])?["problems"] as? [[String: Any]] ?? []
            #expect(problems.count == 1, "\(run): \(problems)")
            #expect(problems.first?["kind"] as? String == "missing-library")
            #expect(problems.first?["library"] as? String == "libchainb.so.1")
            #expect((problems.first?["artifact"] as? String)?.hasSuffix("/x86_64-linux-gnu/libchaina.so.1") == true, "\(run): \(problems)")
            #expect((problems.first?["message"] as? String)?.contains("loaded for \(app)") == true, "\(run): \(problems)")
        }
        let whole = try image(registry, adding: ["libchaina.so.1", "libchainb.so.1"], as: "chain-whole", home: home)
        let check = try basefit(["check", app, "--image", whole, "--tls-verify=false", "--runtime", "none"], home: home)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }
}
