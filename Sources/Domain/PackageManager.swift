/// The package manager an image ships, which decides how a missing library is installed.
public enum PackageManager: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case apt, apk, dnf, microdnf, yum

    public var description: String { rawValue }

    /// One command installing every package, ready to paste into a Dockerfile `RUN`
    /// (nil for no packages). Each cleans up after itself so the layer stays small.
    public func installCommand(_ packages: [String]) -> String? {
        guard !packages.isEmpty else { return nil }
        let names = packages.joined(separator: " ")
        switch self {
        case .apt: return "apt-get update && apt-get install -y --no-install-recommends \(names) && rm -rf /var/lib/apt/lists/*"
        case .apk: return "apk add --no-cache \(names)"
        case .dnf: return "dnf install -y \(names) && dnf clean all"
        case .microdnf: return "microdnf install -y \(names) && microdnf clean all"
        case .yum: return "yum install -y \(names) && yum clean all"
        }
    }
}
