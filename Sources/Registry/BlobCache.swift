import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Verified blobs, content-addressed: `<directory>/blobs/sha256/<hex>`. A blob appears there
/// only after its bytes matched its digest (downloads go through a temporary file that is
/// renamed into place), so a present file is trusted by name and size. Using a blob touches
/// its modification time; pruning removes the least recently used first.
public struct BlobCache: Sendable {
    /// The cache root (`$BASEFIT_CACHE_DIR`, …).
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// `<directory>/blobs`, laid out as an OCI image layout's blobs directory.
    public var blobsDirectory: String { directory + "/blobs" }

    public func path(hex: String) -> String { blobsDirectory + "/sha256/" + hex }

    /// True when the blob is cached with this size (a negative size is not checked).
    public func contains(hex: String, size: Int64) -> Bool {
        var info = stat()
        guard lstat(path(hex: hex), &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return size < 0 || Int64(info.st_size) == size
    }

    /// Marks a blob as just used (for least-recently-used pruning).
    public func touch(hex: String) {
        _ = utimes(path(hex: hex), nil)
    }

    /// Creates `blobs/sha256` (and the root) when missing.
    public func prepare() throws(RegistryError) {
        do {
            try FileManager.default.createDirectory(atPath: blobsDirectory + "/sha256", withIntermediateDirectories: true)
        } catch {
            throw RegistryError(.cache, reference: directory, detail: "cannot create the blob cache: \(error.localizedDescription); set BASEFIT_CACHE_DIR")
        }
    }

    /// Writes a small verified blob (a manifest) through a temporary file.
    public func store(_ data: Data, hex: String) throws(RegistryError) {
        try prepare()
        let target = path(hex: hex)
        if contains(hex: hex, size: Int64(data.count)) { return }
        let temporary = blobsDirectory + "/sha256/.partial-\(UUID().uuidString)"
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw RegistryError(.cache, reference: directory, detail: "cannot write to the blob cache: \(error.localizedDescription)")
        }
        guard rename(temporary, target) == 0 else {
            unlink(temporary)
            throw RegistryError(.cache, reference: target, detail: "cannot move a blob into the cache: \(String(cString: strerror(errno)))")
        }
    }

    /// One cached blob.
    public struct Entry: Sendable, Hashable {
        public var hex: String
        public var bytes: Int64
        public var lastUsed: Date
    }

    /// Every cached blob (leftover `.partial-*` files are not blobs).
    public func entries() -> [Entry] {
        let folder = blobsDirectory + "/sha256"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.compactMap { name in
            guard !name.hasPrefix(".") else { return nil }
            var info = stat()
            guard lstat(folder + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            return Entry(hex: name, bytes: Int64(info.st_size), lastUsed: Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec)))
        }
    }

    /// Removes least recently used blobs until at most `maxBytes` remain, never one in `keep`;
    /// also removes temporary files a killed download left. Returns what was removed.
    @discardableResult
    public func prune(maxBytes: Int64, keep: Set<String> = []) -> (blobs: Int, bytes: Int64) {
        let folder = blobsDirectory + "/sha256"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(".partial-") {
            unlink(folder + "/" + name)
        }
        var entries = entries().sorted { ($0.lastUsed, $0.hex) < ($1.lastUsed, $1.hex) }
        var total = entries.reduce(0) { $0 + $1.bytes }
        var removed = 0
        var freed: Int64 = 0
        while total > maxBytes, let oldest = entries.first {
            entries.removeFirst()
            guard !keep.contains(oldest.hex) else { continue }
            if unlink(path(hex: oldest.hex)) == 0 {
                total -= oldest.bytes
                freed += oldest.bytes
                removed += 1
            }
        }
        return (removed, freed)
    }

    /// The cap from `BASEFIT_CACHE_MAX` (bytes, or with a K/M/G suffix); default 10 GiB.
    public static func sizeCap(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int64 {
        environment["BASEFIT_CACHE_MAX"].flatMap(parseSize) ?? (10 << 30)
    }

    /// `500M`, `2G`, `1048576`.
    public static func parseSize(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = trimmed
        var factor: Int64 = 1
        if trimmed.hasSuffix("B") { digits.removeLast() }
        if let last = digits.last, let unit = units[last] {
            factor = unit
            digits.removeLast()
        }
        guard let number = Int64(digits), number >= 0 else { return nil }
        return number.multipliedReportingOverflow(by: factor).overflow ? nil : number * factor
    }
}
