/// An image's setuid and setgid programs and what LD_LIBRARY_PATH alone gives: glibc's secure
/// mode (a process whose effective user or group is not its real one) ignores LD_LIBRARY_PATH.
public struct SetIDPrograms: Sendable, Hashable, Codable {
    /// Absolute paths inside the image.
    public var programs: [String]
    /// soname → the copy in an LD_LIBRARY_PATH directory the loader takes otherwise, for names
    /// that without LD_LIBRARY_PATH are not found, refused, or found without every version
    /// definition of that copy.
    public var libraryPathOnly: [String: String]

    public init(programs: [String] = [], libraryPathOnly: [String: String] = [:]) {
        self.programs = programs
        self.libraryPathOnly = libraryPathOnly
    }
}
