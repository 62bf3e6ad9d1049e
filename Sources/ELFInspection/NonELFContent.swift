/// What a file that is not ELF holds, told from its first bytes, where a project may hold such a
/// file under a library's name: a Git LFS pointer (a checkout without LFS), a GNU ld script or a
/// static archive (a development file), or nothing at all. glibc's loader stops on any of them
/// with "file too short" or "invalid ELF header" instead of searching on.
public enum NonELFContent: String, Sendable, Hashable, Codable {
    case empty
    /// `version https://git-lfs.github.com/spec/v1`: the file is in Git LFS and was not fetched.
    case gitLFSPointer = "git-lfs-pointer"
    /// `/* GNU ld script */`, `INPUT(` or `GROUP(`: what the link editor reads for `-lfoo`.
    case linkerScript = "linker-script"
    /// `!<arch>`: a static library.
    case staticArchive = "static-archive"
    case other

    /// Reads the bytes in place (it runs for every file that is not ELF).
    public init(prefix bytes: UnsafeRawBufferPointer) {
        func starts(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard bytes.count >= count else { return false }
            let start = text.utf8Start
            for index in 0..<count where bytes[index] != start[index] { return false }
            return true
        }
        if bytes.isEmpty {
            self = .empty
        } else if starts("version https:/") {
            self = .gitLFSPointer
        } else if starts("/* GNU ld scrip") || starts("INPUT(") || starts("GROUP(") || starts("OUTPUT_FORMAT(") {
            self = .linkerScript
        } else if starts("!<arch>\n") {
            self = .staticArchive
        } else {
            self = .other
        }
    }
}
