import Foundation

/// Which release a root filesystem is, and what dpkg has installed in it: what `check --rootfs`
/// needs to name packages for that root.
public struct RootDistribution: Sendable, Hashable {
    public var release: Release
    public var installed: Set<String>

    public init(release: Release, installed: Set<String>) {
        self.release = release
        self.installed = installed
    }

    /// Reads `etc/os-release` (or `usr/lib/os-release`) and, for apt-based releases,
    /// `var/lib/dpkg/status`. Nil when the root's os-release names no known release.
    public static func detect(root: String) throws -> RootDistribution? {
        guard let fields = try osRelease(root: root), let id = fields["ID"],
              let release = Release(osReleaseID: id, versionID: fields["VERSION_ID"], codename: fields["VERSION_CODENAME"]) else {
            return nil
        }
        let installed = release.packageManager == .apt ? try DpkgStatus.installedPackages(root: root) : []
        return RootDistribution(release: release, installed: installed)
    }

    /// The `KEY=value` fields of the root's os-release, quotes removed. An absolute symlink is
    /// followed inside the root, never on the host.
    public static func osRelease(root: String) throws -> [String: String]? {
        for relative in ["/etc/os-release", "/usr/lib/os-release"] {
            var path = root + relative
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path), target.hasPrefix("/") {
                path = root + target
            }
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            var fields: [String: String] = [:]
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
                var value = line[line.index(after: equals)...].trimmingBlanks
                if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                    value = String(value.dropFirst().dropLast())
                }
                fields[String(line[..<equals])] = value
            }
            return fields
        }
        return nil
    }
}
