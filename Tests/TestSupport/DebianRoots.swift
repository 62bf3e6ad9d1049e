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
}
