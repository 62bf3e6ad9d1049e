import AsyncHTTPClient
import Crypto
import Foundation
import POSIXFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// GETs over HTTP(S) with the fetcher's proxy, TLS and timeout settings, following redirects
/// itself (credentials are dropped when a redirect leaves the original host, as registries'
/// blob redirects to object storage require), refusing bodies over a size cap, and
/// downloading to files that appear only once their sha256 is right.
///
/// One fetcher serves many requests (connections are pooled); call `shutdown()` when done.
public final class HTTPFetcher: Sendable {
    public let options: FetchOptions
    private let direct: HTTPClient
    private let proxied: [ProxySettings.Server: HTTPClient]

    public init(options: FetchOptions = FetchOptions()) {
        self.options = options
        direct = Self.makeClient(options, proxy: nil)
        var proxied: [ProxySettings.Server: HTTPClient] = [:]
        for server in [options.proxy.https, options.proxy.http].compactMap({ $0 }) where proxied[server] == nil {
            proxied[server] = Self.makeClient(options, proxy: server)
        }
        self.proxied = proxied
    }

    /// A fetcher dropped without `shutdown()` (an error path) still closes its connections.
    deinit {
        _ = direct.shutdown()
        for client in proxied.values { _ = client.shutdown() }
    }

    /// Closes the pooled connections. The fetcher cannot be used afterwards.
    public func shutdown() async {
        try? await direct.shutdown()
        for client in proxied.values { try? await client.shutdown() }
    }

