import ELFInspection
import Foundation

/// What the project as a whole asks of a base image: the contract between scanning
/// and advice. It holds everything the advisor judges (each file's needs with
/// bundled libraries already removed, the runtime facts, the scan's hints) and the
/// aggregates a person reads. `basefit scan --format json` writes it under
/// `requirements`; `check`/`recommend --requirements FILE` read it back, so a
/// pipeline can scan in one job and gate in another.
public struct Requirements: Sendable, Hashable {
    /// Bumped when the serialised form changes incompatibly. A file is written with
    /// `schemaVersion` 1 when nothing was left unjudged, so older readers still take it, and
    /// with 2 when it lists `unjudged` files: a basefit that does not know that key would
    /// judge without them, so it must refuse the file instead. Likewise 3 when its Python
    /// runtime holds `abi3MinimumVersions` or `wheelPlatformTags`, which a reader that does not
    /// know them would pass on images pip and CPython refuse.
    public static let schemaVersion = 3
    static let schemaWithoutUnjudged = 1
    static let schemaWithUnjudged = 2

    /// The C library the image must carry.
    public enum Libc: String, Sendable, Hashable, Codable {
        case glibc, musl
        /// Dynamically linked code that loads on either libc.
        case either
        /// Nothing needs a libc from the image (all static).
        case none
        /// Both a glibc-only and a musl-only file are required: no single image fits.
        case conflict
        /// No ELF file, or none whose libc could be told.
        case unknown
    }

    /// The highest version of one family any artifact needs, and who needs it.
    public struct Minimum: Sendable, Hashable {
        public var family: String
        public var version: VersionNumber
        public var versionName: String
        public var library: String
        public var artifact: String
        public var symbols: [String]
    }

    /// A library the image must provide, and the artifacts that need it.
    public struct Soname: Sendable, Hashable {
        public var soname: String
        public var neededBy: [String]
        /// Set when only builds for one libc need it (the project ships a build for
        /// the other libc too): the image needs it only if it has that libc.
        public var onlyFor: LibcFamily?
    }

    // MARK: The contract

    /// Every loadable ELF file's needs.
    public var files: [FileNeeds]
    /// What the Node.js addons and version files need of Node (nil: no Node content).
    public var node: NodeRuntime?
    /// What the Python extension modules and venv need of CPython (nil: none).
    public var python: PythonRuntime?
    /// The scan's findings: the advisor turns some into unblockers (musl variants).
    public var hints: [Finding]
    /// A digest of the contract's contents, so a gate can tell which scan it judged; computed
    /// when asked (a serialisation of every file), or the one set (the digest of what was read,
    /// kept through the restrictions of judging).
    public var digest: String {
        get { digestSet ?? Self.digest(of: self) }
        set { digestSet = newValue }
    }
    private var digestSet: String?
    /// Lockfiles whose packages are not installed where they were found: judged per candidate image
    /// (which native packages install prebuilt, build from source, or cannot install).
    public var lockfiles: LockedDependencies?
    /// Files and wheel members that are, or may be, native code and could not be judged
    /// (unreadable, damaged, over a limit): the requirements are incomplete while any is here.
    public var unjudged: [UnjudgedFile]

    // MARK: Aggregates (derived from the contract)

    public var architectures: [Architecture]
    public var libc: Libc
    /// Artifacts that force each libc family (used to explain a conflict).
    public var libcEvidence: [LibcFamily: [String]]
    /// Highest version per family the image must provide (never a need met by a bundled library).
    public var minimum: [String: Minimum]
    public var sonames: [Soname]
    /// The highest x86-64 ISA level any artifact declares.
    public var x86ISALevel: Int?

    /// Aggregates the artifacts of a scan.
    public init(artifacts: [Artifact], node: NodeRuntime? = nil, python: PythonRuntime? = nil, hints: [Finding] = [],
                unjudged: [UnjudgedFile] = []) {
        self.init(files: artifacts.map(FileNeeds.init), node: node, python: python, hints: hints, unjudged: unjudged)
    }

