import Foundation

/// The release tarball for this machine's architecture (`basefit-<version>-linux-<arch>.tar.gz`):
/// the one `scripts/test.sh` links from the debug build (`scripts/release.sh --from-debug`,
/// `.build/test-dist/`) or an optimised release (`scripts/release.sh`, `dist/`), the newer.
public enum ReleaseTarball {
    /// Where `scripts/release.sh` writes, with and without `--from-debug`.
    public static let directories = [
        TestPaths.packageRoot.appendingPathComponent(".build/test-dist"),
        TestPaths.packageRoot.appendingPathComponent("dist"),
    ]

    /// This machine's architecture as `uname -m` names it (the tarball's `<arch>`).
    public static var machine: String {
        var names = utsname()
        uname(&names)
        return withUnsafeBytes(of: &names.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// The newest tarball for this architecture in either directory, or nil.
    public static var path: String? {
        let candidates = directories.flatMap { directory in
            ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
                .filter { $0.hasPrefix("basefit-") && $0.hasSuffix("-linux-\(machine).tar.gz") }
                .map { directory.appendingPathComponent($0).path }
        }
        func modified(_ path: String) -> Date {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
        }
        return candidates.max { modified($0) < modified($1) }
    }

    /// The directory of that tarball, which holds the `SHA256SUMS` naming it (the first
    /// directory when there is none).
    public static var distDirectory: URL {
        path.map { URL(fileURLWithPath: $0).deletingLastPathComponent() } ?? directories[0]
    }

    public static var available: Bool { path != nil }

    /// Why release tests are skipped when there is no tarball.
    public static let missingMessage = "no .build/test-dist/ or dist/basefit-*-linux-<arch>.tar.gz: run `bash scripts/release.sh --from-debug` after `swift build` first (scripts/test.sh does)"

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
