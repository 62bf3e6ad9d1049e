import Domain
import Foundation
import HTTPTransport
import Registry
import Testing
import TestSupport

/// `CatalogArtifact` against a scripted registry with bearer-token auth (push_registry.py):
/// the pull,push token asked for with the credentials, uploads through a relative Location,
/// blobs the registry holds not sent again, and the database pulled back into the cache.
/// In RegistryClientTests' serialized suite: the blocking calls each hold a thread of the
/// cooperative pool, and two suites doing that at once on 2 cores starve it.
extension RegistryClientTests {
    @Test func catalogArtifactPushedWithABearerTokenThenPulledIntoTheCache() throws {
        // Bytes standing in for a database: the artifact does not look inside.
        let database = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("push_registry.py").path
        let fake = try ScriptServer(script: script, lines: 2)
        let reference = try ImageReference(parsing: "127.0.0.1:\(try fake.port())/team/catalog:v1")
        let credentials = RegistryCredentials(user: "alice", password: "pw", origin: "test")
        let annotations = [CatalogArtifact.AnnotationKey.images: "0", CatalogArtifact.AnnotationKey.created: "2026-06-01T00:00:00Z"]

        let pushed = try CatalogArtifact.push(database: database, to: reference, annotations: annotations,
                                              options: RegistryOptions(tlsVerify: false, credentials: credentials))
        #expect(pushed.layerUploaded)
        #expect(pushed.layer.size == Int64(database.count))
        let manifest = CatalogArtifact.manifest(layer: pushed.layer, annotations: annotations)
        let written = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-ca-\(UUID().uuidString.prefix(8)).json").path
        defer { try? FileManager.default.removeItem(atPath: written) }
        try manifest.write(to: URL(fileURLWithPath: written))
        #expect(pushed.digest == "sha256:" + String(try Run.program("/usr/bin/sha256sum", [written]).stdout.prefix(64)))
        let document = try #require(try JSONSerialization.jsonObject(with: manifest) as? [String: Any])
        #expect(document["artifactType"] as? String == CatalogArtifact.artifactType)

        let again = try CatalogArtifact.push(database: database, to: reference, annotations: annotations,
                                             options: RegistryOptions(tlsVerify: false, credentials: credentials))
        #expect(!again.layerUploaded)
        #expect(again.digest == pushed.digest)

        // Without credentials the token service refuses push: unauthorized, named.
        do throws(RegistryError) {
            _ = try CatalogArtifact.push(database: database, to: reference, annotations: annotations, options: RegistryOptions(tlsVerify: false))
            Issue.record("pushed without credentials")
        } catch {
            #expect(error.kind == .unauthorized, "\(error)")
            #expect(error.description.contains("token"), "\(error)")
        }

        // Pulled anonymously (a pull token) into a cache: the same bytes; a second pull downloads nothing.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-ca-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = BlobCache(directory: directory)
        let pulled = try CatalogArtifact.pull(reference, cache: cache, options: RegistryOptions(tlsVerify: false))
        #expect(pulled.downloaded)
        #expect(pulled.digest == pushed.digest)
        #expect(pulled.annotations == annotations)
        #expect(FileManager.default.contents(atPath: pulled.path) == database)
        let second = try CatalogArtifact.pull(reference, cache: cache, options: RegistryOptions(tlsVerify: false))
        #expect(!second.downloaded && second.path == pulled.path)

        do throws(RegistryError) {
            _ = try CatalogArtifact.push(database: database, to: reference.withDigestForTest(pushed.digest), annotations: [:], options: RegistryOptions(tlsVerify: false))
            Issue.record("pushed to a digest")
        } catch {
            #expect(error.kind == .badReference)
        }
    }
}

private extension ImageReference {
    func withDigestForTest(_ digest: String) -> ImageReference {
        var pinned = self
        pinned.digest = digest
        return pinned
    }
}
