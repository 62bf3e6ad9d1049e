import Foundation
import Testing
import TestSupport

/// A project's own copy of a library the runtime's process has already loaded from the image:
/// glibc matches the NEEDED name to the loaded library and never opens the copy, so the versions
/// the addon or extension module needs are held to the image's copy (repro 01 and 08 of the
/// scanner review). Built by gcc here; the runtimes of the Debian roots are the oracle.
@Suite(.serialized) struct PreloadedLibraryTests {
    func basefit(_ arguments: [String]) throws -> ProcessResult { try BuiltInputs.basefit(arguments) }
    func gcc(_ arguments: [String]) throws { try BuiltInputs.gcc(arguments) }
    func problems(_ result: ProcessResult) throws -> [[String: Any]] { try BuiltInputs.problems(result) }

    /// A stub library named `soname` whose one function `fakefn` is defined at `version` (what a
    /// newer libstdc++ or zlib would define), and a file at `path` built against it that calls
    /// it and finds it through `RUNPATH $ORIGIN` beside itself.
    func bundle(_ soname: String, version: String, file path: String, source: String, in directory: URL) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let stub = directory.appendingPathComponent("stub-\(soname).c").path
        let map = directory.appendingPathComponent("stub-\(soname).map").path
        try "int fakefn(void){return 1;}\n".write(toFile: stub, atomically: true, encoding: .utf8)
        try "\(version) { global: fakefn; };\n".write(toFile: map, atomically: true, encoding: .utf8)
        try gcc(["-shared", "-fPIC", "-o", folder + "/" + soname, stub, "-Wl,-soname," + soname, "-Wl,--version-script," + map])
        let code = directory.appendingPathComponent("file.c").path
        try source.write(toFile: code, atomically: true, encoding: .utf8)
        try gcc(["-shared", "-fPIC", "-o", path, code, "-L" + folder, "-l:" + soname, "-Wl,-rpath,$ORIGIN", "-Wl,-z,now"])
    }

    static let addonSource = "int fakefn(void);\nvoid* napi_register_module_v1(void* e, void* x){ fakefn(); return x; }\n"

    /// node_modules/bundlecxx with an N-API addon that ships a libstdc++.so.6 defining GLIBCXX_3.4.32.
    func nodeProject(in directory: URL, library: String = "libstdc++.so.6", version: String = "GLIBCXX_3.4.32") throws -> (project: String, addon: String) {
        let project = directory.appendingPathComponent("proj").path
        let package = project + "/node_modules/bundlecxx"
        try FileManager.default.createDirectory(atPath: package + "/build/Release", withIntermediateDirectories: true)
        try #"{"name":"bundlecxx","version":"1.0.0"}"#.write(toFile: package + "/package.json", atomically: true, encoding: .utf8)
        try #"{"name":"app","version":"1.0.0","dependencies":{"bundlecxx":"1.0.0"}}"#.write(toFile: project + "/package.json", atomically: true, encoding: .utf8)
        let addon = package + "/build/Release/addon.node"
        try bundle(library, version: version, file: addon, source: Self.addonSource, in: directory)
        return (project, addon)
    }

    @Test(arguments: ["node:22-bookworm-slim", "gcr.io/distroless/nodejs22-debian12"])
    func aBundledLibstdcxxIsHeldToTheCatalogImagesCopy(_ image: String) throws {
        let directory = try TemporaryDirectory.make("preload")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (project, _) = try nodeProject(in: directory)
        let result = try basefit(["check", project, "--base", image, "--format", "json"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let problem = try #require(try problems(result).first { $0["library"] as? String == "libstdc++.so.6" })
        #expect(problem["version"] as? String == "GLIBCXX_3.4.32")
        let message = problem["message"] as? String ?? ""
        #expect(message.contains("never opens the project's"), "\(message)")
        #expect(message.contains("build/Release/libstdc++.so.6"), "\(message)")
        #expect(message.contains("addon.node's GLIBCXX_3.4.32 need is held to it"), "\(message)")
    }

    /// The scan still counts the copy as bundled (a program of the project would load it), and
    /// says which runtime may shadow it.
    @Test func theScanRecordsTheHostedCopy() throws {
        let directory = try TemporaryDirectory.make("preload-scan")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (project, _) = try nodeProject(in: directory)
        let result = try basefit(["scan", project, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let files = (object["requirements"] as? [String: Any])?["files"] as? [[String: Any]] ?? []
        let addon = try #require(files.first { ($0["path"] as? String)?.hasSuffix("addon.node") == true })
        let hosted = try #require(addon["hostedLibraries"] as? [[String: Any]])
        #expect(hosted.first?["host"] as? String == "node")
        #expect(hosted.first?["library"] as? String == "libstdc++.so.6")
    }

    /// Debian's node (bookworm-node) links libnode.so.108, which links libstdc++.so.6: basefit reads
    /// that from the root and says node has already loaded it; node's require() fails the same way.
    @Test func nodeInTheRootRefusesWhatBasefitRefuses() throws {
        guard let (root, work) = try RuntimeOracleTests.workDirectory(in: "bookworm-node", prefix: "preload") else { return }
        defer { try? FileManager.default.removeItem(atPath: root + work) }
        let (project, addon) = try nodeProject(in: URL(fileURLWithPath: root + work))
        let result = try basefit(["check", project, "--rootfs", root, "--format", "json"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let message = try problems(result).first { $0["library"] as? String == "libstdc++.so.6" }?["message"] as? String ?? ""
        #expect(message.contains("has already loaded /"), "\(message)")
        let inside = String(addon.dropFirst(root.count))
        let loaded = try RuntimeOracleTests().chroot(root, ["/usr/bin/node", "-e", "require('\(inside)'); console.log('loaded')"])
        #expect(!loaded.stdout.contains("loaded"))
        #expect(loaded.stderr.contains("GLIBCXX_3.4.32' not found"), "\(loaded.stderr)")
    }

    /// A copy under a name node does not load is the one the loader uses: still compatible on the
    /// root, and node loads the addon.
    @Test func aBundledLibraryNodeDoesNotLoadIsStillTheProjects() throws {
        guard let (root, work) = try RuntimeOracleTests.workDirectory(in: "bookworm-node", prefix: "preload-own") else { return }
        defer { try? FileManager.default.removeItem(atPath: root + work) }
        let (project, addon) = try nodeProject(in: URL(fileURLWithPath: root + work), library: "libbundled.so.1", version: "BUNDLED_2.0")
        let result = try basefit(["check", project, "--rootfs", root, "--format", "json"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let inside = String(addon.dropFirst(root.count))
        let loaded = try RuntimeOracleTests().chroot(root, ["/usr/bin/node", "-e", "require('\(inside)'); console.log('loaded')"])
        // The stub addon registers nothing real; loading (not a loader error) is what counts.
        #expect(!loaded.stderr.contains("not found"), "\(loaded.stderr)")
    }

    /// Debian's python3 links libz.so.1: an extension module's own libz.so.1 needing ZLIB_1.3.1 is
    /// never opened there (bookworm's zlib is 1.2.13).
    @Test func cpythonInTheRootRefusesWhatBasefitRefuses() throws {
        guard let (root, work) = try RuntimeOracleTests.workDirectory(in: "bookworm-python", prefix: "preload-py") else { return }
        defer { try? FileManager.default.removeItem(atPath: root + work) }
        let sitePackages = root + work + "/venv/lib/python3.11/site-packages"
        try FileManager.default.createDirectory(atPath: sitePackages + "/zpkg", withIntermediateDirectories: true)
        try "home = /usr/bin\nversion = 3.11.2\n".write(toFile: root + work + "/venv/pyvenv.cfg", atomically: true, encoding: .utf8)
        let module = sitePackages + "/zpkg/_z.cpython-311-x86_64-linux-gnu.so"
        try bundle("libz.so.1", version: "ZLIB_1.3.1", file: module, source: "int fakefn(void);\nvoid* PyInit__z(void){ fakefn(); return 0; }\n",
                   in: URL(fileURLWithPath: root + work))
        for arguments in [["--rootfs", root], ["--base", "gcr.io/distroless/python3-debian12"], ["--base", "python:3.11-slim-bookworm"]] {
            let result = try basefit(["check", root + work + "/venv"] + arguments + ["--format", "json"])
            #expect(result.status == 1, "\(arguments): \(result.stdout)\(result.stderr)")
            let problem = try problems(result).first { $0["library"] as? String == "libz.so.1" }
            #expect(problem?["version"] as? String == "ZLIB_1.3.1", "\(arguments): \(result.stdout)")
        }
        let rootfs = try basefit(["check", root + work + "/venv", "--rootfs", root, "--format", "json"])
        let message = try problems(rootfs).first { $0["library"] as? String == "libz.so.1" }?["message"] as? String ?? ""
        #expect(message.contains("python3.11 has already loaded /"), "\(message)")
        let imported = try RuntimeOracleTests().chroot(root, ["/usr/bin/python3", "-c", "import sys; sys.path.insert(0, '\(work)/venv/lib/python3.11/site-packages'); import zpkg._z"])
        #expect(imported.stderr.contains("ZLIB_1.3.1' not found"), "\(imported.stderr)")
    }
}
