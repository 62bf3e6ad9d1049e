import Foundation

/// Real wheels from PyPI for tests, downloaded once with pip into the cache beside the
/// Debian roots (/var/cache/basefit/wheels) and reused; nil when PyPI cannot be reached
/// (the test then skips with a message).
public enum PyPIWheels {
    public static let cache = (DebianRoots.cache as NSString).deletingLastPathComponent + "/wheels"

    public static func download(_ file: String, requirement: String, platform: String, pythonVersion: String,
                                abi: String? = nil) throws -> String? {
        let path = cache + "/" + file
        if FileManager.default.fileExists(atPath: path) { return path }
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        var arguments = ["python3", "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--platform", platform,
                         "--python-version", pythonVersion, "--implementation", "cp", "--dest", cache, requirement]
        if let abi { arguments += ["--abi", abi] }
        _ = try Run.program("/usr/bin/env", arguments)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
