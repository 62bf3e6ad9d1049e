import Foundation
import HTTPTransport
import Testing
import TestSupport

/// HTTPFetcher against a real loopback server with scripted faults.
@Suite(.serialized) struct HTTPFetcherTests {
    let server: FaultServer
    // Generous: in the whole suite, synchronous tests can hold the cooperative pool's threads
    // for a long time; the response body is then not consumed, AsyncHTTPClient stops reading
    // (back-pressure) and its idle read timer fires although the server is fine.
    let fetcher = HTTPFetcher(options: FetchOptions(timeout: 300, proxy: ProxySettings()))

    init() throws {
        server = try FaultServer()
    }

    @Test func getFollowsRedirectsAndReportsTheFinalURL() async throws {
        let reply = try await fetcher.get(server.base + "/redirect", maxBytes: 1 << 20)
        #expect(reply.status == 200)
        #expect(reply.body.count == FaultServer.bodySize)
        #expect(reply.finalURL == server.base + "/body")
        await fetcher.shutdown()
    }

    @Test func rangeReturnsThoseBytes() async throws {
        let whole = try await fetcher.get(server.base + "/body", maxBytes: 1 << 20).body
        let part = try await fetcher.get(server.base + "/body", range: 1000...1999, maxBytes: 1 << 20)
        #expect(part.status == 206)
        #expect(part.body == whole.subdata(in: 1000..<2000))
        await fetcher.shutdown()
    }

    @Test func statusErrorsCarryTheURLAndRetryAfter() async throws {
        do {
            _ = try await fetcher.get(server.base + "/ratelimited", maxBytes: 1 << 20)
            Issue.record("no error")
        } catch {
            #expect(error.status == 429)
            #expect(error.retryAfter == "42")
            #expect(error.url == server.base + "/ratelimited")
            #expect(error.description.contains("retry after 42 s"), "\(error)")
        }
        do {
            _ = try await fetcher.get(server.base + "/missing", maxBytes: 1 << 20)
            Issue.record("no error")
        } catch {
            #expect(error.status == 404)
        }
        await fetcher.shutdown()
    }

    @Test func sizeCapRedirectLoopAndUnreachable() async throws {
        do {
            _ = try await fetcher.get(server.base + "/body", maxBytes: 1000)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .tooLarge, "\(error)")
        }
        do {
            _ = try await fetcher.get(server.base + "/redirect-loop", maxBytes: 1000)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .redirect, "\(error)")
        }
        // A port nobody listens on: take one from the kernel and close it again.
        let closedPort = ScriptServer.unusedPort()
        do {
            _ = try await fetcher.get("http://127.0.0.1:\(closedPort)/", maxBytes: 1000)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .unreachable, "\(error)")
            #expect(error.url.contains("\(closedPort)"))
        }
        await fetcher.shutdown()
    }

    @Test func downloadVerifiesAndLeavesNothingOnFailure() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-net-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("blob").path

        let good = try await fetcher.download(server.base + "/body", to: target, maxBytes: 1 << 20, expectedSHA256: server.bodySHA256)
        #expect(good.bytes == Int64(FaultServer.bodySize) && good.sha256 == server.bodySHA256)
        #expect(try Run.program("/usr/bin/sha256sum", [target]).stdout.hasPrefix(server.bodySHA256))
        try FileManager.default.removeItem(atPath: target)

        let wrong = String(repeating: "0", count: 64)
        await #expect(throws: NetworkError.self) {
            try await fetcher.download(server.base + "/body", to: target, maxBytes: 1 << 20, expectedSHA256: wrong)
        }
        do {
            try await fetcher.download(server.base + "/body", to: target, maxBytes: 1 << 20, expectedSHA256: wrong)
        } catch {
            #expect(error.kind == .digestMismatch && error.description.contains(server.bodySHA256), "\(error)")
        }
        do {
            try await fetcher.download(server.base + "/truncated", to: target, maxBytes: 1 << 20, expectedSHA256: nil)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .truncated, "\(error)")
        }
        do {
            try await fetcher.download(server.base + "/body", to: target, maxBytes: 1000, expectedSHA256: nil)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .tooLarge, "\(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        await fetcher.shutdown()
    }

    @Test func readTimeout() async throws {
        let started = Date()
        let impatient = HTTPFetcher(options: FetchOptions(timeout: 3, proxy: ProxySettings()))
        defer { Task { await impatient.shutdown() } }
        do {
            _ = try await impatient.get(server.base + "/slow", maxBytes: 1000)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .timeout || error.kind == .truncated, "\(error)")
        }
        #expect(Date().timeIntervalSince(started) < 120)
        await fetcher.shutdown()
    }

    @Test func proxyRulesFollowNoProxy() {
        let settings = ProxySettings.fromEnvironment([
            "HTTPS_PROXY": "http://user:p%40ss@proxy.example:3128", "http_proxy": "proxy2.example:8080",
            "NO_PROXY": "localhost,.internal.example,registry.example:5000",
        ])
        #expect(settings.https?.host == "proxy.example" && settings.https?.port == 3128)
        #expect(settings.https?.user == "user" && settings.https?.password == "p@ss")
        #expect(settings.server(scheme: "https", host: "ghcr.io", port: 443)?.host == "proxy.example")
        #expect(settings.server(scheme: "http", host: "ghcr.io", port: 80)?.host == "proxy2.example")
        #expect(settings.server(scheme: "https", host: "localhost", port: 443) == nil)
        #expect(settings.server(scheme: "https", host: "a.internal.example", port: 443) == nil)
        #expect(settings.server(scheme: "https", host: "registry.example", port: 5000) == nil)
        #expect(settings.server(scheme: "https", host: "registry.example", port: 443) != nil)
        #expect(ProxySettings.fromEnvironment(["HTTPS_PROXY": "http://p:1", "NO_PROXY": "*"]).server(scheme: "https", host: "x", port: 443) == nil)
    }
}
