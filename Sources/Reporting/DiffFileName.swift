/// The name a unified diff gives the file it changes (`--- a/NAME`), so that `patch -p1` and
/// `git apply`, run where basefit ran, change that file and no other: the path as the user
/// gave it, relative to the current directory, with `.`, empty and `..` components folded.
/// A file outside the current directory has no such name: the diff names it by its base
/// name, to be applied in its own directory (`directory`).
public struct DiffFileName: Equatable, Sendable {
    /// What follows `a/` and `b/` in the diff's header.
    public var name: String
    /// Where `patch -p1` must run when that is not the current directory.
    public var directory: String?

    public init(name: String, directory: String? = nil) {
        self.name = name
        self.directory = directory
    }

    /// `path` as given on the command line; `currentDirectory` absolute (getcwd).
    public init(path: String, currentDirectory: String) {
        let absolute = path.hasPrefix("/") ? Self.folded(path) : Self.folded(currentDirectory + "/" + path)
        let base = Self.folded(currentDirectory)
        if absolute.count > base.count, Array(absolute.prefix(base.count)) == base {
            self.init(name: absolute.dropFirst(base.count).joined(separator: "/"))
        } else {
            self.init(name: absolute.last ?? path, directory: "/" + absolute.dropLast().joined(separator: "/"))
        }
    }

    /// The components of an absolute path with `.`, empty and `..` components folded
    /// lexically (`..` at the root stays at the root, as the kernel does).
    private static func folded(_ path: String) -> [String] {
        var components: [String] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(String(component))
            }
        }
        return components
    }
}
