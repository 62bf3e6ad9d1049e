import Crypto
import Domain
import Foundation
import HTTPTransport
import Synchronization

/// Reads one repository of a registry by the OCI distribution spec, as registries serve it:
/// `GET /v2/<name>/manifests/<ref>` and `/blobs/<digest>`, answering a 401's
/// `WWW-Authenticate` challenge with an anonymous or credentialed bearer token from its realm
/// (or basic auth), following blob redirects to object storage without the registry's
/// credentials. With `tlsVerify == false` a registry that does not speak TLS is read over
/// plain http (as skopeo's `--tls-verify=false`). A client made with `access: .push` also
/// uploads (`RegistryClient+Push.swift`) and asks token services for `pull,push`.
public final class RegistryClient: Sendable {
    /// What the client asks a token service for.
    public enum Access: String, Sendable {
        case pull
        case push = "pull,push"
    }

    public let reference: ImageReference
    /// The host the API is at (`registry-1.docker.io` for Docker Hub).
    public let host: String
    /// The repository path in the API (`library/python` for Docker Hub's `python`).
    public let repository: String
    private let fetcher: HTTPFetcher
    private let credentials: RegistryCredentials?
    private let tlsVerify: Bool
    public let access: Access
    private let state = Mutex(State())

    private struct State {
        var authorization: String?
        var scheme = "https"
        var triedPlain = false
    }

    /// Manifests and indexes larger than this are refused.
    static let maxDocumentBytes = 8 << 20

    public init(reference: ImageReference, fetcher: HTTPFetcher, credentials: RegistryCredentials?, tlsVerify: Bool, access: Access = .pull) {
        self.reference = reference
        host = reference.registry ?? "registry-1.docker.io"
        repository = reference.registry == nil && !reference.repository.contains("/") ? "library/" + reference.repository : reference.repository
        self.fetcher = fetcher
        self.credentials = credentials
        self.tlsVerify = tlsVerify
        self.access = access
    }

    /// `docker://host/repo:tag` as the user wrote it, for messages.
    var label: String { "docker://\(reference.registry ?? "docker.io")/\(repository)\(reference.tag.map { ":\($0)" } ?? "")\(reference.digest.map { "@\($0)" } ?? "")" }

    // MARK: - Manifests

    /// The image manifest the reference names; through an index or manifest list, the one for
    /// `platform`. Verified: a manifest fetched by digest must hash to it.
    public func manifest(platform: PlatformChoice) async throws(RegistryError) -> ImageManifest {
        let wanted = reference.digest ?? reference.tag ?? "latest"
        var (bytes, digest, document) = try await fetchManifest(wanted)
        var indexDigest: String?
        var chosenPlatform: String?
        var depth = 0
        while RegistryMediaType.isIndex(document.mediaType) || (document.mediaType == nil && document.manifests != nil && document.layers == nil) {
            depth += 1
            guard depth < 4 else { throw RegistryError(.malformed, reference: label, detail: "image indexes nested too deeply") }
            indexDigest = indexDigest ?? digest
            let entries = (document.manifests ?? []).filter { $0.platform?.os != "unknown" }
            guard let chosen = entries.first(where: { $0.platform.map(platform.matches) ?? false }) else {
                let offered = entries.compactMap(\.platform?.text)
                throw RegistryError(.platformMissing, reference: label,
                                    detail: "the image index has no manifest for \(platform); it has \(offered.isEmpty ? "none" : offered.joined(separator: ", ")) (pick one with --arch or --platform)")
            }
            chosenPlatform = chosen.platform?.text
            (bytes, digest, document) = try await fetchManifest(chosen.digest)
            guard Int64(bytes.count) == chosen.size else {
                throw RegistryError(.digestMismatch, reference: label, detail: "manifest \(chosen.digest) is \(bytes.count) bytes, the index says \(chosen.size)")
            }
        }
        guard let config = document.config, let layers = document.layers else {
            throw RegistryError(.malformed, reference: label, detail: "manifest \(digest) has no config or layers (media type \(document.mediaType ?? "none"))")
        }
        return ImageManifest(digest: digest, mediaType: document.mediaType ?? RegistryMediaType.ociManifest, bytes: bytes,
                             config: config, layers: layers, annotations: document.annotations ?? [:],
                             platform: chosenPlatform, indexDigest: indexDigest, artifactType: document.artifactType)
    }

