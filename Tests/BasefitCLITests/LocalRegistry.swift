import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Two loopback CNCF distribution registries (Debian's docker-registry), one open and one
/// behind htpasswd, holding images umoci assembled from the debootstrapped roots and skopeo
/// pushed (scripts/registry-fixture.sh). Built once per test process; nil (tests skip) when
/// a tool or root is missing.
final class LocalRegistry: @unchecked Sendable {
    static let user = "alice"
    static let password = "s3cret-pass"
    static let script = TestPaths.packageRoot.appendingPathComponent("scripts/registry-fixture.sh").path

    let directory: String
    let openPort: Int
    let authPort: Int
    private(set) var servers: [Process] = []
    /// The OCI layout the images came from (tags bookworm, bookworm-arm64, musl).
    var layout: String { directory + "/layout" }
    var open: String { "127.0.0.1:\(openPort)" }
    var auth: String { "127.0.0.1:\(authPort)" }

    nonisolated(unsafe) static var started: LocalRegistry??
    static let lock = NSLock()
    static let layoutLock = NSLock()

    /// The shared instance, or nil with the reason printed once.
    static func shared() -> LocalRegistry? {
        lock.lock()
        defer { lock.unlock() }
        if let started { return started }
        do {
            let made = try LocalRegistry()
            started = .some(made)
        } catch {
            print("LocalRegistry: skipped: \(error)")
            started = .some(nil)
        }
        return started!
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    private init() throws {
        for tool in ["docker-registry", "umoci", "skopeo", "htpasswd", "curl", "buildah"] where Run.which(tool) == nil {
            throw Missing(description: "\(tool) is not installed (scripts/deps.sh installs it)")
        }
        for root in ["bookworm", "bookworm-arm64", "bookworm-musl"] where !FileManager.default.fileExists(atPath: DebianRoots.path(root) + "/.basefit-complete") {
            throw Missing(description: "root \(root) is missing (scripts/rootfs.sh makes it)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-registry-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        openPort = ScriptServer.unusedPort()
        authPort = ScriptServer.unusedPort()
        try run(["config", directory + "/open", "\(openPort)"])
        try run(["config", directory + "/auth", "\(authPort)", "\(Self.user):\(Self.password)"])
        // Started here, not by the script: a daemon the script forked would inherit the
        // output pipes and keep Run.program waiting for their end.
        servers = try ["open", "auth"].map { name in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Run.which("docker-registry")!)
            process.arguments = ["serve", directory + "/\(name)/config.yml"]
            FileManager.default.createFile(atPath: directory + "/\(name)/log", contents: nil)
            process.standardOutput = FileHandle(forWritingAtPath: directory + "/\(name)/log")
            process.standardError = process.standardOutput
            process.standardInput = FileHandle.nullDevice
            try process.run()
            return process
        }
        try run(["wait", "\(openPort)"])
        try run(["wait", "\(authPort)"])
        try run(["image", DebianRoots.path("bookworm"), layout, "bookworm", "amd64"])
        try run(["image", DebianRoots.path("bookworm-arm64"), layout, "bookworm-arm64", "arm64"])
        try run(["image", DebianRoots.path("bookworm-musl"), layout, "musl", "amd64"])
        try run(["push", layout + ":bookworm", open + "/debian:bookworm"])
        try run(["push", layout + ":bookworm-arm64", open + "/debian:bookworm-arm64"])
        try run(["index", open + "/debian:multi", open + "/debian:bookworm", open + "/debian:bookworm-arm64"])
        try run(["push", layout + ":musl", open + "/musl:1"])
        try run(["push", layout + ":musl", auth + "/private/musl:1", "\(Self.user):\(Self.password)"])
        atexit {
            if let registry = LocalRegistry.started ?? nil {
                for server in registry.servers { kill(server.processIdentifier, SIGTERM) }
                try? FileManager.default.removeItem(atPath: registry.directory)
            }
        }
    }

    @discardableResult
    func run(_ arguments: [String]) throws -> ProcessResult {
        let result = try Run.program("/bin/bash", [Self.script] + arguments)
        guard result.status == 0 else {
            throw Missing(description: "registry-fixture.sh \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
        return result
    }

    /// Pushes the musl image to a fresh repository of the open registry and returns it.
    func pushCopy(repository: String) throws -> String {
        try run(["push", layout + ":musl", open + "/\(repository):1"])
        return open + "/\(repository):1"
    }

    /// basefit run with its own cache and home under `home` and no auth file from the caller's.
    static func basefit(_ arguments: [String], home: String) throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment["BASEFIT_CACHE_DIR"] = home + "/cache"
        environment["HOME"] = home
        environment.removeValue(forKey: "REGISTRY_AUTH_FILE")
        return try Run.program(TestPaths.executable.path, arguments, environment: environment)
    }

    /// An image of the layout (`base`'s tag) with one more layer, the tar `layer`, and the
    /// `environment` entries (`NAME=value`) added to its configuration, tagged `tag` and pushed
    /// to the open registry as `repository:1`; its docker:// reference.
    func pushWithLayer(base: String, layer: String, tag: String, repository: String, environment: [String] = []) throws -> String {
        guard let umoci = Run.which("umoci") else { throw Missing(description: "umoci is not installed") }
        // umoci rewrites the layout's index.json: one change of the shared layout at a time.
        Self.layoutLock.lock()
        defer { Self.layoutLock.unlock() }
        let add = try Run.program(umoci, ["raw", "add-layer", "--image", layout + ":" + base, "--tag", tag, layer])
        guard add.status == 0 else { throw Missing(description: "umoci raw add-layer: \(add.stderr)") }
        for entry in environment {
            let set = try Run.program(umoci, ["config", "--image", layout + ":" + tag, "--tag", tag, "--config.env", entry])
            guard set.status == 0 else { throw Missing(description: "umoci config --config.env: \(set.stderr)") }
        }
        try run(["push", layout + ":" + tag, open + "/\(repository):1"])
        return "docker://\(open)/\(repository):1"
    }

    /// The registry's stored file for a blob (distribution's filesystem layout).
    func storedBlob(_ digest: String) -> String {
        let hex = String(digest.dropFirst("sha256:".count))
        return directory + "/open/storage/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"
    }

    /// `skopeo inspect --raw` of a reference in the open registry, parsed.
    func rawManifest(_ reference: String) throws -> [String: Any] {
        let result = try Run.program(Run.which("skopeo")!, ["inspect", "--raw", "--tls-verify=false", "docker://\(reference)"])
        return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    /// sha256 of `skopeo inspect --raw` output: the manifest digest as the registry has it.
    func manifestDigest(_ reference: String) throws -> String {
        let result = try Run.program("/bin/bash", ["-c", "skopeo inspect --raw --tls-verify=false docker://\(reference) | sha256sum"])
        return "sha256:" + String(result.stdout.prefix(64))
    }

}
