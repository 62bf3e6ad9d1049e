/// How an `HTTPFetcher` connects.
public struct FetchOptions: Sendable {
    /// false: accept any TLS certificate (a local registry with a self-signed one). Plain
    /// `http://` URLs are not affected.
    public var tlsVerify: Bool
    /// Seconds allowed to connect, and between two reads of a response.
    public var timeout: Int
    /// Redirects followed per request.
    public var maxRedirects: Int
    /// Proxies, normally from the environment.
    public var proxy: ProxySettings

    public init(tlsVerify: Bool = true, timeout: Int = 30, maxRedirects: Int = 8, proxy: ProxySettings = .fromEnvironment()) {
        self.tlsVerify = tlsVerify
        self.timeout = timeout
        self.maxRedirects = maxRedirects
        self.proxy = proxy
    }
}
