/// What the project's Node.js addons and version files say about the Node runtime.
public struct NodeRuntime: Sendable, Hashable {
    /// Addons pinned to one NODE_MODULE_VERSION: version → the addons.
    public var pinnedModuleVersions: [Int: [String]] = [:]
    /// N-API addons (any Node with N-API loads them).
    public var napiAddons: [String] = []
    /// Addons that need `libnode.so.<N>` (a distribution's shared Node): path → N.
    public var libnodeAddons: [String: Int] = [:]
    /// `engines.node` of the project's own package.json.
    public var enginesRange: String?
    /// Contents of `.nvmrc` / `.node-version` in the scanned roots.
    public var nvmrc: String?
    public var nodeVersionFile: String?

    /// Node majors the pinned addons require (nil entries: unofficial module versions).
    public var pinnedMajors: [Int] {
        Array(Set(pinnedModuleVersions.keys.compactMap(NodeABI.major(forModuleVersion:)))).sorted()
    }

    public var isEmpty: Bool {
        pinnedModuleVersions.isEmpty && napiAddons.isEmpty && libnodeAddons.isEmpty
            && enginesRange == nil && nvmrc == nil && nodeVersionFile == nil
    }
}
