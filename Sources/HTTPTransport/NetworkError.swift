/// Why a request failed: the URL asked for and what went wrong there.
public struct NetworkError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The URL does not parse or uses a scheme other than http/https.
        case invalidURL
        /// No connection: refused, DNS failure, reset, a proxy that does not answer.
        case unreachable
        /// Connecting, or waiting for the next bytes, took longer than the fetcher's timeout.
        case timeout
        /// The TLS handshake failed (certificate not trusted, wrong host name, protocol).
        case tls
        /// The server answered with a status other than 2xx. `retryAfter` is the
        /// `Retry-After` header as sent (seconds or an HTTP date), for 429 and 503.
        case status(Int, retryAfter: String?)
        /// The body is, or announces (Content-Length), more than the caller's `maxBytes`.
        case tooLarge
        /// The downloaded bytes' sha256 differs from the one expected.
        case digestMismatch
        /// The connection closed before the announced Content-Length arrived.
        case truncated
        /// Too many redirects, or a redirect without a usable Location.
        case redirect
        /// Writing the downloaded file failed (disk full, file size limit, permissions).
        case localFile
    }

    public var kind: Kind
    /// The URL the failing request went to (after redirects).
    public var url: String
    /// What went wrong, in words.
    public var detail: String
    /// For `.status`: the answer's headers (a registry's `WWW-Authenticate` challenge).
    public var headers: [(String, String)]

    public init(_ kind: Kind, url: String, detail: String, headers: [(String, String)] = []) {
        self.kind = kind
        self.url = url
        self.detail = detail
        self.headers = headers
    }

    /// The first value of a header of the failed answer, names compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The HTTP status, when the server answered with a non-2xx one.
    public var status: Int? {
        if case .status(let code, _) = kind { return code }
        return nil
    }

    /// The `Retry-After` value of a 429/503 answer.
    public var retryAfter: String? {
        if case .status(_, let retryAfter) = kind { return retryAfter }
        return nil
    }

    public var description: String { "\(url): \(detail)" }
}
