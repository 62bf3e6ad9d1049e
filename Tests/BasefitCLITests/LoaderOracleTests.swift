import Foundation
import Testing
import TestSupport

/// `basefit check --rootfs` against what the real glibc loader says, inside a chroot
/// of each debootstrapped root (test-only oracle: ldd runs on fixtures we built,
/// never on user input, and never in the product).
enum OracleRoots {
    static var usable: Bool { getuid() == 0 && !DebianRoots.present.isEmpty && FileManager.default.fileExists(atPath: "/usr/sbin/chroot") }
}

@Suite(.enabled(if: OracleRoots.usable, "needs root and debootstrapped roots (scripts/rootfs.sh)"), .serialized)
struct LoaderOracleTests {
    /// Dynamically linked fixtures (ldd cannot judge static files) and whether each
    /// one's directory must be copied with it (for $ORIGIN).
    static let cases: [(fixture: String, copyDirectory: Bool)] = [
        ("elf/hello-glibc", false), ("elf/hello-glibc-nopie", false), ("elf/libcxxdemo.so", false),
        ("elf/napi-addon.node", false), ("elf/abi-addon.node", false), ("elf/needs-glibc-2.39.so", false),
        ("elf/needs-glibcxx-3.4.32.so", false), ("elf/go-cgo", false), ("elf/x86-64-v3.so", false), ("elf/packed-relocs.so", false), ("elf/x32.so", false), ("elf/freebsd-osabi.so", false),
        ("elf/hello-musl", false), ("elf/hello-i386", false), ("elf/origin", true),
        ("projects/node-glibc-addon/node_modules/fastcrypt/build/Release/fastcrypt.node", false),
        ("projects/node-glibc-addon/node_modules/distro-node/build/Release/distro.node", false),
        ("projects/node-napi-rs/node_modules/@img", true),
        ("projects/python-venv/lib/python3.11/site-packages/google_crc32c", false),
    ]

