/// What an unpacked image says about itself, read from its config blob, plus the sizes measured
/// while unpacking and the entries that were deliberately not created.
public struct ImageConfig: Sendable, Hashable {
    /// OCI/Go spelling: "amd64", "arm64", "386", …
    public var architecture: String?
    /// "v8", "v7", …
    public var variant: String?
    /// "linux", …
    public var os: String?
    /// `config.User`; an empty string is nil.
    public var user: String?
    /// `config.Env`, in order.
    public var environment: [String]
    /// Sum of the layer blobs' sizes as stored. For an OCI layout these are the (usually gzip)
    /// blobs a pull downloads. For a `docker save` archive they are the layer files in the tar,
    /// which classic `docker save`/skopeo store uncompressed: then this equals the tar sizes.
    public var compressedBytes: UInt64
    /// Sum of the sizes of the regular files written (every layer, including files a later
    /// layer deleted; hard links count nothing).
    public var uncompressedBytes: UInt64
    public var layerCount: Int
    /// The config's `rootfs.diff_ids`: each layer's uncompressed sha256, bottom first. They
    /// stay the same when a registry recompresses a layer, so they identify a base image's
    /// layers inside an image built on it.
    public var diffIDs: [String]
    /// Entries that were read but deliberately not created (device nodes, FIFOs, sockets, …),
    /// in the order met. Unsafe entries are never here: they stop the unpack with an error.
    public var skippedEntries: [SkippedEntry]
    /// Per layer (bottom first), the regular files and links it wrote, as paths below the root
    /// with every symbolic link on the way followed as the unpack followed it (`usr/bin/app`
    /// for a layer's `./bin//app` over a lower `bin -> usr/bin`): what tells an application's
    /// files (the layers above its base) from the base's. A file a later layer removed stays listed.
    public var layerFiles: [Set<String>] = []
    /// Regular files the layers wrote with the setuid or setgid bit (dropped in the unpacked
    /// tree), as paths below the root; one a later layer replaced is not listed.
    public var setIDFiles: Set<String> = []
    /// The empty files standing in for special entries (`SkippedEntry.hasStandIn`), as paths
    /// below the root; one a later layer replaced is not listed.
    public var standIns: Set<String> = []

    public init(
        architecture: String? = nil, variant: String? = nil, os: String? = nil, user: String? = nil,
        environment: [String] = [], compressedBytes: UInt64 = 0, uncompressedBytes: UInt64 = 0,
        layerCount: Int = 0, diffIDs: [String] = [], skippedEntries: [SkippedEntry] = []
    ) {
        self.architecture = architecture
        self.variant = variant
        self.os = os
        self.user = user
        self.environment = environment
        self.compressedBytes = compressedBytes
        self.uncompressedBytes = uncompressedBytes
        self.layerCount = layerCount
        self.diffIDs = diffIDs
        self.skippedEntries = skippedEntries
    }

    /// "linux/amd64" or "linux/arm64/v8", when os and architecture are known.
    public var platform: String? {
        guard let os, let architecture else { return nil }
        if let variant, !variant.isEmpty { return "\(os)/\(architecture)/\(variant)" }
        return "\(os)/\(architecture)"
    }
}

/// One layer entry that was read and deliberately not created.
public struct SkippedEntry: Sendable, Hashable, CustomStringConvertible {
    /// 0-based index of the layer in the manifest.
    public var layer: Int
    /// The entry's path as stored in the layer.
    public var path: String
    public var reason: Reason

    public enum Reason: String, Sendable, Hashable {
        case characterDevice = "character device"
        case blockDevice = "block device"
        case fifo = "FIFO"
        case socket = "socket"
        case unknownType = "unknown entry type"
        case emptySymlinkTarget = "symbolic link with an empty target"
        case selfHardLink = "hard link to itself"
        case unknownWhiteout = "AUFS metadata whiteout"
    }

    public init(layer: Int, path: String, reason: Reason) {
        self.layer = layer
        self.path = path
        self.reason = reason
    }

    /// Devices, FIFOs, sockets and unknown types still replace what lower layers had at their
    /// path: an empty file stands in for them (what the loader cannot load a library from).
    public var hasStandIn: Bool {
        switch reason {
        case .characterDevice, .blockDevice, .fifo, .socket, .unknownType: return true
        case .emptySymlinkTarget, .selfHardLink, .unknownWhiteout: return false
        }
    }

    public var description: String {
        "layer \(layer): \(path): skipped (\(reason.rawValue))" + (hasStandIn ? "; an empty file stands in for it" : "")
    }
}

/// Upper bounds on what one unpack may write. Past either, the unpack stops with
/// `ImageLayersError.Kind.limitExceeded` (and the destination is emptied again).
public struct UnpackLimits: Sendable, Hashable {
    /// Bytes of regular-file content written (declared sizes, so sparse files count in full),
    /// and separately the bytes a `docker save` archive's members may take in the scratch copy.
    public var maxBytes: UInt64
    /// Entries read, over all layers (whiteouts and skipped entries count).
    public var maxEntries: Int

    public init(maxBytes: UInt64 = 8 << 30, maxEntries: Int = 1_000_000) {
        self.maxBytes = maxBytes
        self.maxEntries = maxEntries
    }

    public static let `default` = UnpackLimits()
}

/// Why an image could not be unpacked. `path` is the file, blob or layer entry concerned.
public struct ImageLayersError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// A file or blob the image needs cannot be read or found.
        case unreadable
        /// JSON or archive data that does not parse or contradicts itself.
        case malformed
        /// A blob whose sha256 or size differs from its descriptor (or a layer from its diff_id).
        case digestMismatch
        /// No, or more than one, manifest matches the reference / platform asked for.
        case selection
        /// A layer entry that would write outside the destination: absolute path, `..`, a path
        /// through a symbolic link leading outside (or absolute), a hard link to such a path.
        case unsafeEntry
        /// `UnpackLimits` exceeded.
        case limitExceeded
        /// The destination is missing, not a directory, not empty, or a write into it failed.
        case destination
        /// A media type or digest algorithm basefit does not handle (encrypted layers, sha512).
        case unsupported
    }

    public var kind: Kind
    public var path: String
    public var detail: String

    public init(_ kind: Kind, path: String, detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }

    public var description: String { "\(path): \(detail)" }
}
