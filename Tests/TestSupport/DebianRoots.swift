import Foundation

/// Real Debian root filesystems made by `debootstrap --variant=minbase` (scripts/rootfs.sh).
public enum DebianRoots {
    public static let cache = ProcessInfo.processInfo.environment["BASEFIT_ROOTFS_CACHE"] ?? "/var/cache/basefit/rootfs"
    public static let suites = ["bullseye", "bookworm", "trixie"]

    public static func path(_ suite: String) -> String { cache + "/" + suite }

    public static func available(_ suite: String) -> Bool {
        FileManager.default.fileExists(atPath: path(suite) + "/.basefit-complete")
    }

    /// The suites whose roots exist here.
    public static var present: [String] { suites.filter(available) }

    /// A private copy of the named root whose files are hard links to the original's (`cp -al`,
    /// under a second): a test may add files, run ldconfig (which replaces the cache and links
    /// rather than writing into them) and delete files there. The caller removes it.
    public static func linkedCopy(_ name: String, prefix: String) throws -> String {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-\(prefix)-\(name)-\(UUID().uuidString.prefix(8))").path
        let made = try Run.program("/bin/cp", ["-al", path(name), copy])
        guard made.status == 0 else { throw CopyFailed(detail: "cp -al \(path(name)) \(copy): \(made.stderr)") }
        return copy
    }

    public struct CopyFailed: Error, CustomStringConvertible {
        public var detail: String
        public var description: String { detail }
    }
}