    func fetchManifest(_ reference: String) async throws(RegistryError) -> ([UInt8], String, IndexDocument) {
        let reply = try await get("/v2/\(repository)/manifests/\(reference)", accept: RegistryMediaType.accepted, what: "manifest \(reference)")
        let bytes = [UInt8](reply.body)
        let digest = Digest.sha256(bytes)
        if reference.hasPrefix("sha256:"), digest != reference {
            throw RegistryError(.digestMismatch, reference: label, detail: "the registry sent a manifest whose sha256 is \(digest) for \(reference)")
        }
        let document: IndexDocument
        do {
            document = try JSONDecoder().decode(IndexDocument.self, from: reply.body)
        } catch {
            throw RegistryError(.malformed, reference: label, detail: "manifest \(reference) is not valid JSON: \(error)")
        }
        var typed = document
        if typed.mediaType == nil, let contentType = reply.header("Content-Type")?.split(separator: ";").first {
            typed.mediaType = String(contentType).trimmingCharacters(in: .whitespaces)
        }
        return (bytes, digest, typed)
    }

    // MARK: - Blobs

    /// Downloads a blob into `cache` unless it is there; verifies size and sha256 first.
    public func fetchBlob(_ descriptor: Descriptor, into cache: BlobCache) async throws(RegistryError) {
        guard descriptor.digest.hasPrefix("sha256:") else {
            throw RegistryError(.malformed, reference: label, detail: "blob digest \(descriptor.digest) is not sha256")
        }
        let hex = String(descriptor.digest.dropFirst("sha256:".count))
        guard hex.count == 64, hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw RegistryError(.malformed, reference: label, detail: "blob digest \(descriptor.digest) is not 64 hex digits")
        }
        if cache.contains(hex: hex, size: descriptor.size) {
            cache.touch(hex: hex)
            return
        }
        try cache.prepare()
        try await send(what: "blob \(descriptor.digest)") { (fetcher, url, headers) throws(NetworkError) in
            let got = try await fetcher.download(url + "/v2/\(self.repository)/blobs/\(descriptor.digest)", headers: headers,
                                                 to: cache.path(hex: hex), maxBytes: descriptor.size, expectedSHA256: hex)
            guard got.bytes == descriptor.size else {
                try? FileManager.default.removeItem(atPath: cache.path(hex: hex))
                throw NetworkError(.truncated, url: url, detail: "blob \(descriptor.digest) is \(got.bytes) bytes, its descriptor says \(descriptor.size)")
            }
        }
    }

    // MARK: - Requests with authentication

    private func get(_ path: String, accept: [String], what: String) async throws(RegistryError) -> HTTPReply {
        try await send(what: what) { (fetcher, base, headers) throws(NetworkError) in
            try await fetcher.get(base + path, headers: headers + [("Accept", accept.joined(separator: ", "))], maxBytes: Self.maxDocumentBytes)
        }
    }

    /// Runs `request` with the current scheme and authorization; on a 401 answers the
    /// challenge once and retries; without TLS verification falls back to plain http once.
    func send<T>(
        what: String, _ request: (HTTPFetcher, String, [(String, String)]) async throws(NetworkError) -> T
    ) async throws(RegistryError) -> T {
        var answered = false
        while true {
            let (scheme, authorization) = state.withLock { ($0.scheme, $0.authorization) }
            let headers = authorization.map { [("Authorization", $0)] } ?? []
            do {
                return try await request(fetcher, "\(scheme)://\(host)", headers)
            } catch {
                if error.status == 401, !answered, let challenge = error.header("WWW-Authenticate").flatMap(AuthChallenge.init) {
                    answered = true
                    try await answer(challenge)
                    continue
                }
                if !tlsVerify, scheme == "https", error.kind == .tls || error.kind == .unreachable || error.kind == .truncated,
                   state.withLock({ state in
                       guard !state.triedPlain else { return false }
                       state.triedPlain = true
                       state.scheme = "http"
                       return true
                   }) {
                    continue
                }
                throw mapped(error, what: what)
            }
        }
    }

    private func answer(_ challenge: AuthChallenge) async throws(RegistryError) {
        switch challenge.scheme {
        case "basic":
            guard let credentials else {
                throw RegistryError(.unauthorized, reference: label,
                                    detail: "unauthorized: the registry wants a user name and password: give --creds USER:PASS, or log in (docker login / podman login)")
            }
            let token = Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString()
            state.withLock { $0.authorization = "Basic \(token)" }
        case "bearer":
            guard let realm = challenge.realm, var components = URLComponents(string: realm) else {
                throw RegistryError(.unauthorized, reference: label, detail: "the registry's bearer challenge has no realm")
            }
            var query = components.queryItems ?? []
            if let service = challenge.parameters["service"] { query.append(URLQueryItem(name: "service", value: service)) }
            // A pushing client asks for pull,push at once (the challenge to a HEAD names pull only).
            let scope = access == .push ? "repository:\(repository):\(access.rawValue)" : challenge.parameters["scope"] ?? "repository:\(repository):pull"
            query.append(URLQueryItem(name: "scope", value: scope))
            components.queryItems = query
            let url = components.url?.absoluteString ?? realm
            var headers: [(String, String)] = []
            if let credentials {
                headers.append(("Authorization", "Basic " + Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString()))
            }
            let reply: HTTPReply
            do {
                reply = try await fetcher.get(url, headers: headers, maxBytes: 1 << 20)
            } catch {
                throw mapped(error, what: "a token from \(realm)")
            }
            struct TokenReply: Decodable {
                var token: String?
                var access_token: String?
            }
            guard let decoded = try? JSONDecoder().decode(TokenReply.self, from: reply.body),
                  let token = decoded.token ?? decoded.access_token, !token.isEmpty else {
                throw RegistryError(.unauthorized, reference: label, detail: "the token service \(realm) sent no token")
            }
            state.withLock { $0.authorization = "Bearer \(token)" }
        default:
            throw RegistryError(.unauthorized, reference: label, detail: "the registry asks for \(challenge.scheme) authentication, which basefit does not speak")
        }
    }

    /// True when a TLS failure is the certificate check (BoringSSL's CERTIFICATE_VERIFY_FAILED),
    /// not a server that does not speak TLS.
    static func isUntrustedCertificate(_ detail: String) -> Bool {
        detail.contains("CERTIFICATE_VERIFY_FAILED") || detail.localizedCaseInsensitiveContains("certificate verify failed")
    }

    func mapped(_ error: NetworkError, what: String) -> RegistryError {
        let context = "\(what) (\(error.url))"
        switch error.kind {
        case .status(401, _), .status(403, _):
            let who = credentials.map { "with the credentials from \($0.origin)" } ?? "without credentials (give --creds USER:PASS or log in)"
            return RegistryError(.unauthorized, reference: label, detail: "unauthorized: \(context), HTTP \(error.status!) \(who)")
        case .status(404, _):
            return RegistryError(.notFound, reference: label, detail: "not found: \(context): the registry has no such repository, tag or blob")
        case .status(429, let retryAfter),
             .status(503, let retryAfter) where retryAfter != nil:
            return RegistryError(.rateLimited(retryAfter: retryAfter), reference: label,
                                 detail: "rate limited: \(context)\(retryAfter.map { ", retry after \($0)\(Int($0) != nil ? " s" : "")" } ?? "")")
        case .status:
            return RegistryError(.other, reference: label, detail: "\(what): \(error.description)")
        case .tls where Self.isUntrustedCertificate(error.detail):
            return RegistryError(.unreachable, reference: label, detail: "cannot reach the registry: its TLS certificate is not trusted (CERTIFICATE_VERIFY_FAILED at \(error.url)). "
                                 + "If you trust this registry (your own, with a self-signed certificate), give --tls-verify=false, or add its CA certificate "
                                 + "to this machine's trust store (/usr/local/share/ca-certificates/, then update-ca-certificates)")
        case .unreachable, .timeout, .tls, .invalidURL, .redirect:
            return RegistryError(.unreachable, reference: label, detail: "cannot reach the registry: \(error.description)")
        case .digestMismatch:
            return RegistryError(.digestMismatch, reference: label, detail: "\(what): \(error.detail); nothing was kept")
        case .localFile:
            return RegistryError(.cache, reference: label, detail: "cannot write \(what) to the cache: \(error.detail); free space or set BASEFIT_CACHE_DIR")
        case .tooLarge, .truncated:
            return RegistryError(.other, reference: label, detail: "\(what): \(error.description); nothing was kept")
        }
    }
}
