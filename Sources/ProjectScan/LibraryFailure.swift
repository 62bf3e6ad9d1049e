import ELFInspection

/// A library the loader takes from the project for one file and then refuses, whatever the
/// image holds: glibc stops at the first file it finds under a NEEDED name in a searched
/// directory (unless it is built for another class or machine, which it skips), and checks the
/// versions the file needs against the copy it loaded. No image fixes either.
public struct LibraryFailure: Sendable, Hashable, Codable {
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// The project's copy defines symbol versions, but not one the file needs
        /// ("version `X' not found").
        case missingVersion = "missing-version"
        /// The project's copy defines no symbol versions at all, and the file needs one from it:
        /// glibc before 2.41 stops at the first symbol bound to that version ("Inconsistency
        /// detected by ld.so: dl-lookup.c: check_match: Assertion `version->filename == NULL ||
        /// ! _dl_name_match_p (version->filename, map)' failed"); 2.41 binds it, musl has no
        /// symbol versions. Which images refuse it is the advisor's business.
        case unversionedCopy = "unversioned-copy"
        /// An empty file ("file too short").
        case empty
        /// A Git LFS pointer: the library is in Git LFS and the checkout did not fetch it.
        case gitLFSPointer = "git-lfs-pointer"
        /// A GNU ld script, for the link editor only.
        case linkerScript = "linker-script"
        /// A static library (`!<arch>`).
        case staticArchive = "static-archive"
        /// A macOS or Windows build.
        case foreignBuild = "foreign-build"
        /// Any other file that is not ELF ("invalid ELF header").
        case notELF = "not-elf"
        /// A directory ("cannot read file data").
        case directory
        /// A FIFO, socket or device (a FIFO leaves the loader waiting for ever).
        case notARegularFile = "not-a-regular-file"
        /// An object file ("only ET_DYN and ET_EXEC can be loaded").
        case objectFile = "object-file"
        /// A core dump or another ELF type that is not loadable ("only ET_DYN and ET_EXEC can be loaded").
        case otherFileType = "other-file-type"
        /// A program linked at a fixed address ("cannot dynamically load executable").
        case executable
        /// A position-independent program ("cannot dynamically load position-independent
        /// executable", glibc 2.30 and later).
        case positionIndependentExecutable = "pie-executable"
        /// Built for the other byte order ("ELF file data encoding not little-endian").
        case byteOrder = "byte-order"
        /// Built for another operating system's ABI ("ELF file OS ABI invalid").
        case otherOperatingSystem = "other-os"

        init(_ content: NonELFContent, foreign: ForeignExecutable?) {
            if foreign != nil {
                self = .foreignBuild
                return
            }
            switch content {
            case .empty: self = .empty
            case .gitLFSPointer: self = .gitLFSPointer
            case .linkerScript: self = .linkerScript
            case .staticArchive: self = .staticArchive
            case .other: self = .notELF
            }
        }

        /// A version the file needs, not the file under the name, is what the loader refuses.
        public var isVersion: Bool { self == .missingVersion || self == .unversionedCopy }

