import ELFInspection
import Foundation

/// What was read of one wheel file that pip would install on some candidate image (a
/// lockfile pin, read from the index): the needs of its ELF members with the libraries the
/// wheel bundles (`<pkg>.libs/`, `$ORIGIN` RPATHs) taken out, exactly as a scan of the
/// installed files would give them, and what its core metadata (PEP 658) says.
/// Carried in `Requirements.lockfiles.wheels`, keyed by wheel file name, so a requirements
/// file judges the same offline.
public struct LockedWheel: Sendable, Hashable, Codable {
    /// The index's sha256 of the wheel (the facts cache key).
    public var sha256: String?
    /// Every ELF member as `wheel.whl!/member/path`.
    public var files: [FileNeeds]
    /// Members that may be native code and could not be judged (or the whole wheel, when its
    /// directory could not be read): each is also in `Requirements.unjudged`.
    public var warnings: [String]
    /// The wheel's METADATA, when the index offers it separately and its hash matched.
    public var metadata: WheelMetadata?

    public init(sha256: String?, files: [FileNeeds], warnings: [String], metadata: WheelMetadata? = nil) {
        self.sha256 = sha256
        self.files = files
        self.warnings = warnings
        self.metadata = metadata
    }

    /// The needs of a wheel's ELF members, resolved against each other the way the loader
    /// would once the wheel is installed (its `.libs/` directory, `$ORIGIN` RPATHs).
    public static func needs(of artifacts: [Artifact], package: String) -> [FileNeeds] {
        let resolutions = LibraryResolver(artifacts: artifacts, aliases: [:]).resolve()
        return zip(artifacts, resolutions).map { artifact, resolution in
            var artifact = artifact
            artifact.apply(resolution)
            artifact.origin = PackageOrigin(ecosystem: .pypi, name: package, version: nil, manifest: PathText.fileName(of: artifact.path))
            return FileNeeds(artifact)
        }
    }
}

/// The fields of a wheel's core metadata (`METADATA`, RFC 822 style) basefit uses.
public struct WheelMetadata: Sendable, Hashable, Codable {
    public var name: String?
    public var version: String?
    /// pip refuses a distribution whose `Requires-Python` excludes the interpreter, even
    /// when the index did not list the range.
    public var requiresPython: String?
    /// `Requires-External` (PEP 345): free-form system dependencies, shown as declared.
    public var requiresExternal: [String]

    public init(name: String? = nil, version: String? = nil, requiresPython: String? = nil, requiresExternal: [String] = []) {
        self.name = name
        self.version = version
        self.requiresPython = requiresPython
        self.requiresExternal = requiresExternal
    }

    /// Reads the header part of a METADATA file (up to the first blank line).
    public static func parse(_ text: String) -> WheelMetadata {
        var metadata = WheelMetadata()
        // "\r\n" is one Character in Swift: split on anything that is a newline.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t" { continue }  // a folded continuation
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "name": metadata.name = value
            case "version": metadata.version = value
            case "requires-python": metadata.requiresPython = value.isEmpty ? nil : value
            case "requires-external": metadata.requiresExternal.append(value)
            default: break
            }
        }
        return metadata
    }
}
