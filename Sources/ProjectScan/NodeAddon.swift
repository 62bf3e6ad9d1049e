import Domain
import ELFInspection

/// What a Node.js addon (`.node`) says about the Node runtime it needs.
public struct NodeAddon: Sendable, Hashable {
    public enum Binding: Sendable, Hashable {
        /// Exports `napi_register_module_v1`: loads on any Node with N-API.
        case napi
        /// Exports `node_register_module_v<N>`: loads only on NODE_MODULE_VERSION N.
        case abi(moduleVersion: Int)
        /// No registration export, but it imports Node's C++ API (`node_module_register`,
        /// V8 symbols): a classic `NODE_MODULE` addon, pinned to the Node it was built
        /// for, whose NODE_MODULE_VERSION the file does not record where basefit can read it.
        case unconfirmed(imports: [String])
        /// Neither export nor Node import found (a helper library shipped with the `.node` suffix).
        case unknown
    }

    public var binding: Binding
    /// N from a NEEDED `libnode.so.<N>`: built against a distribution's shared Node.
    public var libnodeModuleVersion: Int?
    /// Tags from a prebuildify file name (`node.napi.glibc.node` → napi, glibc).
    public var prebuildTags: [String]
    /// `linux-x64` from `prebuilds/linux-x64/…`.
    public var prebuildPlatform: String?
    /// The npm cpu names the Linux prebuild directory gives (`linux-x64` → x64; `linux-x64+arm64`
    /// → both) when the file is built for none of them: node-gyp-build picks a prebuild by its
    /// directory, so on those machines it loads this file and fails.
    public var mislabeledFor: [String]?

    /// Node major for an official NODE_MODULE_VERSION (nil when unknown, e.g. Electron).
    public var nodeMajor: Int? {
        if case .abi(let version) = binding { return NodeABI.major(forModuleVersion: version) }
        return nil
    }

    static let exportPrefixes = ["napi_register_module_v", "node_register_module_v"]
    /// Node's C++ API: the classic module registration, V8 and node:: symbols.
    static let importPrefixes = ["node_module_register", "_ZN2v8", "_ZN4node"]
    /// What the inspector must report for a `.node` file.
    public static let inspectionOptions = InspectionOptions(exportPrefixes: exportPrefixes, importPrefixes: importPrefixes, nodeAPIFunctions: true)

    init(facts: BinaryFacts, path: String) {
        if facts.exports.contains(where: { $0.hasPrefix("napi_register_module_v") }) {
            binding = .napi
        } else if let export = facts.exports.first(where: { $0.hasPrefix("node_register_module_v") }),
                  let version = Int(export.dropFirst("node_register_module_v".count)) {
            binding = .abi(moduleVersion: version)
        } else if !facts.imports.isEmpty {
            binding = .unconfirmed(imports: facts.imports)
        } else {
            binding = .unknown
        }
        libnodeModuleVersion = facts.needed.lazy.compactMap { needed -> Int? in
            guard needed.hasPrefix("libnode.so.") else { return nil }
            return Int(needed.dropFirst("libnode.so.".count))
        }.first
        prebuildPlatform = Self.prebuildPlatform(of: path)
        prebuildTags = prebuildPlatform == nil ? [] : PathText.fileName(of: path).split(separator: ".").dropLast().map(String.init)
        if let platform = prebuildPlatform, platform.hasPrefix("linux"), let dash = platform.firstIndex(of: "-"),
           let cpu = facts.architecture.npmName {
            let named = platform[platform.index(after: dash)...].split(separator: "+").map(String.init)
            if !named.isEmpty, !named.contains(cpu) { mislabeledFor = named }
        }
    }

    /// `linux-x64` for `…/prebuilds/linux-x64/x.node` (prebuildify's layout), else nil.
    static func prebuildPlatform(of path: String) -> String? {
        let directory = PathText.directory(of: path)
        guard PathText.fileName(of: PathText.directory(of: directory)) == "prebuilds" else { return nil }
        return PathText.fileName(of: directory)
    }

    /// The libc a prebuild's tags name, if any.
    var taggedLibc: LibcFamily? {
        if prebuildTags.contains("musl") { return .musl }
        if prebuildTags.contains("glibc") { return .glibc }
        return nil
    }
}
