import Foundation
import Testing
import TestSupport
@testable import ImageMeasurement

/// `LoaderCache` reads ld.so.cache files as glibc's own ldconfig prints them (`ldconfig -p -C
/// FILE`, the oracle), in the three layouts ldconfig writes (`-c old`, `compat`, `new`), for
/// caches ldconfig made of the real Debian roots.
@Suite(.enabled(if: !DebianRoots.present.isEmpty && getuid() == 0, "needs root and the debootstrapped roots (scripts/rootfs.sh)"))
struct LoaderCacheTests {
    /// name → path of the entries of one ABI (`x86-64`, `AArch64`), as `ldconfig -p -C FILE` prints them.
    static func printed(_ file: String, abi: String = "x86-64") throws -> [String: String] {
        let listed = try Run.program("/sbin/ldconfig", ["-p", "-C", file])
        try #require(listed.status == 0, "ldconfig -p: \(listed.stderr)")
        var entries: [String: String] = [:]
        for line in listed.stdout.split(separator: "\n") where line.contains("(libc6,\(abi)") && line.contains(" => ") {
            let parts = line.trimmingCharacters(in: .whitespaces).components(separatedBy: " => ")
            let name = String(parts[0].split(separator: " ").first ?? "")
            if entries[name] == nil { entries[name] = parts[1] }
        }
        return entries
    }

    @Test(arguments: DebianRoots.present)
    func everyLayoutReadsAsLdconfigPrintsIt(_ suite: String) throws {
        let copy = try DebianRoots.linkedCopy(suite, prefix: "ldcache")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        var seen: [[String: String]] = []
        for layout in ["old", "compat", "new"] {
            let made = try Run.program("/sbin/ldconfig", ["-X", "-c", layout, "-C", "/tmp/cache-\(layout)", "-r", copy])
            try #require(made.status == 0, "ldconfig -c \(layout): \(made.stderr)")
            let file = copy + "/tmp/cache-\(layout)"
            let cache = try #require(LoaderCache(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))), "\(layout) not read")
            var ours: [String: String] = [:]
            for entry in cache.entries(machine: "x86_64") where ours[entry.name] == nil { ours[entry.name] = entry.path }
            let expected = try Self.printed(file)
            #expect(expected.count > 20)
            #expect(ours == expected, "\(suite), \(layout) layout")
            #expect(cache.entries(machine: "aarch64").isEmpty)
            seen.append(ours)
        }
        #expect(Set(seen.map { $0.keys.sorted() }).count == 1, "the three layouts list the same libraries")
        // The root's own cache, as its debootstrap left it.
        let own = try #require(LoaderCache(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: DebianRoots.path(suite) + "/etc/ld.so.cache")))))
        var ours: [String: String] = [:]
        for entry in own.entries(machine: "x86_64") where ours[entry.name] == nil { ours[entry.name] = entry.path }
        #expect(ours == (try Self.printed(DebianRoots.path(suite) + "/etc/ld.so.cache")))
    }

    /// An arm64 root's cache, written by its own arm64 ldconfig (run under the qemu-aarch64-static
    /// the root holds): its AArch64 entries are what `ldconfig -p` prints, and measuring the root
    /// with that cache finds the same libraries as without one.
    @Test(arguments: ["bookworm-arm64", "trixie-arm64"])
    func arm64CacheReadsAsLdconfigPrintsIt(_ name: String) throws {
        guard DebianRoots.available(name), FileManager.default.fileExists(atPath: DebianRoots.path(name) + "/usr/bin/qemu-aarch64-static") else {
            print("LoaderCacheTests: skipped, no \(name) root with qemu-aarch64-static (scripts/rootfs.sh \(name))")
            return
        }
        let copy = try DebianRoots.linkedCopy(name, prefix: "ldcache")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let without = try RootfsMeasurer(root: copy).measure()
        let made = try Run.program("/usr/sbin/chroot", [copy, "/usr/bin/qemu-aarch64-static", "/sbin/ldconfig"])
        try #require(made.status == 0, "arm64 ldconfig: \(made.stderr)")
        let file = copy + "/etc/ld.so.cache"
        let cache = try #require(LoaderCache(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))))
        var ours: [String: String] = [:]
        for entry in cache.entries(machine: "aarch64") where ours[entry.name] == nil { ours[entry.name] = entry.path }
        let expected = try Self.printed(file, abi: "AArch64")
        #expect(expected.count > 20)
        #expect(ours == expected)
        #expect(cache.entries(machine: "x86_64").isEmpty)
        let with = try RootfsMeasurer(root: copy).measure()
        #expect(Set(with.libraries.map(\.soname)) == Set(without.libraries.map(\.soname)))
    }

    /// Every prefix of a real cache and every byte of its header changed: read or refused, never
    /// a crash, and nothing read that the whole file does not list.
    @Test func damagedCachesAreReadOrRefused() throws {
        let suite = try #require(DebianRoots.present.first)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: DebianRoots.path(suite) + "/etc/ld.so.cache")))
        let whole = try #require(LoaderCache(bytes: bytes))
        let names = Set(whole.entries.map(\.name))
        for length in 0..<bytes.count {
            if let read = LoaderCache(bytes: Array(bytes.prefix(length))) {
                #expect(Set(read.entries.map(\.name)).isSubset(of: names), "prefix of \(length) bytes")
            }
        }
        for offset in 0..<min(64, bytes.count) {
            for value: UInt8 in [0x00, 0x7f, 0xff] {
                var damaged = bytes
                damaged[offset] = value
                _ = LoaderCache(bytes: damaged)
            }
        }
        #expect(LoaderCache(bytes: Array("glibc-ld.so.cache1.1".utf8) + [0xff, 0xff, 0xff, 0x7f]) == nil, "more entries than bytes")
    }
}
