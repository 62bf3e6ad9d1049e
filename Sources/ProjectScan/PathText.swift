import Domain

/// Lexical path arithmetic on the paths basefit shows (which may contain archive
/// members as `wheel.whl!/member`). Never touches the file system.
enum PathText {
    /// Collapses `.`, `..` and repeated slashes. A leading `/` is kept; `..` that
    /// climbs above a relative start is kept as is.
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !absolute {
                    parts.append(part)
                }
                continue
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// A file name that is not valid UTF-8, shown as `ls -b` does (`EscapedName`).
    static func escaped(_ rawName: [UInt8]) -> String { EscapedName.of(rawName) }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// A member of a wheel (`x.whl!/a.so`): PyPI's, never an npm package's file, even when a
    /// Yarn cache zip's members (`x.zip!/node_modules/…`) are.
    static func isWheelMember(_ path: String) -> Bool {
        path.contains(".whl!/")
    }

    /// `path` below `root` (both normalised): "" for the root itself, nil when it lies outside.
    /// Under the root "." lies every relative path that does not climb out of it.
    static func relative(_ path: String, to root: String) -> String? {
        if root == "." { return path == ".." || path.hasPrefix("../") || path.hasPrefix("/") ? nil : (path == "." ? "" : path) }
        if path == root { return "" }
        let prefix = root == "/" ? "/" : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : nil
    }

    static func join(_ directory: String, _ name: String) -> String {
        if name.hasPrefix("/") { return name }
        if directory == "/" { return "/" + name }
        return directory + "/" + name
    }
}
