import Foundation
import Testing
import TestSupport

/// `FROM name:tag@sha256:…` with a digest the catalog did not record: the build pulls the
/// digest, so it is judged as the tag's row only when the registry says the tag names it now.
/// A pin taken before the tag moved (python:3.12-slim was bookworm until 2025) is another image:
/// not judged (it was judged as the tag's row, glibc 2.41 for a glibc 2.36 image).
@Suite(.serialized) struct PinnedDigestTests {
    func check(_ reference: String, _ extra: [String], home: String) throws -> ProcessResult {
        try LocalRegistry.basefit(["check", TestPaths.fixtures.appendingPathComponent("elf/hello-glibc").path, "--base", reference] + extra, home: home)
    }

    @Test func aPinIsJudgedAsItsTagOnlyWhenTheTagNamesItNow() throws {
        guard let registry = LocalRegistry.shared() else { return }
        try CatalogRefreshTests.pushSlim(registry)  // library/debian:bookworm-slim: an index of amd64 and arm64
        let home = try TemporaryDirectory.make("pinned-digest").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let mirror = ["--registry-mirror", "docker.io=\(registry.open)", "--tls-verify=false"]
        let index = try registry.manifestDigest(registry.open + "/library/debian:bookworm-slim")
        let raw = try registry.rawManifest(registry.open + "/library/debian:bookworm-slim")
        let platform = try #require((raw["manifests"] as? [[String: Any]])?.first?["digest"] as? String)

        // The index's digest, and one of its platform manifests': the tag names them now.
        for digest in [index, platform] {
            let result = try check("debian:bookworm-slim@\(digest)", mirror, home: home)
            #expect(result.status == 0, "\(digest): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("is what debian:bookworm-slim names now"), "\(result.stdout)")
        }
        // Another digest: the tag has moved since the pin (or never named it).
        let other = "sha256:" + String(repeating: "5e", count: 32)
        let moved = try check("debian:bookworm-slim@\(other)", mirror, home: home)
        #expect(moved.status == 2, "\(moved.stdout)")
        #expect(moved.stderr.contains("names \(index) now, not the pinned \(other)"), "\(moved.stderr)")
        // No answer: --offline, or a registry that is down.
        let offline = try check("debian:bookworm-slim@\(index)", mirror + ["--offline"], home: home)
        #expect(offline.status == 2)
        #expect(offline.stderr.contains("--offline does not ask the registry"), "\(offline.stderr)")
        let down = try check("debian:bookworm-slim@\(index)", ["--registry-mirror", "docker.io=127.0.0.1:\(ScriptServer.unusedPort())", "--tls-verify=false"], home: home)
        #expect(down.status == 2, "\(down.stdout)")
        #expect(down.stderr.contains("the registry could not say"), "\(down.stderr)")
    }
}
