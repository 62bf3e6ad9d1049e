/// The first file the loader finds under a name in a measured image when it cannot load it and
/// stops there ("file too short", "invalid ELF header", …): the name is not provided, whatever a
/// later directory holds.
public struct RefusedLibrary: Sendable, Hashable, Codable {
    /// The path inside the image the loader opened.
    public var path: String
    /// Why it stops: a `LibraryFailure.Reason` raw value (`empty`, `not-elf`, `git-lfs-pointer` …).
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
