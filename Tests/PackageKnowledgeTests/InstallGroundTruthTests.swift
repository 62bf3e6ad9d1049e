import ELFInspection
import Foundation
import PackageKnowledge
import Testing
import TestSupport

/// Ground truth by doing it: a probe shared object linked against the libraries a real case needs is
/// inspected (NEEDED + version needs), the libraries a copy of a debootstrapped root lacks become
/// the missing list, the plan's one command runs in a chroot of that copy against Debian's
/// mirror, and then the root's own loader relocates the probe (every library and version node
/// resolves) and `du -sb` growth is held against the predicted cost.
enum InstallOracle {
    static var usable: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/chroot") && Run.which("gcc") != nil
    }
}

@Suite(.enabled(if: InstallOracle.usable, "needs root, gcc and debootstrapped roots (scripts/rootfs.sh)"), .serialized)
struct InstallGroundTruthTests {
    /// Downloaded .debs kept between runs (apt reuses a cached .deb whose version matches).
    static let debCache = ProcessInfo.processInfo.environment["BASEFIT_DEB_CACHE"] ?? "/var/cache/basefit/debs"

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var suite: String
        var release: Release
        /// Library file name (as linked, `-l:NAME`) → a symbol the probe references from it.
        var links: [(library: String, symbol: String)]
        /// Packages the plan must name (checks the t64 renames and the closure de-duplication).
        var expectedPackages: [String]
        /// An official image whose repo-info package list the root is first brought to, and
        /// which is then the plan's installed set (nil: the root's own dpkg status).
        var image: String? = nil
        /// Libraries of `links` the base already has.
        var present: [String] = []
        var testDescription: String { "\(name) on \(image ?? suite)" }
    }

    static let cases: [Case] = [
        Case(name: "TLS probe", suite: "bookworm", release: .debian12,
             links: [("libssl.so.3", "SSL_CTX_new"), ("libcrypto.so.3", "EVP_sha256")], expectedPackages: ["libssl3"]),
        // trixie's minbase already has libssl3t64 (apt needs it); GLib shows the t64 rename.
        Case(name: "GLib (t64 rename)", suite: "trixie", release: .debian13,
             links: [("libglib-2.0.so.0", "g_malloc"), ("libgthread-2.0.so.0", "g_thread_init")], expectedPackages: ["libglib2.0-0t64"]),
        Case(name: "basefit's own libraries", suite: "bullseye", release: .debian11,
             links: [("libarchive.so.13", "archive_read_new"), ("libelf.so.1", "elf_version"), ("libsqlite3.so.0", "sqlite3_open")],
             expectedPackages: ["libarchive13", "libelf1", "libsqlite3-0"]),
        Case(name: "basefit's own libraries", suite: "bookworm", release: .debian12,
             links: [("libarchive.so.13", "archive_read_new"), ("libelf.so.1", "elf_version"), ("libsqlite3.so.0", "sqlite3_open")],
             expectedPackages: ["libarchive13", "libelf1", "libsqlite3-0"]),
        Case(name: "opencv-python X11/GL set", suite: "bookworm", release: .debian12,
             links: [("libGL.so.1", "glGetString"), ("libX11.so.6", "XOpenDisplay"), ("libxcb.so.1", "xcb_connect"),
                     ("libSM.so.6", "SmcOpenConnection"), ("libICE.so.6", "IceOpenConnection"),
                     ("libgthread-2.0.so.0", "g_thread_init"), ("libglib-2.0.so.0", "g_malloc")],
             expectedPackages: ["libgl1", "libglib2.0-0", "libsm6"]),
        // python:slim already has libsqlite3-0 (repo-info): the plan must not count it.
        Case(name: "basefit's own libraries", suite: "bookworm", release: .debian12,
             links: [("libarchive.so.13", "archive_read_new"), ("libelf.so.1", "elf_version"), ("libsqlite3.so.0", "sqlite3_open")],
             expectedPackages: ["libarchive13", "libelf1"], image: "python:3.12-slim-bookworm", present: ["libsqlite3.so.0"]),
    ]

    @Test(arguments: cases)
    func suggestedCommandMakesTheProbeLoad(_ item: Case) throws {
        guard DebianRoots.available(item.suite) else {
            print("skipped \(item.testDescription): no debootstrapped \(item.suite) root"); return
        }
        guard mirrorReachable(item.suite) else {
            print("skipped \(item.testDescription): http://deb.debian.org is unreachable"); return
        }
        let work = try makeWorkDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let root = work + "/root"
        try run("/bin/cp", ["-a", DebianRoots.path(item.suite), root])
        try? FileManager.default.removeItem(atPath: root + "/etc/resolv.conf")
        try FileManager.default.copyItem(atPath: "/etc/resolv.conf", toPath: root + "/etc/resolv.conf")

        let environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive", "LC_ALL": "C"]
        var imagePackages: Set<String>?
        if let image = item.image {
            // Bring the root to the image's package set (its runtime in /usr/local is not dpkg's).
            let packages = try #require(InstalledPackages.forImage(image), "no repo-info list for \(image)")
            let missingFromRoot = packages.subtracting(try DpkgStatus.installedPackages(root: root)).sorted()
            try clearAptState(root)
            try restoreDebs(suite: item.suite, into: root + "/var/cache/apt/archives")
            let prepare = try Run.program("/usr/sbin/chroot", [root, "/bin/sh", "-c",
                "apt-get update && apt-get install -y --no-install-recommends \(missingFromRoot.joined(separator: " "))"], environment: environment)
            try #require(prepare.status == 0, "preparing \(image): \(prepare.stderr.suffix(2000))")
            try saveDebs(suite: item.suite, from: root + "/var/cache/apt/archives")
            #expect(try DpkgStatus.installedPackages(root: root) == packages, "the root now has exactly \(image)'s packages")
            imagePackages = packages
        }

        // The probe and what it needs, as basefit reads it.
        let probe = try buildProbe(item.links, in: work)
        try FileManager.default.copyItem(atPath: probe, toPath: root + "/probe.so")
        let facts = try ELFInspector.inspect(path: probe)
        let libraryDirectories = LibraryDirectories.debian("amd64")
        let missing = facts.needed.filter { soname in
            !libraryDirectories.contains { FileManager.default.fileExists(atPath: root + $0 + "/" + soname) }
        }.map { soname in
            MissingLibrary(soname: soname, versions: facts.versionNeeds.first { $0.library == soname }?.versions.map(\.version.name) ?? [])
        }
        #expect(Set(missing.map(\.soname)) == Set(item.links.map(\.library)).subtracting(item.present),
                "the base has other libraries of \(item.links.map(\.library)) than \(item.present)")
        let before = try loader(root)
        #expect(!before.loads, "the probe must not load before the install: \(before.evidence)")

        let installed = try imagePackages ?? DpkgStatus.installedPackages(root: root)
        let plan = try #require(try PackageKnowledge.plan(missing: missing, release: item.release, architecture: "amd64", installed: installed))
        #expect(plan.unresolved.isEmpty, "\(plan.unresolved)")
        #expect(plan.packages == item.expectedPackages)
        let command = try #require(plan.command)
        #expect(command == "apt-get update && apt-get install -y --no-install-recommends \(item.expectedPackages.joined(separator: " ")) && rm -rf /var/lib/apt/lists/*")

        try clearAptState(root)
        let sizeBefore = try diskUsage(root)
        let archives = root + "/var/cache/apt/archives"
        try restoreDebs(suite: item.suite, into: archives)
        let install = try Run.program("/usr/sbin/chroot", [root, "/bin/sh", "-c", command], environment: environment)
        try #require(install.status == 0, "\(command) failed: \(install.stdout.suffix(2000)) \(install.stderr.suffix(2000))")
        try saveDebs(suite: item.suite, from: archives)
        try clearAptState(root)
        let growth = try diskUsage(root) - sizeBefore

        // (a) the root's loader now relocates the probe: every library, version node and symbol resolves.
        let after = try loader(root)
        #expect(after.loads, "probe still fails after \(command): \(after.evidence)")
        for library in missing {
            #expect(libraryDirectories.contains { FileManager.default.fileExists(atPath: root + $0 + "/" + library.soname) }, "\(library.soname)")
        }
        // Every package of the closure is installed now, nothing else was.
        let nowInstalled = try DpkgStatus.installedPackages(root: root)
        #expect(nowInstalled.subtracting(installed) == Set(plan.closure), "apt installed \(nowInstalled.subtracting(installed).sorted()), predicted \(plan.closure)")
        // (b) the measured growth is within 10% of the predicted cost.
        let ratio = Double(growth) / Double(plan.bytes)
        print("ground truth \(item.testDescription): \(plan.packages.joined(separator: " ")) closure \(plan.closure.count) packages, predicted \(plan.bytes) bytes, measured \(growth) bytes (\(String(format: "%+.1f", (ratio - 1) * 100))%)")
        #expect(abs(ratio - 1) <= 0.10, "predicted \(plan.bytes), measured \(growth)")
    }

    // MARK: helpers

    func mirrorReachable(_ suite: String) -> Bool {
        guard let curl = Run.which("curl"),
              let result = try? Run.program(curl, ["-sfI", "--max-time", "10", "http://deb.debian.org/debian/dists/\(suite)/Release"]) else {
            return false
        }
        return result.status == 0
    }

    func makeWorkDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "basefit-install-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A shared object that takes the address of one symbol from each library, linked against
    /// the host's copy of each library by file name, so it NEEDS exactly those sonames with the
    /// version nodes of those symbols, and nothing from libc beyond `libc.so.6` itself (a
    /// bookworm-built executable would need GLIBC_2.34 for its start files, which bullseye lacks).
    func buildProbe(_ links: [(library: String, symbol: String)], in work: String) throws -> String {
        var source = ""
        for link in links { source += "extern void \(link.symbol)(void);\n" }
        source += "void (*volatile basefit_probe_refs[])(void) = {\n"
        for link in links { source += "    \(link.symbol),\n" }
        source += "};\n"
        let sourcePath = work + "/probe.c"
        try source.write(toFile: sourcePath, atomically: true, encoding: .utf8)
        let output = work + "/probe.so"
        let triplet = LibraryDirectories.multiarchTriplet("amd64") ?? ""
        let objects = links.map { link in
            ["/lib/\(triplet)", "/usr/lib/\(triplet)"].map { $0 + "/" + link.library }.first { FileManager.default.fileExists(atPath: $0) } ?? link.library
        }
        try run("/usr/bin/gcc", ["-shared", "-fPIC", "-o", output, sourcePath, "-Wl,--no-as-needed"] + objects)
        return output
    }

    /// The root's own loader, relocating everything (`ldd -r`): a missing library, version node
    /// or symbol is an error.
    func loader(_ root: String) throws -> (loads: Bool, evidence: String) {
        let result = try Run.program("/usr/sbin/chroot", [root, "/usr/bin/ldd", "-r", "/probe.so"],
                                     environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C"])
        let text = result.stdout + result.stderr
        let bad = text.split(separator: "\n").filter { $0.contains("not found") || $0.contains("undefined symbol") }
        return (result.status == 0 && bad.isEmpty, bad.isEmpty ? text : bad.joined(separator: "; "))
    }

    func clearAptState(_ root: String) throws {
        for directory in ["/var/lib/apt/lists", "/var/cache/apt"] {
            try? FileManager.default.removeItem(atPath: root + directory)
            try FileManager.default.createDirectory(atPath: root + directory, withIntermediateDirectories: true)
        }
        try FileManager.default.createDirectory(atPath: root + "/var/lib/apt/lists/partial", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/var/cache/apt/archives/partial", withIntermediateDirectories: true)
    }

    func diskUsage(_ root: String) throws -> Int {
        let result = try Run.program("/usr/bin/du", ["-sb", root])
        guard result.status == 0, let bytes = result.stdout.split(separator: "\t").first.flatMap({ Int($0) }) else {
            throw ProbeError(message: "du -sb \(root): \(result.stderr)")
        }
        return bytes
    }

    func restoreDebs(suite: String, into archives: String) throws {
        let cache = Self.debCache + "/\(suite)-amd64"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? [] where name.hasSuffix(".deb") {
            try? FileManager.default.copyItem(atPath: cache + "/" + name, toPath: archives + "/" + name)
        }
    }

    func saveDebs(suite: String, from archives: String) throws {
        let cache = Self.debCache + "/\(suite)-amd64"
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: archives)) ?? [] where name.hasSuffix(".deb") {
            if !FileManager.default.fileExists(atPath: cache + "/" + name) {
                try FileManager.default.copyItem(atPath: archives + "/" + name, toPath: cache + "/" + name)
            }
        }
    }

    func run(_ program: String, _ arguments: [String]) throws {
        let result = try Run.program(program, arguments)
        guard result.status == 0 else {
            throw ProbeError(message: "\(program) \(arguments.joined(separator: " ")): \(result.stderr)")
        }
    }

    struct ProbeError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
