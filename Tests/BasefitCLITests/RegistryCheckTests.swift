import Foundation
import Testing
import TestSupport

/// `check --image docker://…` against real registries on loopback: platforms from an index,
/// authentication, the blob cache, and every fault ending in exit 2 with nothing half-written.
@Suite(.serialized) struct RegistryCheckTests {
    let registry: LocalRegistry?

    init() {
        registry = LocalRegistry.shared()
    }

    func freshCache() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-cache-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func basefit(_ arguments: [String], cache: String, extra: [String: String] = [:]) throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment["BASEFIT_CACHE_DIR"] = cache
        environment["HOME"] = cache  // no ~/.docker/config.json of the machine's user
        environment.removeValue(forKey: "REGISTRY_AUTH_FILE")
        environment.removeValue(forKey: "XDG_RUNTIME_DIR")
        for (key, value) in extra { environment[key] = value }
        return try Run.program(TestPaths.executable.path, arguments, environment: environment)
    }

    /// Files in the blob cache, leftovers (`.partial-*`) included.
    func cachedBlobs(_ cache: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cache + "/blobs/sha256")) ?? []).sorted()
    }

    @Test func projectAgainstARegistryImageThenFromTheCache() throws {
        guard let registry else { return }
        let cache = try freshCache()
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let image = "docker://\(registry.open)/debian:bookworm"
        let digest = try registry.manifestDigest(registry.open + "/debian:bookworm")
        let first = try basefit(["check", TestPaths.elf("hello-glibc"), "--image", image, "--tls-verify=false"], cache: cache)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("compatible: \(registry.open)/debian:bookworm@\(digest)"), "\(first.stdout)")
        // Every layer is in the cache under its digest, and its bytes hash to it.
        let layers = (try registry.rawManifest(registry.open + "/debian:bookworm")["layers"] as? [[String: Any]]) ?? []
        #expect(!layers.isEmpty)
        for layer in layers {
            let hex = String((layer["digest"] as! String).dropFirst(7))
            let sum = try Run.program("/usr/bin/sha256sum", [cache + "/blobs/sha256/" + hex])
            #expect(sum.stdout.hasPrefix(hex))
        }
        let blobsBefore = cachedBlobs(cache)
        let modified = try FileManager.default.attributesOfItem(atPath: cache + "/blobs/sha256/" + String((layers[0]["digest"] as! String).dropFirst(7)))[.modificationDate] as? Date

        // Second check of the same digest: measured earlier, no new blob, the layer not rewritten.
        let second = try basefit(["check", TestPaths.elf("hello-glibc"), "--image", image, "--tls-verify=false"], cache: cache)
        #expect(second.status == 0)
        #expect(second.stdout.contains("measured earlier") && second.stdout.contains(digest), "\(second.stdout)")
        #expect(cachedBlobs(cache) == blobsBefore)
        let after = try FileManager.default.attributesOfItem(atPath: cache + "/blobs/sha256/" + String((layers[0]["digest"] as! String).dropFirst(7)))
        #expect((after[.size] as? Int) == (layers[0]["size"] as? Int))
        _ = modified

        // A musl binary does not load on the glibc image: exit 1, not a false "compatible".
        let musl = try basefit(["check", TestPaths.elf("hello-musl"), "--image", image, "--tls-verify=false"], cache: cache)
        #expect(musl.status == 1, "\(musl.stdout)\(musl.stderr)")
        #expect(musl.stdout.hasPrefix("incompatible"))
    }

    @Test func anIndexIsResolvedToTheProjectsPlatform() throws {
        guard let registry else { return }
        let cache = try freshCache()
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let index = try registry.rawManifest(registry.open + "/debian:multi")
        let entries = (index["manifests"] as? [[String: Any]]) ?? []
        func digest(for architecture: String) -> String? {
            entries.first { (($0["platform"] as? [String: Any])?["architecture"] as? String) == architecture }?["digest"] as? String
        }
        let arm = try #require(digest(for: "arm64"))
        let amd = try #require(digest(for: "amd64"))
        let image = "docker://\(registry.open)/debian:multi"

        let onArm = try basefit(["check", TestPaths.elf("go-nocgo-arm64"), "--image", image, "--tls-verify=false"], cache: cache)
        #expect(onArm.status == 0, "\(onArm.stdout)\(onArm.stderr)")
        #expect(onArm.stdout.contains(arm) && onArm.stdout.contains("arm64"), "\(onArm.stdout)")

        let onAmd = try basefit(["check", TestPaths.elf("hello-glibc"), "--image", image, "--tls-verify=false"], cache: cache)
        #expect(onAmd.status == 0 && onAmd.stdout.contains(amd), "\(onAmd.stdout)\(onAmd.stderr)")

        // An x86-64 file judged for arm64 (--arch) is an architecture problem, exit 1.
        let wrong = try basefit(["check", TestPaths.elf("hello-glibc"), "--arch", "arm64", "--image", image, "--tls-verify=false"], cache: cache)
        #expect(wrong.status == 1 && wrong.stdout.contains(arm), "\(wrong.stdout)\(wrong.stderr)")

        // A platform the index does not list: exit 2 naming the ones it has, nothing cached.
        let missing = try freshCache()
        defer { try? FileManager.default.removeItem(atPath: missing) }
        let none = try basefit(["check", TestPaths.elf("hello-glibc"), "--arch", "riscv64", "--image", image, "--tls-verify=false"], cache: missing)
        #expect(none.status == 2)
        #expect(none.stderr.contains("no manifest for linux/riscv64") && none.stderr.contains("linux/amd64, linux/arm64"), "\(none.stderr)")
        #expect(cachedBlobs(missing).isEmpty)
    }

    @Test func credentialsFromTheFlagAndTheAuthFile() throws {
        guard let registry else { return }
        let cache = try freshCache()
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let image = "docker://\(registry.auth)/private/musl:1"
        let anonymous = try basefit(["check", TestPaths.elf("hello-musl"), "--image", image, "--tls-verify=false"], cache: cache)
        #expect(anonymous.status == 2)
        #expect(anonymous.stderr.contains("user name and password") && anonymous.stderr.contains("--creds"), "\(anonymous.stderr)")

        let wrong = try basefit(["check", TestPaths.elf("hello-musl"), "--image", image, "--tls-verify=false", "--creds", "\(LocalRegistry.user):nope"], cache: cache)
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("unauthorized") && wrong.stderr.contains("--creds"), "\(wrong.stderr)")
        #expect(cachedBlobs(cache).isEmpty)

        let good = try basefit(["check", TestPaths.elf("hello-musl"), "--image", image, "--tls-verify=false",
                                "--creds", "\(LocalRegistry.user):\(LocalRegistry.password)"], cache: cache)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("compatible: \(registry.auth)/private/musl:1@sha256:"))

        // The same credentials from REGISTRY_AUTH_FILE (the containers auth.json format).
        let authFile = cache + "/auth.json"
        let token = Data("\(LocalRegistry.user):\(LocalRegistry.password)".utf8).base64EncodedString()
        try Data(#"{"auths":{"\#(registry.auth)":{"auth":"\#(token)"}}}"#.utf8).write(to: URL(fileURLWithPath: authFile))
        let other = try freshCache()
        defer { try? FileManager.default.removeItem(atPath: other) }
        let fromFile = try basefit(["check", TestPaths.elf("hello-glibc"), "--image", image, "--tls-verify=false"], cache: other,
                                   extra: ["REGISTRY_AUTH_FILE": authFile])
        #expect(fromFile.status == 1, "\(fromFile.stdout)\(fromFile.stderr)")  // glibc file on a musl image
        #expect(fromFile.stdout.hasPrefix("incompatible"))
    }

    @Test func notFoundDownAndWithoutTLSFallback() throws {
        guard let registry else { return }
        let cache = try freshCache()
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let missingTag = try basefit(["check", TestPaths.elf("hello-glibc"), "--image", "docker://\(registry.open)/debian:no-such-tag", "--tls-verify=false"], cache: cache)
        #expect(missingTag.status == 2)
        #expect(missingTag.stderr.contains("not found") && missingTag.stderr.contains("no-such-tag"), "\(missingTag.stderr)")

        let down = ScriptServer.unusedPort()
        let unreachable = try basefit(["check", TestPaths.elf("hello-glibc"), "--image", "docker://127.0.0.1:\(down)/debian:bookworm", "--tls-verify=false"], cache: cache)
        #expect(unreachable.status == 2)
        #expect(unreachable.stderr.contains("cannot reach the registry") && unreachable.stderr.contains("\(down)"), "\(unreachable.stderr)")

        // With TLS verification on, a plain-http registry is not silently used.
        let strict = try basefit(["check", TestPaths.elf("hello-glibc"), "--image", "docker://\(registry.open)/debian:bookworm"], cache: cache)
        #expect(strict.status == 2, "\(strict.stdout)")
        #expect(strict.stderr.contains("cannot reach the registry"), "\(strict.stderr)")
        #expect(cachedBlobs(cache).isEmpty)

        let badReference = try basefit(["check", TestPaths.elf("hello-glibc"), "--image", "debian:bookworm"], cache: cache)
        #expect(badReference.status == 2 && badReference.stderr.contains("docker://"), "\(badReference.stderr)")
    }

    /// The registry serves a layer whose bytes were changed (same size) or cut short: the
    /// download is refused, exit 2, and the cache holds no blob for it and no leftover.
    @Test(arguments: ["flipped", "truncated"])
    func aBadBlobIsNeverCached(fault: String) throws {
        guard let registry else { return }
        let cache = try freshCache()
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let repository = "fault-\(fault)"
        let reference = try registry.pushCopy(repository: repository)
        let layers = (try registry.rawManifest(reference)["layers"] as? [[String: Any]]) ?? []
        let layer = try #require(layers.first?["digest"] as? String)
        let stored = registry.storedBlob(layer)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: stored))
        let original = bytes
        defer { try? original.write(to: URL(fileURLWithPath: stored)) }  // the blob is shared with musl:1
        if fault == "flipped" {
            bytes[bytes.count / 2] ^= 0xff
        } else {
            bytes = bytes.prefix(bytes.count / 2)
        }
        try bytes.write(to: URL(fileURLWithPath: stored))
        let result = try basefit(["check", TestPaths.elf("hello-musl"), "--image", "docker://\(reference)", "--tls-verify=false"], cache: cache)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains(layer), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was kept") || result.stderr.contains("sha256"), "\(result.stderr)")
        let hex = String(layer.dropFirst(7))
        #expect(!cachedBlobs(cache).contains(hex))
        #expect(!cachedBlobs(cache).contains { $0.hasPrefix(".partial") })
    }

    /// The cache's disk fills while a layer downloads (RLIMIT_FSIZE, SIGXFSZ ignored): exit 2
    /// naming the cache, no partial blob; with room the same cache works.
    @Test func aFullDiskLeavesNothingHalfWritten() throws {
        guard let registry else { return }
        let cache = try freshCache()
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let command = "trap '' XFSZ; ulimit -f 2048; exec \"$0\" \"$@\""
        var environment = ProcessInfo.processInfo.environment
        environment["BASEFIT_CACHE_DIR"] = cache
        environment["HOME"] = cache
        let full = try Run.program("/bin/bash", ["-c", command, TestPaths.executable.path, "check", TestPaths.elf("hello-glibc"),
                                                 "--image", "docker://\(registry.open)/debian:bookworm", "--tls-verify=false"], environment: environment)
        #expect(full.status == 2, "\(full.stdout)\(full.stderr)")
        #expect(full.stderr.contains("cannot write") && full.stderr.contains("BASEFIT_CACHE_DIR"), "\(full.stderr)")
        let layers = (try registry.rawManifest(registry.open + "/debian:bookworm")["layers"] as? [[String: Any]]) ?? []
        for layer in layers {
            #expect(!cachedBlobs(cache).contains(String((layer["digest"] as! String).dropFirst(7))))
        }
        #expect(!cachedBlobs(cache).contains { $0.hasPrefix(".partial") })
        let again = try basefit(["check", TestPaths.elf("hello-glibc"), "--image", "docker://\(registry.open)/debian:bookworm", "--tls-verify=false"], cache: cache)
        #expect(again.status == 0, "\(again.stderr)")
    }

    /// `check --image` alone judges the image's own files: the debootstrapped root's 600-odd
    /// ELF files all load there.
    @Test func theImageItselfLoads() throws {
        guard let registry else { return }
        let cache = try freshCache()
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let result = try basefit(["check", "--image", "docker://\(registry.open)/debian:bookworm", "--tls-verify=false", "--format", "json"], cache: cache)
        #expect(result.status == 0, "\(result.stdout.prefix(2000))\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(json != nil)
        #expect(result.stdout.contains("usr/bin/apt"), "the image's own files are listed")
    }
}
