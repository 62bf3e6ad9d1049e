import Foundation

/// The release tarball `scripts/release.sh` writes to `dist/`
/// (`basefit-<version>-linux-<arch>.tar.gz`), for this machine's architecture.
public enum ReleaseTarball {
    public static let distDirectory = TestPaths.packageRoot.appendingPathComponent("dist")

    /// This machine's architecture as `uname -m` names it (the tarball's `<arch>`).
    public static var machine: String {
        var names = utsname()
        uname(&names)
        return withUnsafeBytes(of: &names.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// The newest tarball for this architecture in `dist/`, or nil.
    public static var path: String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: distDirectory.path)) ?? []
        let candidates = names.filter { $0.hasPrefix("basefit-") && $0.hasSuffix("-linux-\(machine).tar.gz") }
            .map { distDirectory.appendingPathComponent($0).path }
        func modified(_ path: String) -> Date {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
        }
        return candidates.max { modified($0) < modified($1) }
    }

    public static var available: Bool { path != nil }

    /// Why release tests are skipped when there is no tarball.
    public static let missingMessage = "no dist/basefit-*-linux-<arch>.tar.gz: run `bash scripts/release.sh` first (scripts/test.sh does)"

    /// Unpacks the tarball into `directory` and returns the directory it made
    /// (`basefit-<version>-linux-<arch>/`).
    public static func unpack(into directory: String) throws -> String {
        guard let path else { throw ReleaseTarballError(message: missingMessage) }
        let result = try Run.program("/bin/tar", ["-xzf", path, "-C", directory])
        guard result.status == 0 else { throw ReleaseTarballError(message: "tar -xzf \(path): \(result.stderr)") }
        let name = URL(fileURLWithPath: path).lastPathComponent.replacingOccurrences(of: ".tar.gz", with: "")
        return directory + "/" + name
    }
}

public struct ReleaseTarballError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
