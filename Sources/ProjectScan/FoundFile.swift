/// A regular file the walk kept for later: the path to show the user and the path to open.
public struct FoundFile: Sendable, Hashable {
    public var displayPath: String
    public var fileSystemPath: String
    /// The file's bytes when it was read from an archive (a `package.json` in a Yarn cache zip,
    /// `displayPath` then naming it as `archive!/member`); nil: read it at `fileSystemPath`.
    var contents: [UInt8]? = nil
}
