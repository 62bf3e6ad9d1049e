import Foundation
import Testing
import TestSupport

/// `check --image REF --app-only` on an image that does not name its base (no
/// `org.opencontainers.image.base.*` annotations, as umoci or a classic `docker build`
/// leaves it): the base is found among the catalog rows by its layers' diff_ids.
@Suite(.serialized) struct AppOnlyTests {
    let registry: LocalRegistry?

    init() {
        registry = LocalRegistry.shared()
    }

    @Test func theBaseIsFoundByItsLayersInTheCatalog() throws {
        guard let registry, Run.which("umoci") != nil else { return }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-apponly-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: home + "/layer/app", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        // The app: a glibc program added as one layer on top of the musl image.
        try FileManager.default.copyItem(atPath: TestPaths.elf("hello-glibc"), toPath: home + "/layer/app/hello-glibc")
        #expect(try Run.program("/bin/tar", ["-C", home + "/layer", "-cf", home + "/app.tar", "app"]).status == 0)
        let image = try registry.pushWithLayer(base: "musl", layer: home + "/app.tar", tag: "app-on-musl", repository: "team/app")
        #expect(try registry.rawManifest(registry.open + "/team/app:1")["annotations"] == nil)

        // The built-in catalog has no row with these layers: --app-only cannot tell (exit 2).
        let unknown = try LocalRegistry.basefit(["check", "--image", image, "--app-only", "--tls-verify=false"], home: home)
        #expect(unknown.status == 2, "\(unknown.stdout)\(unknown.stderr)")
        #expect(unknown.stderr.contains("no catalog image's"), "\(unknown.stderr)")

        // Imported into the user's catalog, the base's layers are recorded…
        let catalog = home + "/team.sqlite"
        let imported = try LocalRegistry.basefit(["catalog", "import", "--image", "docker://\(registry.open)/musl:1", "--name", "team/musl:1",
                                    "--tls-verify=false", "--catalog", catalog], home: home)
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        // …and the app layer alone is judged: the glibc program on a musl base.
        let judged = try LocalRegistry.basefit(["check", "--image", image, "--app-only", "--tls-verify=false", "--catalog", catalog, "--verbose"], home: home)
        #expect(judged.status == 1, "\(judged.stdout)\(judged.stderr)")
        #expect(judged.stderr.contains("app layers: 1 above the 1 of team/musl:1 (matched by layer digests in the catalog)"), "\(judged.stderr)")
        #expect(judged.stdout.contains("app/hello-glibc"), "\(judged.stdout)")
        let json = try LocalRegistry.basefit(["check", "--image", image, "--app-only", "--tls-verify=false", "--catalog", catalog, "--format", "json"], home: home)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let problems = try #require(object["problems"] as? [[String: Any]])
        #expect(!problems.isEmpty && problems.allSatisfy { ($0["artifact"] as? String)?.hasSuffix("app/hello-glibc") == true }, "\(problems)")
    }
}
