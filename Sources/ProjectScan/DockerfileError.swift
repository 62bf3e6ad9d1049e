public struct DockerfileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var detail: String

    public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(detail)" }
}
