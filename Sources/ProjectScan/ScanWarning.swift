/// Something basefit could not read or chose not to follow. A warning does not stop a
/// scan. One that leaves native code unjudged (`Effect.unjudged`) is also carried in the
/// requirements (`Requirements.unjudged`), and a gate cannot pass on them.
public struct ScanWarning: Sendable, Hashable, Codable {
    /// What the warning leaves out of the judgement.
    public enum Effect: String, Sendable, Hashable, Codable {
        /// Nothing that could be native code the image must load: a loop walked once, a
        /// member no installer writes, a manifest that only names packages.
        case none
        /// A file or wheel member that is, or may be, native code was not judged (unreadable,
        /// damaged, over a limit, in a directory that could not be read).
        case unjudged
    }

    public var path: String
    public var message: String
    public var effect: Effect

    public init(path: String, message: String, effect: Effect = .none) {
        self.path = path
        self.message = message
        self.effect = effect
    }

    /// The same warning as what a gate must know was not judged.
    public var unjudgedFile: UnjudgedFile? {
        effect == .unjudged ? UnjudgedFile(path: path, reason: message) : nil
    }
}
