import Foundation
import Testing
import TestSupport

/// What glibc's loader does with entries of a file's dynamic section that basefit once passed
/// over (repro 09 of the scanner review): DF_1_NODEFLIB and DT_FILTER. Built by gcc
/// here; the bookworm root's loader (`ld.so --list`, in a chroot) is the oracle where it exists.
@Suite(.serialized) struct LoaderEntryTests {
    func basefit(_ arguments: [String]) throws -> ProcessResult { try BuiltInputs.basefit(arguments) }
    func gcc(_ arguments: [String]) throws { try BuiltInputs.gcc(arguments) }
    func problems(_ result: ProcessResult) throws -> [[String: Any]] { try BuiltInputs.problems(result) }

    func write(_ text: String, _ path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The work directory: inside the bookworm root when it exists (so its loader can be asked), else a temporary one.
    func workDirectory(_ prefix: String) throws -> (root: String?, work: String) {
        let root = DebianRoots.available("bookworm") && getuid() == 0 ? DebianRoots.path("bookworm") : nil
        if let root {
            let work = root + "/tmp/basefit-\(prefix)-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            return (root, work)
        }
        return (nil, try TemporaryDirectory.make(prefix).path)
    }

    /// The bookworm loader's `--list` of `path` (a host path inside the root).
    func loaderList(_ root: String, _ path: String) throws -> ProcessResult {
        try Run.program("/usr/sbin/chroot", [root, "/lib64/ld-linux-x86-64.so.2", "--list", String(path.dropFirst(root.count))],
                        environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C"])
    }

    /// `-z nodefaultlib`: libz.so.1 is in the image, but not where this file lets the loader look.
    @Test func aNoDefaultLibFileDoesNotFindTheImagesLibraries() throws {
        let (root, work) = try workDirectory("nodeflib")
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work + "/p", withIntermediateDirectories: true)
        try write("int zlibVersion(void);\nint g(void){return zlibVersion();}\n", work + "/g.c")
        try gcc(["-shared", "-fPIC", "-o", work + "/p/nodeflib.so", work + "/g.c", "-l:libz.so.1", "-Wl,-z,nodefaultlib"])
        // The same file with a RUNPATH naming the image's directory is found there.
        try gcc(["-shared", "-fPIC", "-o", work + "/p/nodeflib-runpath.so", work + "/g.c", "-l:libz.so.1", "-Wl,-z,nodefaultlib",
                 "-Wl,-rpath,/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu", "-Wl,--enable-new-dtags"])
        let catalog = try basefit(["check", work + "/p/nodeflib.so", "--base", "debian:bookworm-slim", "--format", "json"])
        #expect(catalog.status == 1, "\(catalog.stdout)\(catalog.stderr)")
        let problem = try problems(catalog).first { $0["library"] as? String == "libz.so.1" }
        #expect((problem?["message"] as? String)?.contains("DF_1_NODEFLIB") == true, "\(catalog.stdout)")
        guard let root else { return }
        let rootfs = try basefit(["check", work + "/p/nodeflib.so", "--rootfs", root, "--runtime", "none", "--format", "json"])
        #expect(rootfs.status == 1, "\(rootfs.stdout)\(rootfs.stderr)")
        let listed = try loaderList(root, work + "/p/nodeflib.so")
        #expect((listed.stdout + listed.stderr).contains("libz.so.1: cannot open shared object file") || (listed.stdout + listed.stderr).contains("libz.so.1 => not found"),
                "\(listed.stdout)\(listed.stderr)")
        let found = try basefit(["check", work + "/p/nodeflib-runpath.so", "--rootfs", root, "--runtime", "none", "--format", "json"])
        let foundList = try loaderList(root, work + "/p/nodeflib-runpath.so")
        #expect(foundList.status == 0 && !foundList.stdout.contains("not found"), "\(foundList.stdout)\(foundList.stderr)")
        #expect(found.status == 0, "\(found.stdout)\(found.stderr)")
    }

    /// `ld -F`: the filtee must load; one the image lacks is a missing library.
    @Test func aFilterNamesALibraryThatMustLoad() throws {
        let (root, work) = try workDirectory("filter")
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work + "/f", withIntermediateDirectories: true)
        try write("int g(void){return 0;}\n", work + "/f.c")
        try gcc(["-shared", "-fPIC", "-o", work + "/f/filter.so", work + "/f.c", "-Wl,-F,libfiltee-missing.so.1"])
        let scan = try basefit(["scan", work + "/f/filter.so", "--format", "json"])
        #expect(scan.stdout.contains("libfiltee-missing.so.1"), "\(scan.stdout)")
        let catalog = try basefit(["check", work + "/f/filter.so", "--base", "debian:bookworm-slim", "--format", "json"])
        #expect(catalog.status == 1, "\(catalog.stdout)\(catalog.stderr)")
        #expect(try problems(catalog).contains { $0["library"] as? String == "libfiltee-missing.so.1" && $0["kind"] as? String == "missing-library" })
        guard let root else { return }
        let listed = try loaderList(root, work + "/f/filter.so")
        #expect((listed.stdout + listed.stderr).contains("libfiltee-missing.so.1"), "\(listed.stdout)\(listed.stderr)")
        #expect(listed.status != 0 || listed.stdout.contains("not found"), "\(listed.stdout)\(listed.stderr)")
    }
}
