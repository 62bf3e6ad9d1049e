/// A shared library file a package ships: its directory and file name (`libssl.so.3`).
public struct LibraryFile: Sendable, Hashable {
    public var directory: String
    public var name: String

    public init(directory: String, name: String) {
        self.directory = directory
        self.name = name
    }

    public var path: String { directory + "/" + name }
}
