import ELFInspection

/// What a Node.js addon (`.node`) says about the Node runtime it needs.
public struct NodeAddon: Sendable, Hashable {
    public enum Binding: Sendable, Hashable {
        /// Exports `napi_register_module_v1`: loads on any Node with N-API.
        case napi
        /// Exports `node_register_module_v<N>`: loads only on NODE_MODULE_VERSION N.
        case abi(moduleVersion: Int)
        /// Neither export found (a helper library shipped with the `.node` suffix).
        case unknown
    }

    public var binding: Binding
    /// N from a NEEDED `libnode.so.<N>`: built against a distribution's shared Node.
    public var libnodeModuleVersion: Int?
    /// Tags from a prebuildify file name (`node.napi.glibc.node` → napi, glibc).
    public var prebuildTags: [String]
    /// `linux-x64` from `prebuilds/linux-x64/…`.
    public var prebuildPlatform: String?

    /// Node major for an official NODE_MODULE_VERSION (nil when unknown, e.g. Electron).
    public var nodeMajor: Int? {
        if case .abi(let version) = binding { return NodeABI.major(forModuleVersion: version) }
        return nil
    }

    static let exportPrefixes = ["napi_register_module_v", "node_register_module_v"]

    init(facts: BinaryFacts, path: String) {
        if facts.exports.contains(where: { $0.hasPrefix("napi_register_module_v") }) {
            binding = .napi
        } else if let export = facts.exports.first(where: { $0.hasPrefix("node_register_module_v") }),
                  let version = Int(export.dropFirst("node_register_module_v".count)) {
            binding = .abi(moduleVersion: version)
        } else {
            binding = .unknown
        }
        libnodeModuleVersion = facts.needed.lazy.compactMap { needed -> Int? in
            guard needed.hasPrefix("libnode.so.") else { return nil }
            return Int(needed.dropFirst("libnode.so.".count))
        }.first
        let name = PathText.fileName(of: path)
        let directory = PathText.directory(of: path)
        if PathText.fileName(of: PathText.directory(of: directory)) == "prebuilds" {
            prebuildPlatform = PathText.fileName(of: directory)
            prebuildTags = name.split(separator: ".").dropLast().map(String.init)
        } else {
            prebuildPlatform = nil
            prebuildTags = []
        }
    }

    /// The libc a prebuild's tags name, if any.
    var taggedLibc: LibcFamily? {
        if prebuildTags.contains("musl") { return .musl }
        if prebuildTags.contains("glibc") { return .glibc }
        return nil
    }
}

/// NODE_MODULE_VERSION → Node.js major, from nodejs/node doc/abi_version_registry.json
/// (official releases only; Electron and NW.js use other numbers).
public enum NodeABI {
    static let majors: [Int: Int] = [
        47: 5, 48: 6, 51: 7, 57: 8, 59: 9, 64: 10, 67: 11, 72: 12, 79: 13, 83: 14, 88: 15, 93: 16,
        102: 17, 108: 18, 111: 19, 115: 20, 120: 21, 127: 22, 131: 23, 137: 24, 141: 25,
    ]

    public static func major(forModuleVersion version: Int) -> Int? { majors[version] }

    /// The NODE_MODULE_VERSION of an official Node.js major, when the table knows it.
    public static func moduleVersion(forMajor major: Int) -> Int? { majors.first { $0.value == major }?.key }
}
