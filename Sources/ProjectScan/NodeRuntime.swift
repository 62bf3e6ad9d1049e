import Domain
/// What the project's Node.js addons and version files say about the Node runtime.
public struct NodeRuntime: Sendable, Hashable {
    /// Addons pinned to one NODE_MODULE_VERSION: version → the addons.
    public var pinnedModuleVersions: [Int: [String]] = [:]
    /// N-API addons (any Node with N-API loads them).
    public var napiAddons: [String] = []
    /// Classic `NODE_MODULE` addons: pinned to the Node they were built for, which the
    /// file does not say (they import Node's C++ API and export no registration symbol).
    public var unconfirmedAddons: [String] = []
    /// package.json files found under node_modules: evidence of an installed Node
    /// project even when it has no addon.
    public var installedPackages = 0
    /// Addons that need `libnode.so.<N>` (a distribution's shared Node): path → N.
    public var libnodeAddons: [String: Int] = [:]
    /// `engines.node` of the project's own package.json.
    public var enginesRange: String?
    /// Contents of `.nvmrc` / `.node-version` in the scanned roots.
    public var nvmrc: String?
    public var nodeVersionFile: String?
    /// Yarn Plug'n'Play installs that unplugged none of their platform packages here (a
    /// zero-install checkout): the `yarn.lock` beside each decides them per image, beside
    /// what is installed.
    public var lockfilesDecidingPlatformPackages: [String] = []

    /// Node majors the pinned addons require (nil entries: unofficial module versions).
    public var pinnedMajors: [Int] {
        Array(Set(pinnedModuleVersions.keys.compactMap(NodeABI.major(forModuleVersion:)))).sorted()
    }

    /// Installed packages or addons: a project that runs, not only one that says which Node it wants.
    public var isInstalled: Bool {
        installedPackages > 0 || !pinnedModuleVersions.isEmpty || !napiAddons.isEmpty || !unconfirmedAddons.isEmpty || !libnodeAddons.isEmpty
    }

    public init() {}

    public var isEmpty: Bool {
        pinnedModuleVersions.isEmpty && napiAddons.isEmpty && libnodeAddons.isEmpty && unconfirmedAddons.isEmpty
            && installedPackages == 0 && enginesRange == nil && nvmrc == nil && nodeVersionFile == nil
    }
}

/// Serialised as `scan --format json` shows it under `requirements.runtime.node`.
extension NodeRuntime: Codable {
    enum CodingKeys: String, CodingKey {
        case pinnedModuleVersions, napiAddons, unconfirmedAddons, installedPackages, libnodeAddons
        case engines, nvmrc, nodeVersionFile, lockfilesDecidingPlatformPackages
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        let pinned = try container.decodeIfPresent([String: [String]].self, forKey: .pinnedModuleVersions) ?? [:]
        for (key, paths) in pinned {
            guard let version = Int(key) else {
                throw DecodingError.dataCorruptedError(forKey: .pinnedModuleVersions, in: container, debugDescription: "\(key) is not a NODE_MODULE_VERSION")
            }
            pinnedModuleVersions[version] = paths
        }
        napiAddons = try container.decodeIfPresent([String].self, forKey: .napiAddons) ?? []
        unconfirmedAddons = try container.decodeIfPresent([String].self, forKey: .unconfirmedAddons) ?? []
        installedPackages = try container.decodeIfPresent(Int.self, forKey: .installedPackages) ?? 0
        libnodeAddons = try container.decodeIfPresent([String: Int].self, forKey: .libnodeAddons) ?? [:]
        enginesRange = try container.decodeIfPresent(String.self, forKey: .engines)
        nvmrc = try container.decodeIfPresent(String.self, forKey: .nvmrc)
        nodeVersionFile = try container.decodeIfPresent(String.self, forKey: .nodeVersionFile)
        lockfilesDecidingPlatformPackages = try container.decodeIfPresent([String].self, forKey: .lockfilesDecidingPlatformPackages) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Dictionary(uniqueKeysWithValues: pinnedModuleVersions.map { (String($0.key), $0.value) }), forKey: .pinnedModuleVersions)
        try container.encode(napiAddons, forKey: .napiAddons)
        try container.encode(unconfirmedAddons, forKey: .unconfirmedAddons)
        try container.encode(installedPackages, forKey: .installedPackages)
        try container.encode(libnodeAddons, forKey: .libnodeAddons)
        try container.encode(enginesRange, forKey: .engines)
        try container.encode(nvmrc, forKey: .nvmrc)
        try container.encode(nodeVersionFile, forKey: .nodeVersionFile)
        if !lockfilesDecidingPlatformPackages.isEmpty {
            try container.encode(lockfilesDecidingPlatformPackages, forKey: .lockfilesDecidingPlatformPackages)
        }
    }
}
