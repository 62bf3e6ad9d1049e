import ImageCatalog
import Domain

/// A language runtime found in a root filesystem from its files alone (nothing is run).
public struct DetectedRuntime: Sendable, Hashable {
    public var kind: RuntimeKind
    /// The most precise version the files give: `3.11.2`, `18.20.4`; the line (`3.13`)
    /// when the release string was not found.
    public var version: String
    /// The interpreter inside the root (`/usr/bin/python3.11`, `/usr/local/bin/node`).
    public var path: String
    /// CPython's ABI tag (`cp311`, `cp313t`); nil for Node.
    public var abi: String?
    /// A free-threaded CPython build (`python3.13t`, ABI `cp313t`).
    public var freeThreaded: Bool
    /// Node's NODE_MODULE_VERSION (108 for Node 18); nil for Python, or for a Node
    /// major the table does not know.
    public var moduleVersion: Int?
    /// The Node-API functions Node's binary (or Debian's libnode) exports; nil for Python, or
    /// when they could not be read.
    public var nodeAPIExports: [String]?
    /// The files (inside the root) the facts were read from.
    public var evidence: [String]

    public init(kind: RuntimeKind, version: String, path: String, abi: String?, freeThreaded: Bool,
                moduleVersion: Int?, nodeAPIExports: [String]? = nil, evidence: [String]) {
        self.kind = kind
        self.version = version
        self.path = path
        self.abi = abi
        self.freeThreaded = freeThreaded
        self.moduleVersion = moduleVersion
        self.nodeAPIExports = nodeAPIExports
        self.evidence = evidence
    }

    /// The release line: `3.11` for CPython, the major (`18`) for Node.
    public var line: String {
        let parts = version.split(separator: ".")
        return parts.prefix(kind == .python ? 2 : 1).joined(separator: ".")
    }
}
