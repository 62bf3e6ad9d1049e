import Domain
import Testing
@testable import Registry

/// `--registry-mirror SOURCE=TARGET` and `BASEFIT_REGISTRY_MIRRORS`: which references move
/// where, and which entries are refused.
struct RegistryMirrorsTests {
    @Test func dockerHubReferencesMoveWithTheirLibraryPrefix() throws {
        let mirrors = try RegistryMirrors(["docker.io=127.0.0.1:5701"], environment: [:])
        let moved = mirrors.apply(try ImageReference(parsing: "debian:bookworm-slim"))
        #expect(moved.registry == "127.0.0.1:5701" && moved.repository == "library/debian" && moved.tag == "bookworm-slim")
        let user = mirrors.apply(try ImageReference(parsing: "index.docker.io/bitnami/redis:7@sha256:" + String(repeating: "a", count: 64)))
        #expect(user.registry == "127.0.0.1:5701" && user.repository == "bitnami/redis" && user.tag == "7" && user.digest?.hasSuffix("aaaa") == true)
        // Other registries are not touched.
        let other = try ImageReference(parsing: "gcr.io/distroless/cc-debian12:nonroot")
        #expect(mirrors.apply(other) == other)
        #expect(mirrors.target(for: other) == nil)
    }

    @Test func environmentEntriesAndPathPrefixes() throws {
        let mirrors = try RegistryMirrors(["registry-1.docker.io=hub.example/proxy/"],
                                          environment: ["BASEFIT_REGISTRY_MIRRORS": "gcr.io=gcr.example:443, docker.io=ignored.example"])
        let hub = mirrors.apply(try ImageReference(parsing: "python:3.12-slim"))
        #expect(hub.registry == "hub.example" && hub.repository == "proxy/library/python")  // the option wins over the environment
        let gcr = mirrors.apply(try ImageReference(parsing: "gcr.io/distroless/static-debian12"))
        #expect(gcr.registry == "gcr.example:443" && gcr.repository == "distroless/static-debian12" && gcr.tag == "latest")
    }

    @Test func malformedEntriesAreRefusedWithTheirOrigin() {
        for entry in ["docker.io", "=x", "docker.io=", "https://docker.io=x", "docker.io=https://x", "docker.io/library=x"] {
            #expect(throws: RegistryError.self, "\(entry)") { _ = try RegistryMirrors([entry], environment: [:]) }
        }
        do {
            _ = try RegistryMirrors([], environment: ["BASEFIT_REGISTRY_MIRRORS": "nonsense"])
            Issue.record("accepted nonsense")
        } catch {
            #expect(error.reference.contains("BASEFIT_REGISTRY_MIRRORS") && error.kind == .badReference)
        }
    }
}
