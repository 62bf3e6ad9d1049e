import Foundation
import Testing
import TestSupport

/// What glibc's loader does with entries of a file's dynamic section and version needs that
/// basefit once passed over (repro 05 and 09 of the scanner review): DF_1_NODEFLIB, DT_FILTER, and
/// a needed version below the library's highest that the library does not define. Built by gcc
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

    /// A file needing `version` of `soname`, linked against a stub that defines it.
    func needing(_ soname: String, _ version: String, in work: String, name: String) throws -> String {
        let stub = work + "/stub-\(name)"
        try FileManager.default.createDirectory(atPath: stub, withIntermediateDirectories: true)
        try write("int fakefn(void){return 1;}\n", stub + "/s.c")
        try write("\(version) { global: fakefn; };\n", stub + "/map")
        try gcc(["-shared", "-fPIC", "-o", stub + "/" + soname, stub + "/s.c", "-Wl,-soname," + soname, "-Wl,--version-script," + stub + "/map"])
        try write("int fakefn(void);\nint g(void){return fakefn();}\n", work + "/g-\(name).c")
        let out = work + "/p-\(name)/\(name).so"
        try FileManager.default.createDirectory(atPath: work + "/p-\(name)", withIntermediateDirectories: true)
        try gcc(["-shared", "-fPIC", "-o", out, work + "/g-\(name).c", "-L" + stub, "-l:" + soname])
        return out
    }

    /// libm.so.6 of glibc 2.36 defines GLIBC_2.29 and GLIBC_2.35 but not GLIBC_2.33: the loader
    /// checks the exact version in that soname's definitions, and so does basefit where they were
    /// measured (the catalog's Debian rows, a root).
    @Test func aVersionBelowTheHighestThatTheLibraryDoesNotDefineIsRefused() throws {
        let (root, work) = try workDirectory("vgap")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let gap = try needing("libm.so.6", "GLIBC_2.33", in: work, name: "libm233")
        let defined = try needing("libm.so.6", "GLIBC_2.29", in: work, name: "libm229")
        let catalog = try basefit(["check", gap, "--base", "debian:bookworm-slim", "--format", "json"])
        #expect(catalog.status == 1, "\(catalog.stdout)\(catalog.stderr)")
        let problem = try problems(catalog).first { $0["version"] as? String == "GLIBC_2.33" }
        #expect(problem?["library"] as? String == "libm.so.6", "\(catalog.stdout)")
        #expect((problem?["message"] as? String)?.contains("does not define that version") == true, "\(catalog.stdout)")
        let fine = try basefit(["check", defined, "--base", "debian:bookworm-slim", "--format", "json"])
        #expect(fine.status == 0, "\(fine.stdout)\(fine.stderr)")
        guard let root else { return }
        for (file, loads) in [(gap, false), (defined, true)] {
            let rootfs = try basefit(["check", file, "--rootfs", root, "--runtime", "none", "--format", "json"])
            let listed = try loaderList(root, file)
            let loaderLoads = listed.status == 0 && !(listed.stdout + listed.stderr).contains("not found")
            #expect(loaderLoads == loads, "\(file): \(listed.stdout)\(listed.stderr)")
            #expect((rootfs.status == 0) == loaderLoads, "\(file): \(rootfs.stdout)\(rootfs.stderr)")
        }
    }
}
