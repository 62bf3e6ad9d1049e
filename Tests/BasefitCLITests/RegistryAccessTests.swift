import Foundation
import Testing
import TestSupport

/// How basefit reaches a registry in a user's real setup: through an HTTP proxy from the
/// environment (and around it for NO_PROXY hosts), and with credentials a Docker credential
/// helper keeps. Against the loopback docker-registry instances of `LocalRegistry`.
@Suite(.serialized) struct RegistryAccessTests {
    let registry: LocalRegistry?

    init() {
        registry = LocalRegistry.shared()
    }

    func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-access-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func basefit(_ arguments: [String], home: String, extra: [String: String]) throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment["BASEFIT_CACHE_DIR"] = home + "/cache"
        environment["HOME"] = home
        for key in ["REGISTRY_AUTH_FILE", "XDG_RUNTIME_DIR", "DOCKER_CONFIG", "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"] {
            environment.removeValue(forKey: key)
        }
        for (key, value) in extra { environment[key] = value }
        return try Run.program(TestPaths.executable.path, arguments, environment: environment)
    }

    @Test func throughTheProxyFromTheEnvironmentAndAroundItForNoProxy() throws {
        guard let registry else { return }
        let home = try scratch()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let log = home + "/proxy.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("proxy_server.py").path
        let proxy = try ScriptServer(script: script, arguments: [log], lines: 1)
        let proxyURL = "http://127.0.0.1:\(try proxy.port())"
        let image = "docker://\(registry.open)/musl:1"  // the small image: the tunnel is a Python loop

        let proxied = try basefit(["check", TestPaths.elf("hello-musl"), "--image", image, "--tls-verify=false"], home: home,
                                  extra: ["HTTP_PROXY": proxyURL])
        #expect(proxied.status == 0, "\(proxied.stdout)\(proxied.stderr)")
        let seen = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        // The registry was reached through the proxy (a CONNECT tunnel, as AsyncHTTPClient
        // proxies every request), and nothing reached it any other way: the tunnel carried it.
        #expect(!seen.isEmpty && seen.allSatisfy { $0 == "CONNECT \(registry.open)" }, "\(seen)")

        // NO_PROXY names the registry: nothing more reaches the proxy (a fresh cache, so the
        // image is fetched again).
        try FileManager.default.removeItem(atPath: home + "/cache")
        let before = seen.count
        let direct = try basefit(["check", TestPaths.elf("hello-musl"), "--image", image, "--tls-verify=false"], home: home,
                                 extra: ["HTTP_PROXY": proxyURL, "NO_PROXY": "localhost,127.0.0.1"])
        #expect(direct.status == 0, "\(direct.stdout)\(direct.stderr)")
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == before)

        // A proxy that is down is a clear error (exit 2), never a verdict.
        proxy.stop()
        try FileManager.default.removeItem(atPath: home + "/cache")
        let down = try basefit(["check", TestPaths.elf("hello-musl"), "--image", image, "--tls-verify=false"], home: home,
                               extra: ["HTTP_PROXY": proxyURL])
        #expect(down.status == 2, "\(down.stdout)\(down.stderr)")
        #expect(down.stdout.isEmpty)
        #expect(down.stderr.contains("cannot reach") || down.stderr.contains("connect"), "\(down.stderr)")
    }

    /// A docker-credential-* helper on PATH, as `credsStore` / `credHelpers` name it. It
    /// answers only for the server it is asked about and logs each question.
    func writeHelper(_ name: String, in directory: String, server: String, user: String, secret: String) throws {
        let path = directory + "/docker-credential-" + name
        let script = """
            #!/bin/sh
            [ "$1" = get ] || exit 1
            read -r asked
            echo "$asked" >> "\(directory)/\(name).asked"
            if [ "$asked" = "\(server)" ]; then
              printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\\n' "$asked" "\(user)" "\(secret)"
            else
              echo "credentials not found in native keychain"; exit 1
            fi
            """
        try Data(script.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    @Test func credentialsFromADockerCredentialHelper() throws {
        guard let registry else { return }
        let home = try scratch()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let bin = home + "/bin"
        try FileManager.default.createDirectory(atPath: bin + "/../.docker", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try writeHelper("store", in: bin, server: registry.auth, user: LocalRegistry.user, secret: LocalRegistry.password)
        try writeHelper("wrong", in: bin, server: registry.auth, user: LocalRegistry.user, secret: "nope")
        let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let image = "docker://\(registry.auth)/private/musl:1"
        let config = home + "/.docker/config.json"

        // credsStore: the store's helper is asked for this registry and its answer is used.
        try Data(#"{"auths":{"\#(registry.auth)":{}},"credsStore":"store"}"#.utf8).write(to: URL(fileURLWithPath: config))
        let stored = try basefit(["check", TestPaths.elf("hello-musl"), "--image", image, "--tls-verify=false"], home: home, extra: ["PATH": path])
        #expect(stored.status == 0, "\(stored.stdout)\(stored.stderr)")
        let asked = try String(contentsOfFile: bin + "/store.asked", encoding: .utf8).split(separator: "\n")
        #expect(asked == [Substring(registry.auth)], "asked once, for the registry's host: \(asked)")

        // credHelpers for this host wins over credsStore: its (wrong) secret is what the
        // registry sees, so this is unauthorized, exit 2.
        try Data(#"{"credsStore":"store","credHelpers":{"\#(registry.auth)":"wrong"}}"#.utf8).write(to: URL(fileURLWithPath: config))
        try FileManager.default.removeItem(atPath: home + "/cache")
        let wrong = try basefit(["check", TestPaths.elf("hello-musl"), "--image", image, "--tls-verify=false"], home: home, extra: ["PATH": path])
        #expect(wrong.status == 2, "\(wrong.stdout)\(wrong.stderr)")
        #expect(wrong.stderr.contains("unauthorized"), "\(wrong.stderr)")

        // A helper that is not installed: no credentials, so the registry's demand is the error.
        try Data(#"{"credsStore":"absent"}"#.utf8).write(to: URL(fileURLWithPath: config))
        let absent = try basefit(["check", TestPaths.elf("hello-musl"), "--image", image, "--tls-verify=false"], home: home, extra: ["PATH": path])
        #expect(absent.status == 2)
        #expect(absent.stderr.contains("user name and password"), "\(absent.stderr)")
    }
}
