import Foundation
import HTTPTransport

/// Uploads by the OCI distribution spec: `HEAD /v2/<name>/blobs/<digest>` to skip a blob the
/// repository has, `POST /v2/<name>/blobs/uploads/` then `PUT <Location>?digest=…` with the
/// whole blob (the spec's POST-then-PUT monolithic upload, which every registry serves), and
/// `PUT /v2/<name>/manifests/<tag>`. Authentication is the client's (a bearer token for
/// `pull,push` when the client was made with `access: .push`).
extension RegistryClient {
    /// True when the repository already holds the blob.
    public func hasBlob(_ digest: String) async throws(RegistryError) -> Bool {
        do {
            try await send(what: "blob \(digest)") { (fetcher, base, headers) throws(NetworkError) in
                _ = try await fetcher.request("HEAD", base + "/v2/\(self.repository)/blobs/\(digest)", headers: headers)
            }
            return true
        } catch let error where error.kind == .notFound {
            return false
        }
    }

    /// Uploads `bytes` as the blob `sha256:<hex of bytes>` unless the repository has it.
    /// Returns the digest and whether it was sent.
    @discardableResult
    public func pushBlob(_ bytes: Data) async throws(RegistryError) -> (digest: String, uploaded: Bool) {
        let digest = Digest.sha256(bytes)
        if try await hasBlob(digest) { return (digest, false) }
        let started = try await send(what: "a blob upload") { (fetcher, base, headers) throws(NetworkError) in
            try await fetcher.request("POST", base + "/v2/\(self.repository)/blobs/uploads/", headers: headers + [("Content-Length", "0")])
        }
        guard let location = started.header("Location") else {
            throw RegistryError(.malformed, reference: label, detail: "the registry started a blob upload without a Location (HTTP \(started.status))")
        }
        try await send(what: "blob \(digest)") { (fetcher, base, headers) throws(NetworkError) in
            // Location may be absolute or relative to the registry, and may carry a query (_state).
            let url = location.hasPrefix("http://") || location.hasPrefix("https://") ? location : base + (location.hasPrefix("/") ? "" : "/") + location
            let separator = url.contains("?") ? "&" : "?"
            let escaped = digest.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? digest
            _ = try await fetcher.request("PUT", url + separator + "digest=" + escaped,
                                          headers: headers + [("Content-Type", "application/octet-stream"), ("Content-Length", "\(bytes.count)")],
                                          body: bytes)
        }
        return (digest, true)
    }

    /// Puts a manifest under `tag` and returns its digest, checked against the
    /// `Docker-Content-Digest` the registry answers with (when it sends one).
    public func pushManifest(_ bytes: Data, mediaType: String, tag: String) async throws(RegistryError) -> String {
        let digest = Digest.sha256(bytes)
        let reply = try await send(what: "manifest \(tag)") { (fetcher, base, headers) throws(NetworkError) in
            try await fetcher.request("PUT", base + "/v2/\(self.repository)/manifests/\(tag)",
                                      headers: headers + [("Content-Type", mediaType), ("Content-Length", "\(bytes.count)")], body: bytes)
        }
        if let answered = reply.header("Docker-Content-Digest"), answered != digest {
            throw RegistryError(.digestMismatch, reference: label, detail: "the registry stored the manifest as \(answered), basefit sent \(digest)")
        }
        return digest
    }
}