    @Test(arguments: DebianRoots.present)
    func checkAgreesWithTheLoader(_ suite: String) throws {
        let root = DebianRoots.path(suite)
        let work = "/tmp/basefit-oracle-\(UUID().uuidString.prefix(8))"
        let hostWork = root + work
        try FileManager.default.createDirectory(atPath: hostWork, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: hostWork) }
        var compatibleCount = 0
        for (index, item) in Self.cases.enumerated() {
            let source = TestPaths.fixtures.appendingPathComponent(item.fixture).path
            let destination = hostWork + "/\(index)"
            try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
            let copied = destination + "/" + (item.fixture.split(separator: "/").last.map(String.init) ?? "x")
            try FileManager.default.copyItem(atPath: source, toPath: copied)

            // Loading only: the runtime (no Node or Python in a minbase root) is judged by RuntimeOracleTests.
            let check = try Run.program(TestPaths.executable.path, ["check", copied, "--rootfs", root, "--runtime", "none", "--format", "json"])
            try #require(check.status == 0 || check.status == 1, "\(item.fixture) on \(suite): \(check.stderr)")
            let basefitSays = check.status == 0

            // Every ELF under the copy, judged by the root's own loader.
            var loaderSays = true
            var evidence: [String] = []
            let elves = try elfFiles(under: copied)
            for file in elves {
                let inside = String(file.dropFirst(root.count))
                let ldd = try Run.program("/usr/sbin/chroot", [root, "/usr/bin/ldd", inside],
                                          environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C"])
                let text = ldd.stdout + ldd.stderr
                if ldd.status != 0 || text.contains("not found") || text.contains("not a dynamic executable") {
                    loaderSays = false
                    evidence.append("\(inside): \(text.split(separator: "\n").filter { $0.contains("not") }.prefix(2).joined(separator: "; "))")
                }
            }
            #expect(basefitSays == loaderSays,
                    "\(item.fixture) on \(suite): basefit says \(basefitSays ? "compatible" : "incompatible"), the loader says \(loaderSays ? "loads" : "fails") \(evidence)")
            if basefitSays { compatibleCount += 1 }
        }
        #expect(compatibleCount > 0, "no compatible case: the oracle would prove nothing")
    }

    /// Programs started in each root (the kernel reads PT_INTERP; ldd does not): the fixture whose
    /// loader is in /opt does not start ("No such file or directory", 127) and basefit says so.
    @Test(arguments: DebianRoots.present)
    func programsStartWhereBasefitSaysTheyDo(_ suite: String) throws {
        let (root, work) = try Self.workDirectory(in: suite, prefix: "start")
        defer { try? FileManager.default.removeItem(atPath: root + work) }
        var outcomes: [Bool] = []
        for fixture in ["hello-glibc", "hello-opt-loader", "hello-multiarch-loader"] {
            try FileManager.default.copyItem(atPath: TestPaths.elf(fixture), toPath: root + work + "/" + fixture)
            let check = try Self.check(root + work + "/" + fixture, in: root)
            let started = try Run.program("/usr/sbin/chroot", [root, work + "/" + fixture], environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C"])
            let starts = started.status == 0 && started.stdout.contains("hello from basefit fixture")
            #expect((check.status == 0) == starts, "\(fixture) on \(suite): basefit \(check.status == 0 ? "compatible" : check.stdout), the program \(starts ? "starts" : "fails (\(started.status)): \(started.stderr)")")
            outcomes.append(starts)
        }
        #expect(outcomes == [suite != "bullseye", false, suite != "bullseye"],
                "hello-glibc needs glibc 2.34; hello-opt-loader starts nowhere; Debian has its loader at the multiarch path too")
    }

    /// Packed relocations in a library that needs no libc.so.6 carry no GLIBC_ABI_DT_RELR: glibc
    /// 2.31 loads it without applying them and its constructor crashes (LD_PRELOAD into /bin/true),
    /// 2.36 and later run it; basefit holds it to glibc 2.36 all the same.
    @Test(arguments: DebianRoots.present)
    func packedRelocationsWithoutTheMarker(_ suite: String) throws {
        let (root, work) = try Self.workDirectory(in: suite, prefix: "relr")
        defer { try? FileManager.default.removeItem(atPath: root + work) }
        try FileManager.default.copyItem(atPath: TestPaths.elf("packed-relocs-nolibc.so"), toPath: root + work + "/p.so")
        let check = try Self.check(root + work + "/p.so", in: root)
        let run = try Run.program("/usr/sbin/chroot", [root, "/usr/bin/env", "LD_PRELOAD=\(work)/p.so", "/bin/true"], environment: ["PATH": "/usr/bin:/bin"])
        #expect((check.status == 0) == (run.status == 0), "\(suite): basefit \(check.status == 0 ? "compatible" : check.stdout), /bin/true with it preloaded exits \(run.status)")
        #expect((run.status == 0) == (suite != "bullseye"))
    }

    /// A library copied into /usr/local/lib (a directory of ld.so.conf) is found by the loader
    /// only once ldconfig has put it in /etc/ld.so.cache, and not after it is deleted while the
    /// cache still names it. The program is started in a copy of the root at each step.
    @Test(arguments: DebianRoots.present)
    func aCopiedLibraryIsFoundThroughTheCacheOnly(_ suite: String) throws {
        let root = try DebianRoots.linkedCopy(suite, prefix: "ldconfig")
        defer { try? FileManager.default.removeItem(atPath: root) }
        // $ORIGIN/../lib of /opt/app/bin/app does not exist: the cache or the system directories.
        try FileManager.default.createDirectory(atPath: root + "/opt/app/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.elf("origin/bin/app"), toPath: root + "/opt/app/bin/app")
        try FileManager.default.copyItem(atPath: TestPaths.elf("origin/lib/libdep.so"), toPath: root + "/usr/local/lib/libdep.so")
        func step(_ name: String, starts: Bool) throws -> ProcessResult {
            try Self.checkAndStart("/opt/app/bin/app", in: root, starts: starts, "\(suite), \(name)")
        }
        let before = try step("copied in, no ldconfig", starts: false)
        #expect(before.stdout.contains("run ldconfig"), "the fix names ldconfig: \(before.stdout)")
        let ldconfig = try Run.program("/usr/sbin/chroot", [root, "/sbin/ldconfig"])
        try #require(ldconfig.status == 0, "ldconfig: \(ldconfig.stderr)")
        _ = try step("after ldconfig", starts: suite != "bullseye")  // the program needs glibc 2.34
        try FileManager.default.removeItem(atPath: root + "/usr/local/lib/libdep.so")
        let stale = try step("deleted, still in the cache", starts: false)
        #expect(!stale.stdout.contains("run ldconfig"))
    }

    /// A program needs a library the root holds (COPYed into its system directory from a build
    /// stage), and that library needs one the root lacks: the loader refuses the program, and
    /// basefit follows the root's library to say so; with both libraries there it starts.
    @Test(arguments: DebianRoots.present)
    func theRootsOwnLibrariesAreHeldToTheRootToo(_ suite: String) throws {
        let root = try DebianRoots.linkedCopy(suite, prefix: "chain")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/opt/chain", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.elf("chain/bin/app"), toPath: root + "/opt/chain/app")
        let system = root + "/usr/lib/x86_64-linux-gnu/"
        try FileManager.default.copyItem(atPath: TestPaths.elf("chain/lib/libchaina.so.1"), toPath: system + "libchaina.so.1")
        func step(_ name: String, starts: Bool) throws -> ProcessResult {
            try Self.checkAndStart("/opt/chain/app", in: root, starts: starts, "\(suite), \(name)")
        }
        let lacking = try step("libchaina.so.1 without libchainb.so.1", starts: false)
        let problems = (try JSONSerialization.jsonObject(with: Data(lacking.stdout.utf8)) as? [String: Any])?["problems"] as? [[String: Any]] ?? []
        let missing = problems.first { $0["library"] as? String == "libchainb.so.1" }
        #expect(missing?["kind"] as? String == "missing-library", "\(problems)")
        #expect((missing?["artifact"] as? String)?.hasSuffix("/libchaina.so.1") == true)
        #expect((missing?["message"] as? String)?.contains("loaded for \(root)/opt/chain/app") == true)
        try FileManager.default.copyItem(atPath: TestPaths.elf("chain/lib/libchainb.so.1"), toPath: system + "libchainb.so.1")
        _ = try step("both libraries", starts: suite != "bullseye")  // the program needs glibc 2.34
    }

    /// musl 1.2.3's own loader (`ld-musl-x86_64.so.1 --list`, Debian's musl package) refuses the
    /// library calling statx (musl 1.2.5) and loads the one calling qsort_r (1.2.3);
    /// `check --rootfs` of that root says the same of both.
    @Test(.enabled(if: DebianRoots.available("bookworm-musl") && getuid() == 0, "no bookworm-musl root (scripts/rootfs.sh), or not root"))
    func muslsOwnLoaderRefusesWhatItsMuslLacks() throws {
        let root = try DebianRoots.linkedCopy("bookworm-musl", prefix: "musl")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/work", withIntermediateDirectories: true)
        var loads: [Bool] = []
        for fixture in ["needs-musl-statx.so", "needs-musl-qsort-r.so"] {
            try FileManager.default.copyItem(atPath: TestPaths.elf(fixture), toPath: root + "/work/" + fixture)
            let check = try Self.check(root + "/work/" + fixture, in: root)
            let listed = try Run.program("/usr/sbin/chroot", [root, "/lib/ld-musl-x86_64.so.1", "--list", "/work/" + fixture])
            #expect((check.status == 0) == (listed.status == 0), "\(fixture): basefit \(check.status == 0 ? "compatible" : check.stdout), musl's loader: \(listed.stderr)")
            if listed.status != 0 { #expect(listed.stderr.contains("statx: symbol not found"), "\(listed.stderr)") }
            loads.append(listed.status == 0)
        }
        #expect(loads == [false, true])
    }

    /// What the root's libraries find themselves is found: a library's own RUNPATH (`$ORIGIN/chain`
    /// beside it in the system directory). The loader starts the program. (What they find in the
    /// project: `aLibraryTheProjectShipsIsFoundOnlyWhereTheLoaderLooks`.)
    @Test(arguments: DebianRoots.present.filter { $0 != "bullseye" })  // the program needs glibc 2.34
    func whatTheRootsLibrariesFindThemselvesIsFound(_ suite: String) throws {
        let root = try DebianRoots.linkedCopy(suite, prefix: "found")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = FileManager.default
        let system = root + "/usr/lib/x86_64-linux-gnu/"
        // The root's libchaina.so.1 finds libchainb.so.1 through its RUNPATH $ORIGIN/chain.
        try manager.createDirectory(atPath: system + "chain", withIntermediateDirectories: true)
        try manager.copyItem(atPath: TestPaths.elf("chain/runpath/libchaina.so.1"), toPath: system + "libchaina.so.1")
        try manager.copyItem(atPath: TestPaths.elf("chain/lib/libchainb.so.1"), toPath: system + "chain/libchainb.so.1")
        try manager.createDirectory(atPath: root + "/opt/chain", withIntermediateDirectories: true)
        try manager.copyItem(atPath: TestPaths.elf("chain/bin/app"), toPath: root + "/opt/chain/app")
        _ = try Self.checkAndStart("/opt/chain/app", in: root, starts: true, "\(suite), the root's library's RUNPATH")
    }

    /// A library of the root that a program loads finds a library the project ships only where
    /// the loader looks for it: already loaded by the program (its own NEEDED), or through the
    /// program's DT_RPATH, which the root's library inherits only when it has no DT_RUNPATH of its
    /// own. The same file elsewhere in the project is not found. Each program is started through
    /// the root's loader, and `check` of the project agrees with it.
    @Test(arguments: DebianRoots.present.filter { $0 != "bullseye" })  // the programs need glibc 2.34
    func aLibraryTheProjectShipsIsFoundOnlyWhereTheLoaderLooks(_ suite: String) throws {
        let root = try DebianRoots.linkedCopy(suite, prefix: "shipped")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = FileManager.default
        let system = root + "/usr/lib/x86_64-linux-gnu/libchaina.so.1"
        let cases: [(program: String, rootLibrary: String, starts: Bool)] = [
            ("app", "lib", false),              // no RPATH: the project's lib/ is never searched
            ("app-rpath", "runpath", false),    // the root's library has a RUNPATH: the RPATH is not inherited
            ("app-rpath", "lib", true),         // inherited RPATH
            ("app-both", "lib", true),          // the program loads libchainb.so.1 itself first
            ("app-both", "runpath", true),
        ]
        for (number, item) in cases.enumerated() {
            let label = "\(suite): \(item.program) with the root's \(item.rootLibrary)/libchaina.so.1"
            if manager.fileExists(atPath: system) { try manager.removeItem(atPath: system) }
            try manager.copyItem(atPath: TestPaths.elf("chain/\(item.rootLibrary)/libchaina.so.1"), toPath: system)
            let outcome = try Self.startAndCheck(project: "/opt/shipped\(number)", program: "chain/bin/\(item.program)", in: root,
                                                 starts: item.starts, label) { lib in
                try manager.copyItem(atPath: TestPaths.elf("chain/lib/libchainb.so.1"), toPath: lib + "/libchainb.so.1")
            }
            if !item.starts {
                #expect(outcome.stderr.contains("libchainb.so.1"), "\(label): \(outcome.stderr)")
                let missing = outcome.problems.first { $0["library"] as? String == "libchainb.so.1" }
                #expect(missing?["kind"] as? String == "missing-library" && (missing?["artifact"] as? String)?.hasSuffix("/libchaina.so.1") == true,
                        "\(label): \(outcome.problems)")
            }
        }
    }

    /// glibc maps a program's libraries breadth first, and a library several programs load finds
    /// its own only as each of them loads it (Fixtures/elf/bfs, all shipped with the project):
    /// - `app` NEEDs libbfsa.so and libbfsb.so; libbfsb.so asks for libbfsy.so before libbfsc.so
    ///   (mapped for libbfsa.so) has loaded it from its RUNPATH, so the program does not start;
    /// - `app-b-rpath` passes its DT_RPATH naming lib/deep to libbfsb.so, and starts;
    /// - `app-b`, beside it, loads the same libbfsb.so with a RUNPATH, which is not inherited.
    /// Each project is copied into the root and its programs started through the root's loader;
    /// `check` of the project says compatible exactly when all of them start, and otherwise names
    /// libbfsy.so as a missing library of libbfsb.so.
    @Test(arguments: DebianRoots.present.filter { $0 != "bullseye" })  // the programs need glibc 2.34
    func librariesAreFoundInTheOrderTheLoaderMapsThem(_ suite: String) throws {
        let (root, work) = try Self.workDirectory(in: suite, prefix: "bfs")
        defer { try? FileManager.default.removeItem(atPath: root + work) }
        let manager = FileManager.default
        let libraries = ["lib/libbfsa.so", "lib/libbfsb.so", "lib/libbfsc.so", "lib/deep/libbfsy.so"]
        let projects: [(programs: [String], starts: Bool)] = [
            (["app"], false), (["app-b-rpath"], true), (["app-b-rpath", "app-b"], false),
        ]
        for (number, project) in projects.enumerated() {
            let directory = work + "/p\(number)"
            try manager.createDirectory(atPath: root + directory + "/bin", withIntermediateDirectories: true)
            try manager.createDirectory(atPath: root + directory + "/lib/deep", withIntermediateDirectories: true)
            for file in libraries + project.programs.map({ "bin/" + $0 }) {
                try manager.copyItem(atPath: TestPaths.elf("bfs/" + file), toPath: root + directory + "/" + file)
            }
            let label = "\(suite): \(project.programs.joined(separator: " and "))"
            var allStart = true
            for program in project.programs {
                let started = try Run.program("/usr/sbin/chroot", [root, "/lib64/ld-linux-x86-64.so.2", directory + "/bin/" + program], environment: ["PATH": "/usr/bin:/bin"])
                if started.status != 0 {
                    allStart = false
                    #expect(started.stderr.contains("libbfsy.so: cannot open shared object file"), "\(label): \(started.stderr)")
                }
            }
            #expect(allStart == project.starts, "\(label): the programs \(allStart ? "start" : "do not all start")")
            let check = try Self.check(root + directory, in: root)
            #expect((check.status == 0) == allStart, "\(label): basefit \(check.status == 0 ? "compatible" : check.stdout)")
            if !allStart {
                let problems = (try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])?["problems"] as? [[String: Any]] ?? []
                #expect(problems.contains { $0["kind"] as? String == "missing-library" && $0["library"] as? String == "libbfsy.so"
                    && ($0["artifact"] as? String)?.hasSuffix("/lib/libbfsb.so") == true }, "\(label): \(problems)")
            }
        }
    }

    /// `$ORIGIN` of a library opened through a link to a file is the link's directory (glibc uses
    /// the path it opened), not the target's: the project's `lib/libchaina.so.1` links to
    /// `../real/lib/libchaina.so.1`, whose RUNPATH `$ORIGIN/chain` then names `lib/chain/`. With
    /// libchainb.so.1 beside the target (`real/lib/chain/`) the loader refuses the program, with
    /// it beside the link it starts, and `check` of the project says the same.
    @Test(arguments: DebianRoots.present.filter { $0 != "bullseye" })  // the program needs glibc 2.34
    func originIsTheDirectoryOfTheLinkALibraryWasOpenedBy(_ suite: String) throws {
        let (root, work) = try Self.workDirectory(in: suite, prefix: "origin-link")
        defer { try? FileManager.default.removeItem(atPath: root + work) }
        let manager = FileManager.default
        for (number, besideTheLink) in [false, true].enumerated() {
            let project = root + work + "/p\(number)"
            for directory in ["bin", "lib/chain", "real/lib/chain"] {
                try manager.createDirectory(atPath: project + "/" + directory, withIntermediateDirectories: true)
            }
            try manager.copyItem(atPath: TestPaths.elf("chain/bin/app-rpath"), toPath: project + "/bin/app")
            try manager.copyItem(atPath: TestPaths.elf("chain/runpath/libchaina.so.1"), toPath: project + "/real/lib/libchaina.so.1")
            try manager.createSymbolicLink(atPath: project + "/lib/libchaina.so.1", withDestinationPath: "../real/lib/libchaina.so.1")
            try manager.copyItem(atPath: TestPaths.elf("chain/lib/libchainb.so.1"),
                                 toPath: project + (besideTheLink ? "/lib/chain/" : "/real/lib/chain/") + "libchainb.so.1")
            let label = "\(suite): libchainb.so.1 beside the \(besideTheLink ? "link" : "target")"
            let started = try Run.program("/usr/sbin/chroot", [root, "/lib64/ld-linux-x86-64.so.2", work + "/p\(number)/bin/app"], environment: ["PATH": "/usr/bin:/bin"])
            #expect((started.status == 0) == besideTheLink, "\(label): the program exits \(started.status): \(started.stderr)")
            let check = try Self.check(project, in: root)
            #expect((check.status == 0) == (started.status == 0), "\(label): basefit \(check.status == 0 ? "compatible" : check.stdout)")
        }
    }

    /// The same for a root's library: the root's `libchaina.so.1` in its system directory is a link
    /// to `/opt/vendor/libchaina.so.1`, whose RUNPATH `$ORIGIN/chain` names the system directory's
    /// `chain/` (the loader opens the link, the path ld.so.cache gives). With libchainb.so.1 in
    /// `/opt/vendor/chain/` the loader refuses the program, in the system directory's `chain/` it
    /// starts, and `check --rootfs` says the same.
    @Test(arguments: DebianRoots.present.filter { $0 != "bullseye" })  // the program needs glibc 2.34
    func aRootLibrarysOriginIsTheDirectoryOfItsLink(_ suite: String) throws {
        let manager = FileManager.default
        for besideTheLink in [false, true] {
            let root = try DebianRoots.linkedCopy(suite, prefix: "root-origin")
            defer { try? manager.removeItem(atPath: root) }
            let system = "/usr/lib/x86_64-linux-gnu"
            try manager.createDirectory(atPath: root + "/opt/vendor/chain", withIntermediateDirectories: true)
            try manager.createDirectory(atPath: root + system + "/chain", withIntermediateDirectories: true)
            try manager.copyItem(atPath: TestPaths.elf("chain/runpath/libchaina.so.1"), toPath: root + "/opt/vendor/libchaina.so.1")
            try manager.createSymbolicLink(atPath: root + system + "/libchaina.so.1", withDestinationPath: "/opt/vendor/libchaina.so.1")
            try manager.copyItem(atPath: TestPaths.elf("chain/lib/libchainb.so.1"),
                                 toPath: root + (besideTheLink ? system + "/chain/" : "/opt/vendor/chain/") + "libchainb.so.1")
            let ldconfig = try Run.program("/usr/sbin/chroot", [root, "/sbin/ldconfig"])
            try #require(ldconfig.status == 0, "ldconfig: \(ldconfig.stderr)")
            try manager.createDirectory(atPath: root + "/opt/chain", withIntermediateDirectories: true)
            try manager.copyItem(atPath: TestPaths.elf("chain/bin/app"), toPath: root + "/opt/chain/app")
            _ = try Self.checkAndStart("/opt/chain/app", in: root, starts: besideTheLink,
                                       "\(suite): libchainb.so.1 beside the \(besideTheLink ? "link" : "target")")
        }
    }

    /// The loader stops at the first file under a NEEDED name in a searched directory that it
    /// cannot load, although the root has a good copy: the project's `bin/app` (RUNPATH
    /// `$ORIGIN/../lib`, Fixtures/elf/chain/bin/app-both) with `lib/libchaina.so.1` as a Git LFS
    /// pointer, an empty file, a directory, an object file, a program linked at a fixed address
    /// and a PIE program, a link to an empty file of another name, or with a Git LFS pointer as
    /// `lib/libc.so.6` (the libc's names are searched too), beside the real
    /// `lib/libchainb.so.1`, and the root's own
    /// libchaina.so.1 in its system directory. With nothing there, the real library, or a link to
    /// itself (an open that fails ends that search list only), the program starts. `check --rootfs` agrees in every case and names libchaina.so.1 as an
    /// `unusable-library` where the loader refuses.
    @Test(arguments: DebianRoots.present.filter { $0 != "bullseye" })  // the program needs glibc 2.34
    func aFileTheLoaderCannotLoadStopsTheSearch(_ suite: String) throws {
        let root = try DebianRoots.linkedCopy(suite, prefix: "unusable")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = FileManager.default
        try manager.copyItem(atPath: TestPaths.elf("chain/lib/libchaina.so.1"), toPath: root + "/usr/lib/x86_64-linux-gnu/libchaina.so.1")
        let pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:6007beb94eaf040485224e13c41530eaf1f4a2d90fa478d3ca77a65cfc96afd3\nsize 15880\n"
        let real = TestPaths.elf("chain/lib/libchaina.so.1")
        func beside(_ path: String, _ name: String) -> String { (path as NSString).deletingLastPathComponent + "/" + name }
        let cases: [(label: String, starts: Bool, place: (String) throws -> Void)] = [
            ("nothing", true, { _ in }),
            ("a link to an empty file not named as a library", false, { path in
                _ = manager.createFile(atPath: beside(path, "blob"), contents: Data())
                try manager.createSymbolicLink(atPath: path, withDestinationPath: "blob")
            }),
            ("a link to itself (the open fails: the list ends, the root's copy loads)", true, { try manager.createSymbolicLink(atPath: $0, withDestinationPath: "libchaina.so.1") }),
            ("the real library, beside a Git LFS pointer named libc.so.6", false, { path in
                try manager.copyItem(atPath: real, toPath: path)
                try Data(pointer.utf8).write(to: URL(fileURLWithPath: beside(path, "libc.so.6")))
            }),
            ("the real library", true, { try manager.copyItem(atPath: TestPaths.elf("chain/lib/libchaina.so.1"), toPath: $0) }),
            ("a Git LFS pointer", false, { try Data(pointer.utf8).write(to: URL(fileURLWithPath: $0)) }),
            ("an empty file", false, { _ = manager.createFile(atPath: $0, contents: Data()) }),
            ("a directory", false, { try manager.createDirectory(atPath: $0, withIntermediateDirectories: false) }),
            ("an object file", false, { try manager.copyItem(atPath: TestPaths.elf("chain/object/libchaina.so.1"), toPath: $0) }),
            ("a program at a fixed address", false, { try manager.copyItem(atPath: TestPaths.elf("hello-glibc-nopie"), toPath: $0) }),
            ("a PIE program", false, { try manager.copyItem(atPath: TestPaths.elf("hello-glibc"), toPath: $0) }),
        ]
        for (number, item) in cases.enumerated() {
            let label = "\(suite): lib/libchaina.so.1 is \(item.label)"
            let outcome = try Self.startAndCheck(project: "/opt/unusable\(number)", program: "chain/bin/app-both", in: root,
                                                 starts: item.starts, label) { lib in
                try manager.copyItem(atPath: TestPaths.elf("chain/lib/libchainb.so.1"), toPath: lib + "/libchainb.so.1")
                try item.place(lib + "/libchaina.so.1")
            }
            if !item.starts {
                let library = item.label.contains("libc.so.6") ? "libc.so.6" : "libchaina.so.1"
                #expect(outcome.stderr.contains(library), "\(label): \(outcome.stderr)")
                #expect(outcome.problems.contains { $0["kind"] as? String == "unusable-library" && $0["library"] as? String == library
                    && ($0["artifact"] as? String)?.hasSuffix("/bin/app") == true }, "\(label): \(outcome.problems)")
            }
        }
    }

    /// glibc checks the versions a program needs against the copy it loaded: the project's
    /// `bin/app` needs VERS_2.0 from libvers.so.1 (Fixtures/elf/versions) and the root's copy
    /// defines it. With the project's old `lib/libvers.so.1` (VERS_1.0 only) the loader refuses the
    /// program ("version `VERS_2.0' not found"); with the new copy, or none (the root's), it
    /// starts. A copy without version definitions stops it on bookworm (glibc 2.36 asserts in
    /// check_match) and not on trixie (2.41). `check --rootfs` agrees, and names the project's
    /// copy where the loader refuses.
    @Test(arguments: DebianRoots.present.filter { $0 != "bullseye" })  // the program needs glibc 2.34
    func aVersionTheProjectsCopyLacksStopsTheProgram(_ suite: String) throws {
        let root = try DebianRoots.linkedCopy(suite, prefix: "project-versions")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = FileManager.default
        try manager.copyItem(atPath: TestPaths.elf("versions/new/libvers.so.1"), toPath: root + "/usr/lib/x86_64-linux-gnu/libvers.so.1")
        for (number, shipped) in [("lib", false), ("new", true), ("plain", suite != "bookworm"), (nil, true)].enumerated() {
            let label = "\(suite): the project ships \(shipped.0.map { "versions/\($0)/libvers.so.1" } ?? "no libvers.so.1")"
            let project = "/opt/versions\(number)"
            let outcome = try Self.startAndCheck(project: project, program: "versions/bin/app", in: root, starts: shipped.1, label) { lib in
                if let copy = shipped.0 {
                    try manager.copyItem(atPath: TestPaths.elf("versions/\(copy)/libvers.so.1"), toPath: lib + "/libvers.so.1")
                }
            }
            if !shipped.1 {
                #expect(outcome.stderr.contains(shipped.0 == "plain" ? "check_match" : "version `VERS_2.0' not found"), "\(label): \(outcome.stderr)")
                #expect(outcome.problems.contains { $0["kind"] as? String == "version-too-old" && $0["version"] as? String == "VERS_2.0"
                    && ($0["message"] as? String)?.contains("the project's \(root)\(project)/lib/libvers.so.1") == true }, "\(label): \(outcome.problems)")
            }
        }
    }

    /// A root's library without a DT_RUNPATH searches the DT_RPATH of the program that loads it
    /// first, and is held to what it finds there: the project's `bin/app` (DT_RPATH
    /// `$ORIGIN/../lib`) loads the root's libchaina.so.1, which needs libchainb.so.1 (the root has
    /// it), or the root's libversuser.so.1, which needs VERS_2.0 from libvers.so.1 (the root's
    /// copy defines it). An empty `lib/libchainb.so.1`, or an old `lib/libvers.so.1` (VERS_1.0
    /// only), stops the program; nothing there, or the new copy, does not; nor does the empty file
    /// for a root libchaina.so.1 with a RUNPATH of its own (the RPATH is not inherited). `check
    /// --rootfs` agrees, naming the root's library and the project's file.
    @Test(arguments: DebianRoots.present.filter { $0 != "bullseye" })  // the programs need glibc 2.34
    func aRootLibraryIsHeldToWhatTheProgramsRpathGivesIt(_ suite: String) throws {
        let manager = FileManager.default
        let system = "/usr/lib/x86_64-linux-gnu/"
        let cases: [(label: String, program: String, rootLibraries: [String], shipped: [String: String?], starts: Bool, problem: String?)] = [
            ("nothing shipped", "chain/bin/app-rpath", ["chain/lib/libchaina.so.1", "chain/lib/libchainb.so.1"], [:], true, nil),
            ("an empty libchainb.so.1", "chain/bin/app-rpath", ["chain/lib/libchaina.so.1", "chain/lib/libchainb.so.1"],
             ["libchainb.so.1": nil], false, "unusable-library"),
            ("an empty libchainb.so.1, the root's libchaina.so.1 with a RUNPATH", "chain/bin/app-rpath",
             ["chain/runpath/libchaina.so.1", "chain/lib/libchainb.so.1"], ["libchainb.so.1": nil], true, nil),
            ("the old libvers.so.1", "versions/bin/app-user", ["versions/user/libversuser.so.1", "versions/new/libvers.so.1"],
             ["libvers.so.1": "versions/lib/libvers.so.1"], false, "version-too-old"),
            ("the new libvers.so.1", "versions/bin/app-user", ["versions/user/libversuser.so.1", "versions/new/libvers.so.1"],
             ["libvers.so.1": "versions/new/libvers.so.1"], true, nil),
        ]
        for (number, item) in cases.enumerated() {
            let root = try DebianRoots.linkedCopy(suite, prefix: "rpath-held")
            defer { try? manager.removeItem(atPath: root) }
            for library in item.rootLibraries {
                try manager.copyItem(atPath: TestPaths.elf(library), toPath: root + system + (library as NSString).lastPathComponent)
            }
            let label = "\(suite): \(item.label)"
            let outcome = try Self.startAndCheck(project: "/opt/held\(number)", program: item.program, in: root, starts: item.starts, label) { lib in
                for (name, fixture) in item.shipped {
                    if let fixture {
                        try manager.copyItem(atPath: TestPaths.elf(fixture), toPath: lib + "/" + name)
                    } else {
                        _ = manager.createFile(atPath: lib + "/" + name, contents: Data())
                    }
                }
            }
            if let kind = item.problem {
                let rootLibrary = item.rootLibraries[0]
                #expect(outcome.problems.contains { $0["kind"] as? String == kind
                    && ($0["artifact"] as? String)?.hasSuffix((rootLibrary as NSString).lastPathComponent) == true
                    && ($0["message"] as? String)?.contains("/opt/held\(number)/lib/") == true }, "\(label): \(outcome.problems)")
            }
        }
    }

    /// A project `project` in `root` (a path from it): the fixture `program` as `bin/app`, and a
    /// `lib/` that `fill` is given (its path from here). The program is started through the root's
    /// loader (without /proc in the chroot a program's own $ORIGIN is not known otherwise) and
    /// starts or not as `starts` says; `check --rootfs` of the project calls it compatible exactly
    /// when it starts. The loader's stderr and basefit's problems.
    static func startAndCheck(
        project: String, program: String, in root: String, starts: Bool, _ label: String, fill: (String) throws -> Void
    ) throws -> (stderr: String, problems: [[String: Any]]) {
        let manager = FileManager.default
        try manager.createDirectory(atPath: root + project + "/bin", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: root + project + "/lib", withIntermediateDirectories: true)
        try manager.copyItem(atPath: TestPaths.elf(program), toPath: root + project + "/bin/app")
        try fill(root + project + "/lib")
        let started = try Run.program("/usr/sbin/chroot", [root, "/lib64/ld-linux-x86-64.so.2", project + "/bin/app"], environment: ["PATH": "/usr/bin:/bin"])
        #expect((started.status == 0) == starts, "\(label): the program exits \(started.status): \(started.stderr)")
        let check = try Self.check(root + project, in: root)
        #expect((check.status == 0) == (started.status == 0), "\(label): basefit \(check.status == 0 ? "compatible" : check.stdout)")
        let problems = (try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])?["problems"] as? [[String: Any]] ?? []
        return (started.stderr, problems)
    }

    /// `check --rootfs` of a program in a root, and the program started there: it starts or not
    /// as `starts` says, and basefit calls it compatible exactly when it starts.
    static func checkAndStart(_ program: String, in root: String, starts: Bool, _ label: String) throws -> ProcessResult {
        let check = try Self.check(root + program, in: root)
        let started = try Run.program("/usr/sbin/chroot", [root, program], environment: ["PATH": "/usr/bin:/bin"])
        #expect((started.status == 0) == starts, "\(label): the program exits \(started.status): \(started.stderr)")
        #expect((check.status == 0) == (started.status == 0), "\(label): basefit \(check.status == 0 ? "compatible" : check.stdout)")
        return check
    }

    /// A Debian root and a fresh directory inside it (a path from the root).
    static func workDirectory(in suite: String, prefix: String) throws -> (root: String, work: String) {
        let root = DebianRoots.path(suite), work = "/tmp/basefit-\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root + work, withIntermediateDirectories: true)
        return (root, work)
    }

    /// `basefit check PATH --rootfs ROOT` (loading only), which must answer 0 or 1.
    static func check(_ path: String, in root: String) throws -> ProcessResult {
        let check = try Run.program(TestPaths.executable.path, ["check", path, "--rootfs", root, "--runtime", "none", "--format", "json"])
        try #require(check.status == 0 || check.status == 1, "\(path) on \(root): \(check.stderr)")
        return check
    }

    private func elfFiles(under path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let candidates: [String]
        if isDirectory.boolValue {
            candidates = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []).map { path + "/" + $0 }
        } else {
            candidates = [path]
        }
        return candidates.filter { file in
            guard let handle = FileHandle(forReadingAtPath: file) else { return false }
            defer { try? handle.close() }
            return (try? handle.read(upToCount: 4)) == Data([0x7f, 0x45, 0x4c, 0x46])
        }
    }
}
