/// Something basefit could not read or chose not to follow. Warnings do not stop a
/// scan and do not change the exit code.
public struct ScanWarning: Sendable, Hashable, Codable {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
}
