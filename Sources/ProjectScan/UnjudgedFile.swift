/// A file or wheel member that is, or may be, native code, and that basefit could not
/// judge: the requirements are incomplete without it, so `check` cannot call an image
/// compatible (exit 2) and `recommend` cannot vouch for its choice, unless the user says
/// `--allow-unjudged`. Written under `unjudged` in a requirements file.
public struct UnjudgedFile: Sendable, Hashable, Codable {
    /// The file as the scan names it (`x.whl!/member.so` for a wheel member).
    public var path: String
    /// Why it was not judged, in the warning's words.
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// "1 item that may hold native code", "3 items that may hold native code": a file, a
    /// wheel member or a lockfile line, as every output counts them.
    public static func counted(_ count: Int) -> String {
        "\(count) item\(count == 1 ? "" : "s") that may hold native code"
    }
}
