import Foundation

/// Proxies as curl and Go read them: `HTTPS_PROXY` for https URLs, `HTTP_PROXY` for http
/// URLs (upper or lower case), and `NO_PROXY`, a comma-separated list of host names or
/// domain suffixes (`.example.com` or `example.com` also match `a.example.com`, `*` matches
/// everything, an optional `:port` must match too) that are reached directly.
public struct ProxySettings: Sendable, Hashable {
    /// A proxy server, `http://[user:pass@]host:port` (https through it uses CONNECT).
    public struct Server: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var user: String?
        public var password: String?

        /// Parses `http://user:pass@host:port`, `host:port` or `host` (port 80).
        public init?(_ text: String) {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { return nil }
            let withScheme = trimmed.contains("://") ? trimmed : "http://" + trimmed
            guard let components = URLComponents(string: withScheme), let host = components.host, !host.isEmpty else { return nil }
            self.host = host
            port = components.port ?? (components.scheme == "https" ? 443 : 80)
            user = components.user?.removingPercentEncoding
            password = components.password?.removingPercentEncoding
        }
    }

    public var https: Server?
    public var http: Server?
    public var noProxy: [String]

    public init(https: Server? = nil, http: Server? = nil, noProxy: [String] = []) {
        self.https = https
        self.http = http
        self.noProxy = noProxy
    }

    /// Reads HTTPS_PROXY/https_proxy, HTTP_PROXY/http_proxy and NO_PROXY/no_proxy.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ProxySettings {
        func value(_ name: String) -> String? {
            (environment[name] ?? environment[name.lowercased()]).flatMap { $0.isEmpty ? nil : $0 }
        }
        return ProxySettings(
            https: value("HTTPS_PROXY").flatMap(Server.init),
            http: value("HTTP_PROXY").flatMap(Server.init),
            noProxy: (value("NO_PROXY") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
    }

    /// The proxy for a URL of this scheme and host, or nil to connect directly.
    public func server(scheme: String, host: String, port: Int) -> Server? {
        let proxy = scheme == "https" ? https : http
        guard proxy != nil else { return nil }
        let host = host.lowercased()
        for entry in noProxy {
            if entry == "*" { return nil }
            var pattern = entry
            if let colon = entry.lastIndex(of: ":"), !entry.contains("]") || entry.hasSuffix("]") == false,
               let entryPort = Int(entry[entry.index(after: colon)...]) {
                guard entryPort == port else { continue }
                pattern = String(entry[..<colon])
            }
            if pattern.hasPrefix("*.") { pattern.removeFirst() }
            if pattern.hasPrefix(".") { pattern.removeFirst() }
            if host == pattern || host.hasSuffix("." + pattern) { return nil }
        }
        return proxy
    }
}
