import ELFInspection

/// What the project as a whole asks of a base image.
public struct Requirements: Sendable, Hashable {
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

    public var architectures: [String]
    public var libc: Libc
    /// Artifacts that force each libc family (used to explain a conflict).
    public var libcEvidence: [LibcFamily: [String]]
    public var minimum: [String: Minimum]
    public var sonames: [Soname]
    /// The highest x86-64 ISA level any artifact declares.
    public var x86ISALevel: Int?
    /// What the Node.js addons need of the node runtime (nil: no Node content).
    public var node: NodeRuntime?
    /// What the Python extension modules need of the interpreter (nil: none).
    public var python: PythonRuntime?

    /// Aggregates the artifacts. Sonames of the libc itself become the libc
    /// requirement; sonames the project bundles are not asked of the image.
    public init(artifacts: [Artifact], node: NodeRuntime? = nil, python: PythonRuntime? = nil) {
        var machines = Set<String>()
        var evidence: [LibcFamily: [String]] = [:]
        var minimum: [String: Minimum] = [:]
        var sonames: [String: [String]] = [:]
        var sonameLibc: [String: Set<LibcFamily?>] = [:]
        var isa: Int?
        for artifact in artifacts {
            let facts = artifact.facts
            if facts.linkage != .relocatable { machines.insert(facts.machine) }
            // A build whose package also ships the other libc's build forces neither.
            let libc = artifact.hasOtherLibcVariant ? LibcFamily.either : facts.libc
            evidence[libc, default: []].append(artifact.path)
            for (family, need) in facts.minimum {
                if let current = minimum[family], current.version >= need.version { continue }
                minimum[family] = Minimum(family: family, version: need.version, versionName: need.versionName,
                                          library: need.library, artifact: artifact.path, symbols: need.symbols)
            }
            for soname in artifact.external {
                sonames[soname, default: []].append(artifact.path)
                sonameLibc[soname, default: []].insert(artifact.hasOtherLibcVariant ? facts.libc : nil)
            }
            if let level = facts.x86ISALevel, level > 1 { isa = max(isa ?? 0, level) }
        }
        let hasGlibc = evidence[.glibc] != nil
        let hasMusl = evidence[.musl] != nil
        let libc: Libc
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
        self.architectures = machines.sorted()
        self.libc = libc
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
    }
}
