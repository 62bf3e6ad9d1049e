import Foundation

/// A user name and password (or token) for a registry's basic auth and token service.
public struct RegistryCredentials: Sendable, Hashable {
    public var user: String
    public var password: String
    /// Where they came from, for messages: "--creds", a file path.
    public var origin: String

    public init(user: String, password: String, origin: String) {
        self.user = user
        self.password = password
        self.origin = origin
    }

    /// `USER:PASS` as `--creds` takes it (the password may contain colons).
    public init(creds text: String) throws(RegistryError) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
            throw RegistryError(.badReference, reference: "--creds", detail: "give USER:PASSWORD")
        }
        self.init(user: String(text[..<colon]), password: String(text[text.index(after: colon)...]), origin: "--creds")
    }

    /// Credentials for `host` (as in the reference: `ghcr.io`, `localhost:5000`; nil for
    /// Docker Hub) from, in order: `REGISTRY_AUTH_FILE`, `$XDG_RUNTIME_DIR/containers/auth.json`,
    /// `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`. Entries are `auths` keyed by
    /// host (with or without `https://` and a path); an `auth` value is base64 of `user:pass`.
    /// Within a file, as docker does: the host's `credHelpers` entry, else `credsStore`, run as
    /// a credential helper; then `auths`.
    public static func lookup(host: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> RegistryCredentials? {
        var files: [String] = []
        if let file = environment["REGISTRY_AUTH_FILE"], !file.isEmpty { files.append(file) }
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { files.append(runtime + "/containers/auth.json") }
        if let docker = environment["DOCKER_CONFIG"], !docker.isEmpty {
            files.append(docker + "/config.json")
        } else if let home = environment["HOME"], !home.isEmpty {
            files.append(home + "/.docker/config.json")
        }
        let wanted = host.map { [$0.lowercased()] } ?? ["docker.io", "index.docker.io", "registry-1.docker.io"]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file),
                  let config = try? JSONDecoder().decode(AuthFile.self, from: data) else { continue }
            let helper = config.credHelpers?.first { wanted.contains(Self.hostOfKey($0.key)) }?.value ?? config.credsStore
            if let helper, let found = CredentialHelper(name: helper).credentials(
                server: host ?? "https://index.docker.io/v1/", origin: file, environment: environment) {
                return found
            }
            for (key, entry) in config.auths ?? [:] where wanted.contains(Self.hostOfKey(key)) {
                if let found = entry.credentials(origin: file) { return found }
            }
        }
        return nil
    }

    /// `https://index.docker.io/v1/` → `index.docker.io`; `localhost:5000` stays.
    static func hostOfKey(_ key: String) -> String {
        var text = key.lowercased()
        if let scheme = text.range(of: "://") { text = String(text[scheme.upperBound...]) }
        if let slash = text.firstIndex(of: "/") { text = String(text[..<slash]) }
        return text
    }

    private struct AuthFile: Decodable {
        var auths: [String: Entry]?
        var credsStore: String?
        var credHelpers: [String: String]?
    }

    private struct Entry: Decodable {
        var auth: String?
        var username: String?
        var password: String?
        var identitytoken: String?

        func credentials(origin: String) -> RegistryCredentials? {
            if let auth, let data = Data(base64Encoded: auth), let text = String(data: data, encoding: .utf8),
               let colon = text.firstIndex(of: ":") {
                return RegistryCredentials(user: String(text[..<colon]), password: String(text[text.index(after: colon)...]), origin: origin)
            }
            if let username, let password { return RegistryCredentials(user: username, password: password, origin: origin) }
            return nil
        }
    }
}
