/// What `catalog refresh` measured for one catalog row in its registry: the digest the
/// reference named, and per platform the sizes and the measured root.
public struct CatalogRowRefresh: Sendable {
    public struct Platform: Sendable {
        /// Docker platform name (`amd64`, `arm/v7`).
        public var architecture: String
        public var size: CatalogDataImage.Size
        /// Written to `Data/measured/<measuredName>.json`.
        public var measuredName: String
        public var measured: MeasuredRootfs
        /// The image's layers (`rootfs.diff_ids`, bottom first), for the row's `layers`.
        public var diffIDs: [String]

        public init(architecture: String, size: CatalogDataImage.Size, measuredName: String, measured: MeasuredRootfs, diffIDs: [String] = []) {
            self.architecture = architecture
            self.size = size
            self.measuredName = measuredName
            self.measured = measured
            self.diffIDs = diffIDs
        }
    }

    /// The row's `reference`.
    public var reference: String
    /// The digest the reference names (an index's, for a multi-platform image).
    public var digest: String
    public var platforms: [Platform]
    /// The row's new `provenance`.
    public var provenance: String

    public init(reference: String, digest: String, platforms: [Platform], provenance: String) {
        self.reference = reference
        self.digest = digest
        self.platforms = platforms
        self.provenance = provenance
    }

    /// `debian:bookworm-slim` + `arm/v7` → `debian-bookworm-slim-arm-v7`.
    public static func measuredName(reference: String, architecture: String) -> String {
        let safe = { (text: String) in
            String(text.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-" ? $0 : "-" })
        }
        return safe(reference) + "-" + safe(architecture)
    }
}

/// One changed field, for the summary: `debian:bookworm-slim  sizes[amd64].compressedBytes  28233823 → 28230000`.
public struct CatalogDataChange: Sendable, Hashable {
    public var row: String
    public var field: String
    public var old: String
    public var new: String
}

extension CatalogDataImage.Size {
    public init(architecture arch: String, compressedBytes: Int64?, uncompressedBytes: Int64?, estimate: Bool, source: String, date: String?) {
        self.arch = arch
        self.compressedBytes = compressedBytes
        self.uncompressedBytes = uncompressedBytes
        self.estimate = estimate
        self.source = source
        self.date = date
    }
}
