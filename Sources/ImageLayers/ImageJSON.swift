// The on-disk JSON documents, kept apart from the friendly `ImageConfig`. Only the fields
// basefit reads are declared; everything else is ignored.

import Foundation

enum MediaType {
    static let ociIndex = "application/vnd.oci.image.index.v1+json"
    static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
}

struct OCIPlatform: Decodable, Sendable {
    var architecture: String?
    var os: String?
    var variant: String?

    var text: String {
        [os ?? "?", architecture ?? "?", variant].compactMap { $0 }.joined(separator: "/")
    }
}

struct OCIDescriptor: Decodable, Sendable {
    var mediaType: String?
    var digest: String
    var size: Int64
    var annotations: [String: String]?
    var platform: OCIPlatform?

    var referenceName: String? { annotations?["org.opencontainers.image.ref.name"] }
    var containerdName: String? { annotations?["io.containerd.image.name"] }
}

struct OCILayoutMarker: Decodable {
    var imageLayoutVersion: String
}

/// An image index (OCI) or manifest list (Docker); also the top-level index.json.
struct OCIIndex: Decodable {
    var mediaType: String?
    var manifests: [OCIDescriptor]
}

struct OCIManifest: Decodable {
    var mediaType: String?
    var config: OCIDescriptor
    var layers: [OCIDescriptor]
}

/// Just enough to tell an index from a manifest when the descriptor has no media type.
struct ManifestProbe: Decodable {
    var mediaType: String?
    var manifests: [OCIDescriptor]?
    var layers: [OCIDescriptor]?
}

struct RawImageConfig: Decodable {
    struct Runtime: Decodable {
        var User: String?
        var Env: [String]?
    }
    struct RootFS: Decodable {
        var diff_ids: [String]?
    }
    var architecture: String?
    var variant: String?
    var os: String?
    var config: Runtime?
    var rootfs: RootFS?
}

/// One element of a `docker save` manifest.json.
struct DockerManifestEntry: Decodable {
    var Config: String
    var RepoTags: [String]?
    var Layers: [String]
}

enum JSONDocument {
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, path: String, what: String) throws(ImageLayersError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw ImageLayersError(.malformed, path: path, detail: "not a valid \(what): \(Self.describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _): return "missing \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let at = context.codingPath.map(\.stringValue).joined(separator: ".")
            return at.isEmpty ? context.debugDescription : "\(at): \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}

extension ImageConfig {
    init(raw: RawImageConfig) {
        let user = raw.config?.User
        self.init(
            architecture: raw.architecture.flatMap { $0.isEmpty ? nil : $0 },
            variant: raw.variant.flatMap { $0.isEmpty ? nil : $0 },
            os: raw.os.flatMap { $0.isEmpty ? nil : $0 },
            user: (user?.isEmpty ?? true) ? nil : user,
            environment: raw.config?.Env ?? [],
            diffIDs: raw.rootfs?.diff_ids ?? []
        )
    }
}

/// A `sha256:<64 hex>` digest, the only algorithm handled.
struct Digest: Hashable, Sendable {
    var hex: String

    init(_ text: String, path: String) throws(ImageLayersError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw ImageLayersError(.malformed, path: path, detail: "digest \(text) has no algorithm")
        }
        let algorithm = text[..<colon]
        let hex = String(text[text.index(after: colon)...])
        guard algorithm == "sha256" else {
            throw ImageLayersError(.unsupported, path: path, detail: "digest algorithm \(algorithm) is not supported (only sha256)")
        }
        guard Self.isHex64(hex) else {
            throw ImageLayersError(.malformed, path: path, detail: "digest \(text) is not 64 lowercase hex digits")
        }
        self.hex = hex
    }

    static func isHex64(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    var text: String { "sha256:\(hex)" }
}
