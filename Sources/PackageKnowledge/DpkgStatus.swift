import Foundation

/// The packages dpkg has installed in a root: `var/lib/dpkg/status` stanzas whose `Status:` is
/// `install ok installed` (a removed package keeps a stanza with `deinstall ok config-files`).
public enum DpkgStatus {
    public static func installedPackages(root: String) throws -> Set<String> {
        let path = root + "/var/lib/dpkg/status"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PackageKnowledgeError.unreadable(path: path, reason: "no dpkg status file")
        }
        return try installedPackages(statusText: String(decoding: data, as: UTF8.self), source: path)
    }

    public static func installedPackages(statusText: String, source: String = "status") throws -> Set<String> {
        var installed: Set<String> = []
        var package: String?
        var status: String?
        var lineNumber = 0
        func finish() {
            if let package, let status, status.split(separator: " ").last == "installed" { installed.insert(package) }
            package = nil
            status = nil
        }
        for line in statusText.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.isEmpty { finish(); continue }
            if line.hasPrefix("Package:") {
                if package != nil {
                    throw PackageKnowledgeError.malformedLine(source: source, line: lineNumber, reason: "second Package field in one stanza")
                }
                package = line.dropFirst("Package:".count).trimmingBlanks
            } else if line.hasPrefix("Status:") {
                status = line.dropFirst("Status:".count).trimmingBlanks
            }
        }
        finish()
        return installed
    }
}
