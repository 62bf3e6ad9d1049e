import ELFInspection
import Domain
import Foundation
import TestSupport

/// The roots scripts/rootfs.sh makes besides the three amd64 suites: `<suite>-arm64`
/// (debootstrap --foreign: arm64 packages unpacked, qemu-aarch64-static copied in) and
/// the amd64 roots with a runtime installed by apt (`bookworm-python`, `bookworm-node` …).
enum PreparedRoots {
    static let suites = ["bullseye", "bookworm", "trixie"]

    static func path(_ name: String) -> String { DebianRoots.cache + "/" + name }

    static func available(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: path(name) + "/.basefit-complete")
    }

    static func missing(_ name: String) -> String {
        "no \(path(name)): run `bash scripts/rootfs.sh \(name)` (root, Debian's mirror)"
    }

    /// Suites whose arm64 root exists here.
    static var arm64Suites: [String] { suites.filter { available($0 + "-arm64") } }

    /// Running a root's own programs in a chroot (test-only oracles).
    static var canChroot: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/chroot") }

    /// Runs `arguments` inside `root` with chroot.
    static func chroot(_ root: String, _ arguments: [String]) throws -> ProcessResult {
        try Run.program("/usr/sbin/chroot", [root] + arguments, environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": "/root"])
    }
}
