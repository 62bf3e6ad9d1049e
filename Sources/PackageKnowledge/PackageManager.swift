/// A distribution's package manager, and the one command that installs a set of packages in a
/// Dockerfile `RUN` line (cleaning its caches in the same layer).
public enum PackageManager: String, Sendable, Hashable, CaseIterable, Codable {
    case apt, apk, microdnf, dnf, yum

    public func installCommand(_ packages: [String]) -> String? {
        guard !packages.isEmpty else { return nil }
        let names = packages.joined(separator: " ")
        switch self {
        case .apt:
            return "apt-get update && apt-get install -y --no-install-recommends \(names) && rm -rf /var/lib/apt/lists/*"
        case .apk: return "apk add --no-cache \(names)"
        case .microdnf: return "microdnf install -y \(names)"
        case .dnf: return "dnf install -y \(names) && dnf clean all"
        case .yum: return "yum install -y \(names) && yum clean all"
        }
    }
}