    /// Aggregates per-file needs (from a scan, or read back from a requirements file).
    public init(files: [FileNeeds], node: NodeRuntime?, python: PythonRuntime?, hints: [Finding], lockfiles: LockedDependencies? = nil,
                unjudged: [UnjudgedFile] = []) {
        var machines = Set<Architecture>()
        var evidence: [LibcFamily: [String]] = [:]
        var minimum: [String: Minimum] = [:]
        var sonames: [String: [String]] = [:]
        var sonameLibc: [String: Set<LibcFamily?>] = [:]
        var isa: Int?
        for file in files {
            if file.isLoadable { machines.insert(file.architecture) }
            evidence[file.bindingLibc, default: []].append(file.path)
            for (family, need) in file.minimum {
                if let current = minimum[family], current.version >= need.version { continue }
                minimum[family] = Minimum(family: family, version: need.version, versionName: need.versionName,
                                          library: need.library, artifact: file.path, symbols: need.symbols)
            }
            for soname in file.external {
                sonames[soname, default: []].append(file.path)
                sonameLibc[soname, default: []].insert(file.hasOtherLibcVariant ? file.libc : nil)
            }
            if let level = file.x86ISALevel, level > 1 { isa = max(isa ?? 0, level) }
        }
        let hasGlibc = evidence[.glibc] != nil
        let hasMusl = evidence[.musl] != nil
        if hasGlibc && hasMusl {
            libc = .conflict
        } else if hasGlibc {
            libc = .glibc
        } else if hasMusl {
            libc = .musl
        } else if evidence[.either] != nil {
            libc = .either
        } else if evidence[.none] != nil {
            libc = .none
        } else {
            libc = .unknown
        }
        self.files = files
        self.architectures = machines.sorted()
        self.libcEvidence = evidence
        self.minimum = minimum
        self.sonames = sonames.keys.sorted().map { soname in
            let conditions = sonameLibc[soname] ?? []
            let only = conditions.count == 1 ? conditions.first! : nil
            return Soname(soname: soname, neededBy: sonames[soname]!, onlyFor: only)
        }
        self.x86ISALevel = isa
        self.node = node.flatMap { $0.isEmpty ? nil : $0 }
        self.python = python.flatMap { $0.isEmpty ? nil : $0 }
        self.hints = hints
        self.lockfiles = lockfiles.flatMap { $0.isEmpty ? nil : $0 }
        self.unjudged = unjudged
    }

    /// The same requirements restricted to some files (one architecture's).
    public func restricted(to kept: [FileNeeds]) -> Requirements {
        let paths = Set(kept.map(\.path))
        let allPaths = Set(files.map(\.path))
        return Requirements(files: kept, node: node, python: python,
                            hints: hints.filter { paths.contains($0.path) || !allPaths.contains($0.path) }, lockfiles: lockfiles,
                            unjudged: unjudged)
    }

    /// The schema version this value is written with (see `schemaVersion`).
    public var schemaVersionWritten: Int {
        if let python, !python.abi3MinimumVersions.isEmpty || !python.wheelPlatformTags.isEmpty { return Self.schemaVersion }
        return unjudged.isEmpty ? Self.schemaWithoutUnjudged : Self.schemaWithUnjudged
    }

    /// The same requirements with more that could not be judged.
    public func adding(unjudged more: [UnjudgedFile]) -> Requirements {
        guard !more.isEmpty else { return self }
        return Requirements(files: files, node: node, python: python, hints: hints, lockfiles: lockfiles, unjudged: unjudged + more)
    }

    private static func digest(of requirements: Requirements) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(Contract(requirements))) ?? Data()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}

// MARK: Serialised form

extension Requirements: Codable {
    /// The serialised contract: only what cannot be derived.
    struct Contract: Codable {
        var schemaVersion: Int
        var files: [FileNeeds]
        var runtime: Runtime
        var hints: [Finding]
        var lockfiles: LockedDependencies?
        /// Absent when nothing was left unjudged (and `schemaVersion` is then 1).
        var unjudged: [UnjudgedFile]?

        struct Runtime: Codable {
            var node: NodeRuntime?
            var python: PythonRuntime?
        }

        init(_ requirements: Requirements) {
            schemaVersion = requirements.schemaVersionWritten
            files = requirements.files
            runtime = Runtime(node: requirements.node, python: requirements.python)
            hints = requirements.hints
            lockfiles = requirements.lockfiles
            unjudged = requirements.unjudged.isEmpty ? nil : requirements.unjudged
        }
    }

    public enum ReadError: Error, Sendable, CustomStringConvertible {
        case newerSchema(Int)
        case notRequirements(String)

        public var description: String {
            switch self {
            case .newerSchema(let version):
                return "written with requirements schema \(version); this basefit reads up to \(Requirements.schemaVersion): upgrade basefit"
            case .notRequirements(let detail):
                return "not a basefit requirements file (\(detail)); write one with basefit scan --format json"
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let contract = try Contract(from: decoder)
        guard contract.schemaVersion <= Self.schemaVersion else { throw ReadError.newerSchema(contract.schemaVersion) }
        self.init(files: contract.files, node: contract.runtime.node, python: contract.runtime.python, hints: contract.hints,
                  lockfiles: contract.lockfiles, unjudged: contract.unjudged ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        try Contract(self).encode(to: encoder)
    }

    /// Reads `basefit scan --format json` output (its `requirements` object) or a bare
    /// requirements object.
    public static func read(json data: Data) throws -> Requirements {
        var data = data
        if let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let inner = top["requirements"],
           let innerData = try? JSONSerialization.data(withJSONObject: inner) {
            data = innerData
        }
        do {
            return try JSONDecoder().decode(Requirements.self, from: data)
        } catch let error as ReadError {
            throw error
        } catch DecodingError.keyNotFound(let key, _) {
            throw ReadError.notRequirements("no \(key.stringValue)")
        } catch DecodingError.dataCorrupted(let context) {
            throw ReadError.notRequirements(context.debugDescription)
        } catch DecodingError.typeMismatch(_, let context) {
            throw ReadError.notRequirements("\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)")
        } catch {
            throw ReadError.notRequirements("\(error)")
        }
    }
}
