import Foundation

/// The indexes embedded in the binary (EmbeddedPackageData.swift, made from Data/packages/),
/// decoded on first use and kept.
public enum EmbeddedIndexes {
    /// Keys of the embedded indexes: `debian-bookworm-amd64`, …
    public static var available: [String] { EmbeddedPackageData.indexes.keys.sorted() }

    /// The index for a release and architecture (`amd64`/`x86_64`, `arm64`/`aarch64`), or nil when
    /// none is embedded.
    public static func index(release: Release, architecture: String) throws -> PackageIndex? {
        guard let codename = release.codename else { return nil }
        let arch = debianArchitecture(architecture)
        return try index(key: "\(release.family.rawValue)-\(codename)-\(arch)")
    }

    public static func index(key: String) throws -> PackageIndex? {
        if let cached = cache.get(key) { return cached }
        guard let encoded = EmbeddedPackageData.indexes[key] else { return nil }
        guard let compressed = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
            throw PackageKnowledgeError.corruptIndex(name: key, reason: "embedded data is not base64")
        }
        let text = String(decoding: try Gzip.decompress(compressed, name: key), as: UTF8.self)
        let index = try CompactIndex.read(text, name: key)
        cache.set(key, index)
        return index
    }

    /// Reads a compact index file (`Data/packages/*.tsv.gz`, gzip'd or not) from disk.
    public static func read(path: String) throws -> PackageIndex {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PackageKnowledgeError.unreadable(path: path, reason: "cannot read")
        }
        let plain = data.starts(with: [0x1f, 0x8b]) ? try Gzip.decompress(data, name: path) : data
        return try CompactIndex.read(String(decoding: plain, as: UTF8.self), name: path)
    }

    public static func debianArchitecture(_ architecture: String) -> String {
        switch architecture {
        case "x86_64": return "amd64"
        case "aarch64", "arm64/v8": return "arm64"
        default: return architecture
        }
    }

    private static let cache = IndexCache()
}

private final class IndexCache: @unchecked Sendable {
    private let lock = NSLock()
    private var indexes: [String: PackageIndex] = [:]

    func get(_ key: String) -> PackageIndex? { lock.withLock { indexes[key] } }
    func set(_ key: String, _ index: PackageIndex) { lock.withLock { indexes[key] = index } }
}
