/// A library of the project that a library the file loads from the image is given instead of the
/// image's copy (`FileNeeds.loadedFromProject`, `rpathLibraries`), with the versions it defines:
/// glibc holds that library's version needs to this copy.
public struct ProjectLibraryCopy: Sendable, Hashable, Codable {
    /// The name it is found under.
    public var library: String
    public var path: String
    /// Its version definitions (never empty: a copy without any is not listed).
    public var versions: [String]

    public init(library: String, path: String, versions: [String]) {
        self.library = library
        self.path = path
        self.versions = versions
    }
}
