import Foundation
import Testing
import TestSupport

/// The release tarball (`bash scripts/release.sh`; scripts/test.sh links one from the debug
/// build with `--from-debug`, the same way a release is linked):
/// what is in it, what its binary needs of an image (read by basefit itself and by
/// binutils), and that it runs, with nothing installed, in copies of the minbase roots.
@Suite(.enabled(if: ReleaseTarball.available, Comment(rawValue: ReleaseTarball.missingMessage)), .serialized)
struct ReleaseTests {
    /// The glibc loader, libc and libm: what every glibc base image has.
    static let everyGlibcImageHas: Set<String> = ["libc.so.6", "libm.so.6", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"]

    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "basefit-release-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text.prefix(300))")
    }

    /// The unpacked release binary (in a fresh temporary directory the caller removes).
    func unpacked() throws -> (directory: String, binary: String) {
        let temporary = try temporaryDirectory()
        let directory = try ReleaseTarball.unpack(into: temporary)
        return (temporary, directory + "/basefit")
    }

    @Test func tarballHoldsTheBinaryReadmeLicenseAndChecksums() throws {
        let (temporary, binary) = try unpacked()
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let directory = (binary as NSString).deletingLastPathComponent
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names == ["LICENSE", "README.md", "SHA256SUMS", "basefit"])
        #expect(FileManager.default.isExecutableFile(atPath: binary))
        // The checksums inside the tarball, and the SHA256SUMS beside it naming the tarball.
        let inner = try Run.program("/usr/bin/sha256sum", ["-c", "SHA256SUMS"], currentDirectory: URL(fileURLWithPath: directory))
        #expect(inner.status == 0, "\(inner.stdout)\(inner.stderr)")
        let outer = try Run.program("/usr/bin/sha256sum", ["-c", "--ignore-missing", "SHA256SUMS"], currentDirectory: ReleaseTarball.distDirectory)
        #expect(outer.status == 0 && outer.stdout.contains(URL(fileURLWithPath: ReleaseTarball.path!).lastPathComponent + ": OK"),
                "\(outer.stdout)\(outer.stderr)")
        // Stripped: no symbol table left (binutils says so).
        let sections = try Run.program("/usr/bin/readelf", ["-S", "-W", binary])
        #expect(!sections.stdout.contains(" .symtab "), "the release binary still has .symtab")
        // Its name carries the version the binary prints.
        let version = try Run.program(binary, ["--version"])
        let firstLine = version.stdout.split(separator: "\n").first.map(String.init) ?? ""
        #expect(URL(fileURLWithPath: ReleaseTarball.path!).lastPathComponent.hasPrefix(firstLine.replacingOccurrences(of: " ", with: "-") + "-linux-"))
    }

    /// basefit on its own binary: only libc, libm and the loader are left, and the
    /// facts agree with binutils.
    @Test func binaryNeedsOnlyWhatEveryGlibcImageHas() throws {
        let (temporary, binary) = try unpacked()
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let scan = try Run.program(binary, ["scan", binary, "--format", "json"])
        try #require(scan.status == 0, "\(scan.stderr)")
        let report = try json(scan.stdout)
        let artifact = try #require((report["artifacts"] as? [[String: Any]])?.first)
        let needed = Set(artifact["needed"] as? [String] ?? [])
        #expect(!needed.isEmpty && needed.isSubset(of: Self.everyGlibcImageHas), "the release binary needs \(needed.sorted())")
        #expect(artifact["libc"] as? String == "glibc" && artifact["linkage"] as? String == "dynamic")
        // Nothing is loaded from beside the binary.
        #expect(artifact["rpath"] is NSNull && artifact["runpath"] is NSNull, "rpath \(artifact["rpath"] ?? "?"), runpath \(artifact["runpath"] ?? "?")")

        let readelf = try Run.program("/usr/bin/readelf", ["-d", "-V", "-W", binary], environment: ["LC_ALL": "C"])
        let readelfNeeded = Set(readelf.stdout.split(separator: "\n").compactMap { line -> String? in
            guard line.contains("(NEEDED)"), let open = line.lastIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        })
        #expect(needed == readelfNeeded)
        // The GLIBC floor basefit states is the highest GLIBC_ version binutils lists.
        let glibcVersions = readelf.stdout.matches(of: /Name: GLIBC_([0-9.]+)/).map { String($0.1) }
        let highest = glibcVersions.max { $0.split(separator: ".").map { Int($0)! }.lexicographicallyPrecedes($1.split(separator: ".").map { Int($0)! }) }
        let minimum = (report["requirements"] as? [String: Any])?["minimum"] as? [String: Any]
        #expect(minimum?["GLIBC"] as? String == highest, "basefit says GLIBC \(minimum?["GLIBC"] ?? "?"), readelf's highest is \(highest ?? "?")")
    }

    /// The release binary runs in each root whose glibc is new enough, with nothing
    /// installed: --version, catalog list, a real recommend and check --rootfs /. Where
    /// basefit says the root's glibc is too old, the root's own loader must refuse it too.
    /// Whether /proc can be mounted here (root with CAP_SYS_ADMIN): a Swift binary reads its
    /// arguments from /proc/self/cmdline, so the chroot runs need it.
    static let canMountProc: Bool = {
        guard getuid() == 0 else { return false }
        let directory = NSTemporaryDirectory() + "basefit-proc-probe-\(getpid())"
        guard (try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil else { return false }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard (try? Run.program("/bin/mount", ["-t", "proc", "proc", directory]))?.status == 0 else { return false }
        return (try? Run.program("/bin/umount", [directory]))?.status == 0
    }()

    @Test(.enabled(if: OracleRoots.usable, "needs root, chroot and debootstrapped roots (scripts/rootfs.sh)"),
          .enabled(if: ReleaseTests.canMountProc, "needs to mount /proc in the root copies (root with CAP_SYS_ADMIN)"),
          arguments: DebianRoots.present)
    func runsInACopyOfAPlainRoot(_ suite: String) throws {
        let (temporary, binary) = try unpacked()
        let root = temporary + "/root"
        var procMounted = false
        defer {
            // Never remove a tree with /proc still mounted in it.
            if !procMounted || (try? Run.program("/bin/umount", [root + "/proc"]))?.status == 0 {
                try? FileManager.default.removeItem(atPath: temporary)
            }
        }
        let copy = try Run.program("/bin/cp", ["-a", DebianRoots.path(suite), root])
        try #require(copy.status == 0, "cp -a: \(copy.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/opt/swift"), "a toolchain is visible in the \(suite) root")
        #expect(!FileManager.default.fileExists(atPath: root + "/usr/lib/x86_64-linux-gnu/libarchive.so.13"))
        let unpack = try ReleaseTarball.unpack(into: root + "/opt")
        let inside = "/opt/" + URL(fileURLWithPath: unpack).lastPathComponent + "/basefit"

        // A fixture project and two fixture binaries in the root.
        try FileManager.default.createDirectory(atPath: root + "/work", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.fixtures.appendingPathComponent("projects/node-napi-rs").path, toPath: root + "/work/node-napi-rs")
        for name in ["hello-glibc", "libcxxdemo.so"] {
            try FileManager.default.copyItem(atPath: TestPaths.elf(name), toPath: root + "/work/" + name)
        }
        let today = try #require(CatalogDates.snapshot(), "no dated figure in Data/")
        let cache = "/tmp/basefit-fresh-cache"
        #expect(!FileManager.default.fileExists(atPath: root + cache))

        func inRoot(_ arguments: [String]) throws -> ProcessResult {
            let command = "cd /work && exec " + ([inside] + arguments).map { "'\($0)'" }.joined(separator: " ")
            return try Run.program("/usr/sbin/chroot", [root, "/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "HOME=/root",
                                                        "BASEFIT_CACHE_DIR=\(cache)", "BASEFIT_TODAY=\(today)", "/bin/sh", "-c", command],
                                   environment: [:])
        }
        func onHost(_ arguments: [String]) throws -> ProcessResult {
            try Run.program(binary, arguments, currentDirectory: URL(fileURLWithPath: root + "/work"),
                            environment: ["PATH": "/usr/bin:/bin", "BASEFIT_CACHE_DIR": temporary + "/host-cache", "BASEFIT_TODAY": today])
        }

        // What basefit says of this root, read from outside.
        let verdict = try Run.program(binary, ["check", binary, "--rootfs", root, "--format", "json"])
        try #require(verdict.status == 0 || verdict.status == 1, "\(verdict.stderr)")

        // Without /proc the Swift runtime cannot read argv: basefit must refuse (exit 2),
        // never print its help and exit 0 as if a check had passed.
        if verdict.status == 0 {
            let blind = try inRoot(["check", "hello-glibc", "--rootfs", "/"])
            #expect(blind.status == 2 && blind.stderr.contains("/proc is not mounted"), "\(suite): \(blind.status) \(blind.stderr)")
        }
        // A container always has /proc; so does this root from here on.
        let mount = try Run.program("/bin/mount", ["-t", "proc", "proc", root + "/proc"])
        try #require(mount.status == 0, "mount proc: \(mount.stderr)")
        procMounted = true

        let version = try inRoot(["--version"])
        if verdict.status == 1 {
            let problems = try json(verdict.stdout)["problems"] as? [[String: Any]] ?? []
            #expect(problems.contains { $0["kind"] as? String == "glibc-too-old" }, "\(suite): \(verdict.stdout)")
            // The root's loader agrees: the binary does not start there.
            #expect(version.status != 0 && version.stderr.contains("GLIBC_") && version.stderr.contains("not found"),
                    "\(suite): basefit says incompatible but it ran: \(version.stdout)\(version.stderr)")
            return
        }
        try #require(version.status == 0, "\(suite): \(version.stderr)")
        #expect(version.stdout.hasPrefix("basefit ") && version.stdout.contains("snapshot \(today)"), "\(version.stdout)")

        let list = try inRoot(["catalog", "list"])
        #expect(list.status == 0, "\(suite): \(list.stderr)")
        #expect(list.stdout == (try onHost(["catalog", "list"])).stdout && list.stdout.contains("debian:bookworm-slim"))
        // The built-in catalog was materialised in the fresh cache inside the root.
        let cached = (try? FileManager.default.contentsOfDirectory(atPath: root + cache)) ?? []
        #expect(cached.contains { $0.hasPrefix("catalog-") && $0.hasSuffix(".sqlite") }, "\(suite): cache holds \(cached)")

        let recommend = try inRoot(["recommend", "node-napi-rs"])
        #expect(recommend.status == 0, "\(suite): \(recommend.stderr)")
        #expect(recommend.stdout.contains("Recommended: "))
        #expect(recommend.stdout == (try onHost(["recommend", "node-napi-rs"])).stdout, "\(suite): recommend differs in the root")

        // check --rootfs / inside the root agrees with the same check from outside.
        for fixture in ["hello-glibc", "libcxxdemo.so"] {
            let check = try inRoot(["check", fixture, "--rootfs", "/", "--format", "json"])
            #expect(check.status == 0 || check.status == 1, "\(suite) \(fixture): \(check.stderr)")
            let outside = try onHost(["check", fixture, "--rootfs", root, "--format", "json"])
            #expect(check.status == outside.status, "\(suite) \(fixture): inside \(check.status), outside \(outside.status)")
            let insideProblems = (try json(check.stdout)["problems"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            let outsideProblems = (try json(outside.stdout)["problems"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(insideProblems == outsideProblems)
        }
    }

    /// The Done-when of the release: the binary passes `check --base debian:bookworm-slim`.
    @Test func binaryPassesCheckOnBookwormSlim() throws {
        let (temporary, binary) = try unpacked()
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let check = try Run.program(TestPaths.executable.path, ["check", binary, "--base", "debian:bookworm-slim"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    /// The project's own Dockerfile: its final stage passes `check --dockerfile`, and it is
    /// the image `recommend` picks for the release binary (if the catalog moves on, the
    /// Dockerfile moves with it).
    @Test func ownDockerfileFinalStageIsTheRecommendationAndPasses() throws {
        let (temporary, binary) = try unpacked()
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let dockerfile = TestPaths.packageRoot.appendingPathComponent("Dockerfile").path
        let check = try Run.program(TestPaths.executable.path, ["check", binary, "--dockerfile", dockerfile, "--format", "json"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let image = try json(check.stdout)["image"] as? String
        let recommend = try Run.program(TestPaths.executable.path, ["recommend", binary, "--format", "json"])
        #expect(recommend.status == 0, "\(recommend.stderr)")
        let recommended = try json(recommend.stdout)["recommended"] as? String
        #expect(image != nil && image == recommended,
                "the Dockerfile's final stage is \(image ?? "?"), recommend picks \(recommended ?? "nothing"): move its final FROM to what `basefit recommend dist/basefit-*/basefit` picks (pinned by digest)")
    }
}

/// The CI recipes (ci/install.sh, action.yml through ci/try-action.py, the pre-commit entry)
/// installing the release from its directory over file:// and gating a real project.
@Suite(.enabled(if: ReleaseTarball.available, Comment(rawValue: ReleaseTarball.missingMessage)), .serialized)
struct CIRecipeTests {
    let root = TestPaths.packageRoot.path
    var releaseURL: String { "file://" + ReleaseTarball.distDirectory.path }

    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "basefit-ci-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The version in the tarball's name (`basefit-<version>-linux-<arch>.tar.gz`).
    var version: String {
        let name = URL(fileURLWithPath: ReleaseTarball.path ?? "").lastPathComponent
        return String(name.dropFirst("basefit-".count).prefix { $0 != "-" })
    }

    /// A Node project (glibc-only sharp libraries) with a Dockerfile whose final stage is `base`.
    func project(base: String) throws -> String {
        let directory = try temporaryDirectory() + "/project"
        try FileManager.default.copyItem(atPath: TestPaths.fixtures.appendingPathComponent("projects/node-napi-rs").path, toPath: directory)
        try "FROM \(base)\nCOPY . /app\nUSER node\n".write(toFile: directory + "/Dockerfile", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func installVerifiesChecksumsAndRefusesATamperedTarball() throws {
        let temporary = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let install = try Run.program("/bin/bash", [root + "/ci/install.sh", "v" + version, releaseURL, temporary + "/good"])
        #expect(install.status == 0, "\(install.stderr)")
        let binary = install.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let run = try Run.program(binary, ["--version"])
        #expect(run.status == 0 && run.stdout.hasPrefix("basefit \(version)\n"), "\(run.stdout)\(run.stderr)")

        // One byte appended to the tarball: refused, nothing installed.
        let tampered = temporary + "/tampered"
        try FileManager.default.createDirectory(atPath: tampered, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: ReleaseTarball.distDirectory.path) {
            try FileManager.default.copyItem(atPath: ReleaseTarball.distDirectory.path + "/" + name, toPath: tampered + "/" + name)
        }
        let tarball = tampered + "/" + URL(fileURLWithPath: try #require(ReleaseTarball.path)).lastPathComponent
        let handle = try #require(FileHandle(forUpdatingAtPath: tarball))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0]))
        try handle.close()
        let refused = try Run.program("/bin/bash", [root + "/ci/install.sh", version, "file://" + tampered, temporary + "/bad"])
        #expect(refused.status == 2 && refused.stderr.contains("refusing"), "\(refused.status) \(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: temporary + "/bad/" + URL(fileURLWithPath: tarball).deletingPathExtension().deletingPathExtension().lastPathComponent))
        // A version that was never released.
        let missing = try Run.program("/bin/bash", [root + "/ci/install.sh", "0.0.0-none", releaseURL, temporary + "/none"])
        #expect(missing.status == 2 && missing.stderr.contains("cannot download"), "\(missing.stderr)")
    }

    static var pyyaml: Bool { (try? Run.program("/usr/bin/python3", ["-c", "import yaml"]))?.status == 0 }

    @Test(.enabled(if: CIRecipeTests.pyyaml, "needs python3 with PyYAML (python3-yaml) to read action.yml"))
    func actionInstallsChecksAndAnnotates() throws {
        let bad = try project(base: "node:22-alpine3.22")
        defer { try? FileManager.default.removeItem(atPath: (bad as NSString).deletingLastPathComponent) }
        let failing = try Run.program("/usr/bin/python3", [root + "/ci/try-action.py", "release-url=" + releaseURL, "sarif=true"],
                                      currentDirectory: URL(fileURLWithPath: bad))
        #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
        #expect(failing.stdout.contains("::error file=Dockerfile,line=1,title=basefit libc-mismatch::"), "\(failing.stdout)")
        #expect(failing.stdout.contains("uses github/codeql-action/upload-sarif"))
        let sarif = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bad + "/basefit.sarif"))) as? [String: Any])
        #expect(sarif["version"] as? String == "2.1.0")
        #expect(((sarif["runs"] as? [[String: Any]])?.first?["results"] as? [Any])?.isEmpty == false)

        let good = try project(base: "node:22-bookworm-slim")
        defer { try? FileManager.default.removeItem(atPath: (good as NSString).deletingLastPathComponent) }
        let passing = try Run.program("/usr/bin/python3", [root + "/ci/try-action.py", "release-url=" + releaseURL],
                                      currentDirectory: URL(fileURLWithPath: good))
        #expect(passing.status == 0, "\(passing.stdout)\(passing.stderr)")
        #expect(passing.stdout.contains("::notice title=basefit::node:22-bookworm-slim is compatible"), "\(passing.stdout)")
        #expect(!passing.stdout.contains("SARIF"), "the SARIF steps run only when asked")
    }

    @Test func preCommitEntryRunsTheReleaseOfItsRevision() throws {
        let bad = try project(base: "node:22-alpine3.22")
        let cache = (bad as NSString).deletingLastPathComponent + "/cache"
        defer { try? FileManager.default.removeItem(atPath: (bad as NSString).deletingLastPathComponent) }
        var environment = ProcessInfo.processInfo.environment
        environment["BASEFIT_RELEASE_URL"] = releaseURL
        environment["XDG_CACHE_HOME"] = cache
        let hook = try Run.program("/bin/bash", [root + "/ci/pre-commit.sh", ".", "--dockerfile", "Dockerfile"],
                                   currentDirectory: URL(fileURLWithPath: bad), environment: environment)
        #expect(hook.status == 1 && hook.stdout.contains("[libc-mismatch]"), "\(hook.status) \(hook.stdout)\(hook.stderr)")
        let installed = (try? FileManager.default.contentsOfDirectory(atPath: cache + "/basefit/releases")) ?? []
        #expect(installed == [URL(fileURLWithPath: try #require(ReleaseTarball.path)).lastPathComponent.replacingOccurrences(of: ".tar.gz", with: "")])
    }
}

/// `--version` and the stale-catalog warning (the debug build; no tarball needed).
@Suite struct VersionTests {
    func basefit(_ arguments: [String], today: String?) throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment["BASEFIT_TODAY"] = today
        environment["BASEFIT_CACHE_DIR"] = NSTemporaryDirectory() + "basefit-version-cache"
        return try Run.program(TestPaths.executable.path, arguments, environment: environment)
    }

    @Test func versionPrintsTheSnapshotDateAndSchemas() throws {
        let snapshot = try #require(CatalogDates.snapshot())
        let result = try basefit(["--version"], today: nil)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(result.stdout)")
        #expect(lines.first?.wholeMatch(of: /basefit [0-9]+\.[0-9]+\.[0-9]+/) != nil, "\(result.stdout)")
        #expect(result.stdout.contains("snapshot \(snapshot),"), "\(result.stdout)")
        #expect(result.stdout.contains("catalog database v"), "\(result.stdout)")
        #expect(result.stdout.contains("JSON output 1"), "\(result.stdout)")
    }

    @Test func staleCatalogSaysSoOnceUnlessQuiet() throws {
        let snapshot = try #require(CatalogDates.snapshot())
        let old = try #require(CatalogDates.day(snapshot, plus: 121))
        let fresh = try #require(CatalogDates.day(snapshot, plus: 120))
        let stale = try basefit(["catalog", "list"], today: old)
        #expect(stale.status == 0)
        let warnings = stale.stderr.split(separator: "\n").filter { $0.contains("built-in catalog is 121 days old (snapshot \(snapshot))") }
        #expect(warnings.count == 1, "\(stale.stderr)")
        let quiet = try basefit(["catalog", "list", "--quiet"], today: old)
        #expect(quiet.status == 0 && !quiet.stderr.contains("days old"), "\(quiet.stderr)")
        let inTime = try basefit(["catalog", "list"], today: fresh)
        #expect(inTime.status == 0 && !inTime.stderr.contains("days old"), "\(inTime.stderr)")
        // scan does not use the catalog: nothing to warn about.
        let scan = try basefit(["scan", TestPaths.elf("hello-glibc")], today: old)
        #expect(!scan.stderr.contains("days old"))
    }

    /// A run reads the snapshot date from the materialised catalog instead of decoding the
    /// embedded data; a cache an older basefit wrote without it is rebuilt, or used as it is where
    /// the cache directory cannot be written.
    @Test func cacheWithoutTheSnapshotDateIsRebuilt() throws {
        let python = try #require(Run.which("python3"))
        let snapshot = try #require(CatalogDates.snapshot())
        let old = try #require(CatalogDates.day(snapshot, plus: 121))
        let cache = NSTemporaryDirectory() + "basefit-snapshot-cache-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: cache) }
        var environment = ProcessInfo.processInfo.environment
        environment["BASEFIT_TODAY"] = old
        environment["BASEFIT_CACHE_DIR"] = cache
        let first = try Run.program(TestPaths.executable.path, ["catalog", "list"], environment: environment)
        #expect(first.status == 0 && first.stderr.contains("121 days old (snapshot \(snapshot))"), "\(first.stderr)")
        let databases = try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasSuffix(".sqlite") }
        #expect(databases.count == 1, "\(databases)")
        let database = cache + "/" + (try #require(databases.first))
        let meta = """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            if sys.argv[2] == "drop":
                c.execute("DELETE FROM catalogMeta WHERE key = 'snapshotDate'"); c.commit()
            print(dict(c.execute("SELECT key, value FROM catalogMeta")).get("snapshotDate", "absent"))
            """
        let dropped = try Run.program(python, ["-c", meta, database, "drop"])
        #expect(dropped.stdout == "absent\n", "\(dropped.stdout)\(dropped.stderr)")
        // Where the cache cannot be written, that database is used as it is: same answer, same
        // warning (the date then comes from the embedded data). `chattr +i` stops even root.
        if let chattr = Run.which("chattr"), (try? Run.program(chattr, ["+i", cache]))?.status == 0 {
            let readOnly = try Run.program(TestPaths.executable.path, ["catalog", "list"], environment: environment)
            _ = try? Run.program(chattr, ["-i", cache])
            #expect(readOnly.status == 0 && readOnly.stdout == first.stdout, "\(readOnly.status) \(readOnly.stderr)")
            #expect(readOnly.stderr.contains("121 days old (snapshot \(snapshot))"), "\(readOnly.stderr)")
            let untouched = try Run.program(python, ["-c", meta, database, "read"])
            #expect(untouched.stdout == "absent\n", "\(untouched.stdout)\(untouched.stderr)")
        } else {
            print("cacheWithoutTheSnapshotDateIsRebuilt: chattr +i refused here; the read-only case was not run")
        }
        let second = try Run.program(TestPaths.executable.path, ["catalog", "list"], environment: environment)
        #expect(second.status == 0 && second.stdout == first.stdout)
        #expect(second.stderr.contains("121 days old (snapshot \(snapshot))"), "\(second.stderr)")
        let rebuilt = try Run.program(python, ["-c", meta, database, "read"])
        #expect(rebuilt.stdout == "\(snapshot)\n", "\(rebuilt.stdout)\(rebuilt.stderr)")
    }
}

/// Dates in the catalog sources under Data/, read as text (independently of the product).
enum CatalogDates {
    /// The newest `"date"` of a measured root or a size (YYYY-MM-DD, or YYYY-MM as its first day).
    static func snapshot() -> String? {
        let data = TestPaths.packageRoot.appendingPathComponent("Data")
        var dates: [String] = []
        for sub in ["images", "measured"] {
            let folder = data.appendingPathComponent(sub).path
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasSuffix(".json") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))) as? [String: Any] else { continue }
                if sub == "measured", let date = object["date"] as? String { dates.append(date) }
                for image in object["images"] as? [[String: Any]] ?? [] {
                    for size in image["sizes"] as? [[String: Any]] ?? [] {
                        if let date = size["date"] as? String { dates.append(date) }
                    }
                }
            }
        }
        return dates.compactMap { date -> String? in
            if date.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) != nil { return date }
            if date.wholeMatch(of: /[0-9]{4}-[0-9]{2}/) != nil { return date + "-01" }
            return nil
        }.max()
    }

    static func day(_ date: String, plus days: Int) -> String? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.date(from: date).map { formatter.string(from: $0.addingTimeInterval(Double(days) * 86_400)) }
    }
}