    /// GETs `url` (following redirects) and returns the whole 2xx answer. `range` asks for
    /// those bytes only (a 206 answer). Any other status throws `.status` (with Retry-After);
    /// a body past `maxBytes` throws `.tooLarge`; fewer bytes than Content-Length `.truncated`.
    public func get(
        _ url: String, headers: [(String, String)] = [], range: ClosedRange<Int64>? = nil, maxBytes: Int
    ) async throws(NetworkError) -> HTTPReply {
        var headers = headers
        if let range { headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound)")) }
        let (response, finalURL) = try await send(url, headers: headers)
        let announced = try Self.checkAnnouncedLength(response, limit: Int64(maxBytes), url: finalURL)
        let body = try await Self.collect(response, maxBytes: maxBytes, url: finalURL)
        if let announced, Int64(body.count) < announced {
            throw NetworkError(.truncated, url: finalURL, detail: "the connection closed after \(body.count) of \(announced) bytes")
        }
        return HTTPReply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                         body: body, finalURL: finalURL)
    }

    /// GETs `url` into the file `path`, streaming through a temporary file beside it that is
    /// renamed to `path` only when the whole body arrived, is at most `maxBytes`, and (when
    /// given) its sha256 equals `expectedSHA256` (64 lowercase hex digits). On any failure
    /// nothing is left at `path` or beside it. Returns the size and sha256 (hex) written.
    @discardableResult
    public func download(
        _ url: String, headers: [(String, String)] = [], to path: String, maxBytes: Int64, expectedSHA256: String?
    ) async throws(NetworkError) -> (bytes: Int64, sha256: String) {
        let (response, finalURL) = try await send(url, headers: headers)
        let announced = try Self.checkAnnouncedLength(response, limit: maxBytes, url: finalURL)
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = (directory.isEmpty ? "." : directory) + "/.partial-\(UUID().uuidString)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw NetworkError(.localFile, url: finalURL, detail: "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        var closed = false
        var renamed = false
        defer {
            if !closed { close(fd) }
            if !renamed { unlink(temporary) }
        }
        var hasher = SHA256()
        var written: Int64 = 0
        do {
            for try await buffer in response.body {
                guard written + Int64(buffer.readableBytes) <= maxBytes else {
                    throw NetworkError(.tooLarge, url: finalURL, detail: "the download is larger than \(maxBytes) bytes")
                }
                try buffer.withUnsafeReadableBytes { (bytes: UnsafeRawBufferPointer) throws(NetworkError) in
                    hasher.update(bufferPointer: bytes)
                    if let code = FileWrite.all(bytes, to: fd) {
                        throw NetworkError(.localFile, url: finalURL, detail: "cannot write \(path): \(String(cString: strerror(code)))")
                    }
                }
                written += Int64(buffer.readableBytes)
            }
        } catch {
            throw Self.classify(error, url: finalURL)
        }
        if let announced, written < announced {
            throw NetworkError(.truncated, url: finalURL, detail: "the connection closed after \(written) of \(announced) bytes")
        }
        let digest = hasher.finalize().hexString
        if let expectedSHA256, digest != expectedSHA256 {
            throw NetworkError(.digestMismatch, url: finalURL, detail: "the downloaded bytes' sha256 is \(digest), expected \(expectedSHA256)")
        }
        closed = true
        if fsync(fd) != 0 || close(fd) != 0 {
            throw NetworkError(.localFile, url: finalURL, detail: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, path) == 0 else {
            throw NetworkError(.localFile, url: finalURL, detail: "cannot move the download to \(path): \(String(cString: strerror(errno)))")
        }
        renamed = true
        return (written, digest)
    }

    /// Sends `method` (`HEAD`, `POST`, `PUT`, …) with `body`, following redirects as `get`
    /// does, and returns the 2xx answer: its status, headers (a registry's `Location`,
    /// `Docker-Content-Digest`) and at most `maxBytes` of body (none for `HEAD`).
    public func request(
        _ method: String, _ url: String, headers: [(String, String)] = [], body: Data? = nil, maxBytes: Int = 1 << 20
    ) async throws(NetworkError) -> HTTPReply {
        let (response, finalURL) = try await send(url, method: method, headers: headers, body: body)
        let received = method == "HEAD" ? Data() : try await Self.collect(response, maxBytes: maxBytes, url: finalURL)
        return HTTPReply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                         body: received, finalURL: finalURL)
    }

    /// A response body read whole, refused past `maxBytes`.
    private static func collect(_ response: HTTPClientResponse, maxBytes: Int, url: String) async throws(NetworkError) -> Data {
        var body = Data()
        do {
            for try await buffer in response.body {
                guard body.count + buffer.readableBytes <= maxBytes else {
                    throw NetworkError(.tooLarge, url: url, detail: "the answer is larger than \(maxBytes) bytes")
                }
                body.append(contentsOf: buffer.readableBytesView)
            }
        } catch {
            throw classify(error, url: url)
        }
        return body
    }

    // MARK: - Requests

    /// Sends a request (a GET unless told) and follows redirects; returns the 2xx response
    /// whose body is not read yet.
    private func send(
        _ url: String, method: String = "GET", headers: [(String, String)], body: Data? = nil
    ) async throws(NetworkError) -> (HTTPClientResponse, String) {
        var current = url
        var headers = headers
        guard let first = URLComponents(string: url), let origin = Origin(first) else {
            throw NetworkError(.invalidURL, url: url, detail: "not an http or https URL")
        }
        for _ in 0...options.maxRedirects {
            guard let components = URLComponents(string: current), let here = Origin(components) else {
                throw NetworkError(.invalidURL, url: current, detail: "not an http or https URL")
            }
            if here != origin {
                headers.removeAll { $0.0.caseInsensitiveCompare("Authorization") == .orderedSame }
            }
            var request = HTTPClientRequest(url: current)
            request.method = .init(rawValue: method)
            if let body { request.body = .bytes(body) }
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            let client = options.proxy.server(scheme: here.scheme, host: here.host, port: here.port).flatMap { proxied[$0] } ?? direct
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, timeout: .seconds(Int64(options.timeout)))
            } catch {
                throw Self.classify(error, url: current)
            }
            let status = Int(response.status.code)
            if (200..<300).contains(status) { return (response, current) }
            if [301, 302, 303, 307, 308].contains(status) {
                guard let location = response.headers.first(name: "location"),
                      let next = URL(string: location, relativeTo: URL(string: current))?.absoluteString else {
                    throw NetworkError(.redirect, url: current, detail: "HTTP \(status) without a usable Location")
                }
                current = next
                continue
            }
            let retryAfter = response.headers.first(name: "retry-after")
            var snippet = ""
            if let body = try? await response.body.collect(upTo: 4096) {
                snippet = String(decoding: body.readableBytesView, as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                if snippet.count > 300 { snippet = String(snippet.prefix(300)) + "…" }
            }
            var detail = "HTTP \(status)"
            if let retryAfter { detail += ", retry after \(retryAfter)\(Int(retryAfter) != nil ? " s" : "")" }
            if !snippet.isEmpty { detail += ": \(snippet)" }
            throw NetworkError(.status(status, retryAfter: retryAfter), url: current, detail: detail,
                               headers: response.headers.map { ($0.name, $0.value) })
        }
        throw NetworkError(.redirect, url: current, detail: "more than \(options.maxRedirects) redirects")
    }

    private static func checkAnnouncedLength(_ response: HTTPClientResponse, limit: Int64, url: String) throws(NetworkError) -> Int64? {
        guard let text = response.headers.first(name: "content-length"), let length = Int64(text) else { return nil }
        guard length <= limit else {
            throw NetworkError(.tooLarge, url: url, detail: "the answer announces \(length) bytes, more than the limit of \(limit)")
        }
        return length
    }

    private struct Origin: Hashable {
        var scheme: String
        var host: String
        var port: Int

        init?(_ components: URLComponents) {
            guard let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  let host = components.host?.lowercased(), !host.isEmpty else { return nil }
            self.scheme = scheme
            self.host = host
            port = components.port ?? (scheme == "https" ? 443 : 80)
        }
    }

    private static func makeClient(_ options: FetchOptions, proxy: ProxySettings.Server?) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            certificateVerification: options.tlsVerify ? .fullVerification : .none,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(Int64(options.timeout)), read: .seconds(Int64(options.timeout))),
            proxy: proxy.map { server in
                .server(host: server.host, port: server.port,
                        authorization: server.user.map { .basic(username: $0, password: server.password ?? "") })
            },
            decompression: .disabled)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Maps what AsyncHTTPClient, NIO or the TLS layer threw to a `NetworkError`.
    static func classify(_ error: any Error, url: String) -> NetworkError {
        if let error = error as? NetworkError { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .readTimeout, .writeTimeout, .deadlineExceeded, .tlsHandshakeTimeout,
                 .httpProxyHandshakeTimeout, .socksHandshakeTimeout, .getConnectionFromPoolTimeout:
                return NetworkError(.timeout, url: url, detail: "timed out (\(error))")
            case .remoteConnectionClosed:
                return NetworkError(.truncated, url: url, detail: "the server closed the connection before the answer was complete")
            case .invalidURL, .emptyHost, .emptyScheme:
                return NetworkError(.invalidURL, url: url, detail: "not a usable URL")
            case .proxyAuthenticationRequired, .invalidProxyResponse:
                return NetworkError(.unreachable, url: url, detail: "the proxy refused the connection (\(error))")
            default:
                break
            }
        }
        let text = String(reflecting: error)
        if text.contains("invalidEOFState") || text.contains("unexpected time") || text.contains("unexpectedEOF") {
            return NetworkError(.truncated, url: url, detail: "the connection closed before the answer was complete (\(error))")
        }
        if text.contains("SSL") || text.contains("TLS") || text.contains("certificate") || text.contains("handshake") {
            return NetworkError(.tls, url: url, detail: "TLS failed: \(error) (for a registry with a self-signed certificate use --tls-verify=false)")
        }
        if text.contains("Connection refused") || text.contains("connectionRefused") {
            return NetworkError(.unreachable, url: url, detail: "cannot connect: connection refused")
        }
        if text.contains("onnection") || text.contains("NIOConnectionError") || text.contains("refused")
            || text.contains("resolve") || text.contains("IOError") {
            return NetworkError(.unreachable, url: url, detail: "cannot connect: \(error)")
        }
        return NetworkError(.unreachable, url: url, detail: "request failed: \(error)")
    }
}

extension HTTPFetcher {
    /// sha256 of bytes received whole, as 64 lowercase hex digits (to check them against an index's or a lockfile's hash).
    public static func sha256(of bytes: Data) -> String {
        SHA256.hash(data: bytes).hexString
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hex, two digits a byte.
    var hexString: String {
        var text = ""
        for byte in self {
            text.append(Self.digits[Int(byte >> 4)])
            text.append(Self.digits[Int(byte & 0x0f)])
        }
        return text
    }

    private static var digits: [Character] { Array("0123456789abcdef") }
}
