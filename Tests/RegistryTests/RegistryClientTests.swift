import Domain
import Foundation
import HTTPTransport
import Registry
import Testing
import TestSupport

/// RegistryClient against a scripted registry on loopback (fake_registry.py): the bearer token
/// dance, blob redirects that must not carry the registry's credentials, 429 with Retry-After.
@Suite(.serialized) struct RegistryClientTests {
    final class FakeRegistry: @unchecked Sendable {
        let server: ScriptServer
        let port: Int
        let manifestDigest: String

        init() throws {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("fake_registry.py").path
            server = try ScriptServer(script: script, lines: 2)
            port = try server.port()
            manifestDigest = server.lines[1]
        }
    }

    func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-rc-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func bearerTokenAndRedirectedBlobs() throws {
        let fake = try FakeRegistry()
        let cache = BlobCache(directory: try scratch())
        defer { try? FileManager.default.removeItem(atPath: cache.directory) }
        let reference = try ImageReference(parsing: "127.0.0.1:\(fake.port)/team/app:1")
        let manifest = try ImagePull.pull(reference, platform: PlatformChoice("linux/amd64")!, cache: cache, options: RegistryOptions(tlsVerify: false))
        #expect(manifest.digest == fake.manifestDigest)
        #expect(manifest.layers.count == 1)
        for descriptor in [manifest.config] + manifest.layers {
            let hex = String(descriptor.digest.dropFirst(7))
            #expect(cache.contains(hex: hex, size: descriptor.size))
            let sum = try Run.program("/usr/bin/sha256sum", [cache.path(hex: hex)])
            #expect(sum.stdout.hasPrefix(hex))
        }
        // By digest, the manifest is verified against it.
        let pinned = try ImageReference(parsing: "127.0.0.1:\(fake.port)/team/app@\(fake.manifestDigest)")
        #expect(try ImagePull.resolve(pinned, platform: PlatformChoice("amd64")!, options: RegistryOptions(tlsVerify: false)).digest == fake.manifestDigest)
        // The layout the unpacker reads points at the cache.
        let layout = try ImagePull.layout(for: manifest, cache: cache)
        defer { try? FileManager.default.removeItem(atPath: layout) }
        #expect(FileManager.default.fileExists(atPath: layout + "/blobs/sha256/" + String(manifest.layers[0].digest.dropFirst(7))))
    }

    @Test func rateLimitedAndMissing() throws {
        let fake = try FakeRegistry()
        let options = RegistryOptions(tlsVerify: false)
        let limited = try ImageReference(parsing: "127.0.0.1:\(fake.port)/limited/app:1")
        let missing = try ImageReference(parsing: "127.0.0.1:\(fake.port)/team/app:2")
        do throws(RegistryError) {
            _ = try ImagePull.resolve(limited, platform: PlatformChoice("amd64")!, options: options)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .rateLimited(retryAfter: "30"))
            #expect(error.description.contains("retry after 30 s"), "\(error)")
        }
        do throws(RegistryError) {
            _ = try ImagePull.resolve(missing, platform: PlatformChoice("amd64")!, options: options)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .notFound, "\(error)")
        }
    }

    @Test func locationsChallengesAndCredentials() throws {
        #expect(try ImageLocation(parsing: "docker://ghcr.io/org/app:1") == .registry(try ImageReference(parsing: "ghcr.io/org/app:1")))
        #expect(try ImageLocation(parsing: "oci:/tmp/layout:v2") == .ociLayout(path: "/tmp/layout", tag: "v2"))
        #expect(try ImageLocation(parsing: "oci:layout") == .ociLayout(path: "layout", tag: nil))
        #expect(try ImageLocation(parsing: "docker-archive:app.tar") == .dockerArchive(path: "app.tar", reference: nil))
        #expect(throws: RegistryError.self) { try ImageLocation(parsing: "python:3.12") }
        #expect(throws: RegistryError.self) { try ImageLocation(parsing: "docker://UPPER/case") }

        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let token = Data("bob:pa:ss".utf8).base64EncodedString()
        try Data(#"{"auths":{"https://registry.example:5000/v1/":{"auth":"\#(token)"},"https://index.docker.io/v1/":{"username":"hub","password":"pw"}}}"#.utf8)
            .write(to: URL(fileURLWithPath: directory + "/config.json"))
        let environment = ["DOCKER_CONFIG": directory]
        let found = RegistryCredentials.lookup(host: "registry.example:5000", environment: environment)
        #expect(found?.user == "bob" && found?.password == "pa:ss" && found?.origin == directory + "/config.json")
        #expect(RegistryCredentials.lookup(host: nil, environment: environment)?.user == "hub")
        #expect(RegistryCredentials.lookup(host: "other.example", environment: environment) == nil)
        let flag = try RegistryCredentials(creds: "u:p:q")
        #expect(flag.user == "u" && flag.password == "p:q")
        #expect(throws: RegistryError.self) { try RegistryCredentials(creds: "nopassword") }
        #expect(BlobCache.parseSize("500M") == 500 << 20 && BlobCache.parseSize("2G") == 2 << 30 && BlobCache.parseSize("x") == nil)
    }
}
