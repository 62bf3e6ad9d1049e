/// The package manager an image ships, which decides how a missing library is installed.
public enum PackageManager: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case apt, apk, dnf, microdnf, yum

    public var description: String { rawValue }
}