        /// What the file is, for messages: "is a Git LFS pointer, not the library".
        public var explanation: String {
            switch self {
            case .missingVersion: return "does not define the version"
            case .unversionedCopy: return "defines no symbol versions"
            case .empty: return "is empty"
            case .gitLFSPointer: return "is a Git LFS pointer, not the library (the checkout did not fetch LFS files)"
            case .linkerScript: return "is a GNU ld script, which only the link editor reads"
            case .staticArchive: return "is a static library (ar archive)"
            case .foreignBuild: return "is a macOS or Windows build"
            case .notELF: return "is not an ELF file"
            case .directory: return "is a directory"
            case .notARegularFile: return "is not a regular file (a FIFO, socket or device)"
            case .objectFile: return "is an object file (ET_REL)"
            case .otherFileType: return "is an ELF file of a type the loader does not load (ET_CORE or another)"
            case .executable: return "is a program linked at a fixed address (ET_EXEC)"
            case .positionIndependentExecutable:
                return "is a position-independent program (DF_1_PIE), which glibc 2.30 and later refuse to load as a library (and basefit does not judge as one elsewhere)"
            case .byteOrder: return "is built for the other byte order"
            case .otherOperatingSystem: return "is built for another operating system's ABI (EI_OSABI)"
            }
        }
    }

    /// The NEEDED name the loader searched for.
    public var library: String
    /// The project's file it found under that name (display path).
    public var path: String
    public var reason: Reason
    /// For `missingVersion`: the version needed, the symbols bound to it, and the versions the
    /// project's copy defines.
    public var version: String?
    public var symbols: [String]
    public var defined: [String]

    public init(library: String, path: String, reason: Reason, version: String? = nil, symbols: [String] = [], defined: [String] = []) {
        self.library = library
        self.path = path
        self.reason = reason
        self.version = version
        self.symbols = symbols
        self.defined = defined
    }

    enum CodingKeys: String, CodingKey {
        case library, path, reason, version, symbols, defined
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        library = try container.decode(String.self, forKey: .library)
        path = try container.decode(String.self, forKey: .path)
        reason = try container.decode(Reason.self, forKey: .reason)
        version = try container.decodeIfPresent(String.self, forKey: .version)
        symbols = try container.decodeIfPresent([String].self, forKey: .symbols) ?? []
        defined = try container.decodeIfPresent([String].self, forKey: .defined) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(library, forKey: .library)
        try container.encode(path, forKey: .path)
        try container.encode(reason, forKey: .reason)
        try container.encodeIfPresent(version, forKey: .version)
        if !symbols.isEmpty { try container.encode(symbols, forKey: .symbols) }
        if !defined.isEmpty { try container.encode(defined, forKey: .defined) }
    }

    /// "needs VERS_2.0 (vers_new) from libvers.so.1; the project's lib/libvers.so.1, which the
    /// loader uses, defines only VERS_1.0" or "needs libfoo.so.1; the loader finds the project's
    /// lib/libfoo.so.1 first, which is a Git LFS pointer, not the library (…)".
    /// Without `file`, the sentence starts at "needs" (a finding names the file before it).
    public func message(for file: String?) -> String {
        let subject = file.map { $0 + " needs" } ?? "needs"
        if reason.isVersion, let version {
            let symbolText = symbols.isEmpty ? "" : " (\(symbols.prefix(3).joined(separator: ", "))\(symbols.count > 3 ? ", …" : ""))"
            let start = "\(subject) \(version)\(symbolText) from \(library); the project's \(path), which the loader uses, "
            if reason == .unversionedCopy {
                return start + "defines no symbol versions: glibc before 2.41 stops at the first symbol bound to \(version) (an assertion in check_match)"
            }
            return start + (defined.isEmpty ? "defines no such version" : "defines only \(defined.joined(separator: ", "))")
        }
        return "\(subject) \(library); the loader finds the project's \(path) first and stops there: it \(reason.explanation)"
    }

    /// The versions in `needs` that the copy at `path`, which defines `defined` (not empty), does
    /// not: glibc's `_dl_check_map_versions` ("version `X' not found"); a weak need is only warned
    /// about, and the base definition (`baseName`, the library's own name) counts.
    public static func missingVersions(
        _ needs: LibraryVersionNeeds, copy path: String, defines defined: [String], baseName: String
    ) -> [LibraryFailure] {
        let names = Set(defined + [baseName])
        return needs.versions.filter { !$0.weak && !names.contains($0.version.name) }.map { need in
            LibraryFailure(library: needs.library, path: path, reason: .missingVersion, version: need.version.name,
                           symbols: need.symbols, defined: defined)
        }
    }

    /// What would fix it.
    public var advice: String {
        switch reason {
        case .missingVersion, .unversionedCopy:
            return "ship a \(library) that defines \(version ?? "the version") with the project, or rebuild the file against the copy it ships"
        case .gitLFSPointer:
            return "fetch the Git LFS files (git lfs pull; actions/checkout with lfs: true) before building the image"
        default:
            return "put the real \(library) at \(path), or remove what is there so that the loader searches on"
        }
    }
}
