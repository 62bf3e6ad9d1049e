import Domain
import Foundation
import Testing
import TestSupport
@testable import ELFInspection
@testable import ImageCatalog
@testable import ImageMeasurement

/// arm64 Debian roots (debootstrap --foreign --arch=arm64: the real arm64 packages unpacked
/// on this x86_64 machine, nothing arm64 run by basefit) measured like the amd64 ones, and
/// judged against the arm64 loader itself, run under qemu-aarch64-static in a chroot.
@Suite(.enabled(if: !PreparedRoots.arm64Suites.isEmpty, "\(PreparedRoots.missing("bookworm-arm64"))"))
struct Arm64RootTests {
    static let dataDirectory = TestPaths.packageRoot.appendingPathComponent("Data").path

    /// The committed Data/measured/debian-<suite>-arm64.json is what the arm64 root holds.
    @Test(arguments: PreparedRoots.arm64Suites)
    func measuredArm64FileEqualsTheRoot(_ suite: String) throws {
        let measured = try RootfsMeasurer(root: PreparedRoots.path(suite + "-arm64")).measure()
        #expect(measured.machine == "aarch64")
        #expect(measured.architecture == "arm64")
        #expect(measured.machineEvidence == "/bin/sh")
        #expect(measured.libcFamily == "glibc")
        let data = try CatalogDataSet.load(directory: Self.dataDirectory)
        let file = try #require(data.measured["measured/debian-\(suite)-arm64.json"], "no Data/measured/debian-\(suite)-arm64.json")
        #expect(file.architecture == "arm64")
        #expect(file.libc.family == measured.libcFamily)
        #expect(file.libc.version == measured.libcVersion?.description, "glibc of \(suite) arm64")
        #expect(file.searchPath == measured.searchPath)
        let committed = Dictionary(uniqueKeysWithValues: file.libraries.map { ($0.soname, Set($0.versions ?? [])) })
        let real = Dictionary(uniqueKeysWithValues: measured.libraries.map { ($0.soname, $0.versions) })
        #expect(Set(committed.keys) == Set(real.keys), "sonames of debian:\(suite) arm64")
        for (soname, versions) in real where committed[soname] != nil {
            #expect(committed[soname] == versions, "version definitions of \(soname) on \(suite) arm64")
        }
        // Every library is an aarch64 shared object; the loader is arm64's.
        #expect(real["ld-linux-aarch64.so.1"] != nil)
        #expect(real["ld-linux-x86-64.so.2"] == nil)
    }

    /// The amd64 files say so too, and the amd64 roots measure as amd64.
    @Test func amd64FilesSayAmd64() throws {
        let data = try CatalogDataSet.load(directory: Self.dataDirectory)
        for suite in PreparedRoots.suites {
            let file = try #require(data.measured["measured/debian-\(suite).json"])
            #expect(file.architecture == "amd64", "Data/measured/debian-\(suite).json")
        }
        for suite in DebianRoots.present {
            let measured = try RootfsMeasurer(root: DebianRoots.path(suite)).measure()
            #expect(measured.architecture == "amd64")
            #expect(measured.machine == "x86_64")
        }
    }

    /// numpy's manylinux_2_28 aarch64 wheel needs GCC_4.5.0 from libgcc_s.so.1: Debian's
    /// arm64 libgcc_s defines it, the amd64 one does not. readelf (binutils) is the oracle.
    @Test(arguments: PreparedRoots.arm64Suites)
    func arm64LibgccDefinesGCC450(_ suite: String) throws {
        let arm = try RootfsMeasurer(root: PreparedRoots.path(suite + "-arm64")).measure()
        let libgcc = try #require(arm.libraries.first { $0.soname == "libgcc_s.so.1" })
        #expect(libgcc.versions.contains("GCC_4.5.0"))
        let inside = try #require(libgcc.path)
        let host = try #require(RootPath(root: PreparedRoots.path(suite + "-arm64")).resolve(inside))
        let readelf = try Run.program("/usr/bin/readelf", ["-V", "--wide", host], environment: ["LC_ALL": "C"])
        try #require(readelf.status == 0, "readelf: \(readelf.stderr)")
        let defined = Set(Self.versionDefinitions(readelf.stdout))
        #expect(defined == libgcc.versions, "readelf's version definitions of \(suite) arm64 libgcc_s.so.1")
        if DebianRoots.available(suite) {
            let amd = try RootfsMeasurer(root: DebianRoots.path(suite)).measure()
            let amdLibgcc = try #require(amd.libraries.first { $0.soname == "libgcc_s.so.1" })
            #expect(!amdLibgcc.versions.contains("GCC_4.5.0"))
            #expect(amdLibgcc.versions.contains("GCC_4.8.0"))
        }
    }

    /// The arm64 loader (under qemu) resolves every dependency of real arm64 programs
    /// and libraries of the root to the soname and file the measurement found.
    @Test(.enabled(if: PreparedRoots.canChroot, "needs root for chroot"), arguments: PreparedRoots.arm64Suites)
    func loaderResolvesWhatWasMeasured(_ suite: String) throws {
        let root = PreparedRoots.path(suite + "-arm64")
        let measured = try RootfsMeasurer(root: root).measure()
        let paths = RootPath(root: root)
        let byName = Dictionary(uniqueKeysWithValues: measured.libraries.map { ($0.soname, $0) })
        var resolved = 0
        for program in ["/usr/bin/apt-get", "/usr/bin/dpkg", "/bin/ls", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6"] {
            let list = try Self.loaderList(root: root, inside: program)
            try #require(list.status == 0, "\(program) on \(suite) arm64: \(list.stderr)")
            #expect(!list.stdout.contains("not found"), "\(program): \(list.stdout)")
            for (soname, path) in Self.resolutions(list.stdout) {
                let library = try #require(byName[soname], "the loader loads \(soname) for \(program); not measured")
                let ours = try #require(library.path.flatMap(paths.resolve))
                let theirs = try #require(paths.resolve(path))
                #expect(Self.sameFile(ours, theirs), "\(soname): loader \(path), measured \(library.path ?? "-")")
                resolved += 1
            }
        }
        #expect(resolved > 10, "the loader resolved too little to prove anything")
    }

    /// `basefit check --rootfs` against the arm64 loader on real arm64 files of the other
    /// arm64 roots: a newer suite's libraries need a newer glibc/libstdc++ (both must say
    /// fails), an older suite's load on a newer root (both must say loads).
    @Test(.enabled(if: PreparedRoots.canChroot && PreparedRoots.arm64Suites.count >= 2, "needs root and two arm64 roots"))
    func checkAgreesWithTheArm64Loader() throws {
        let suites = PreparedRoots.arm64Suites
        let files = ["/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/bin/dash", "/usr/bin/tar", "/usr/lib/aarch64-linux-gnu/libsystemd.so.0"]
        var outcomes: [Bool: Int] = [:]
        for rootSuite in suites {
            let root = PreparedRoots.path(rootSuite + "-arm64")
            let work = "/tmp/basefit-arm64-oracle-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: root + work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: root + work) }
            for fileSuite in suites where fileSuite != rootSuite {
                for file in files {
                    let source = try #require(RootPath(root: PreparedRoots.path(fileSuite + "-arm64")).resolve(file))
                    let directory = root + work + "/\(fileSuite)-\(UUID().uuidString.prefix(4))"
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                    let copy = directory + "/" + (file.split(separator: "/").last.map(String.init) ?? "x")
                    try FileManager.default.copyItem(atPath: source, toPath: copy)
                    let check = try Run.program(TestPaths.executable.path, ["check", copy, "--rootfs", root, "--arch", "arm64", "--runtime", "none", "--format", "json"])
                    try #require(check.status == 0 || check.status == 1, "\(file) of \(fileSuite) on \(rootSuite): \(check.stderr)")
                    let list = try Self.loaderList(root: root, inside: String(copy.dropFirst(root.count)))
                    let loads = list.status == 0 && !(list.stdout + list.stderr).contains("not found")
                    #expect((check.status == 0) == loads,
                            "\(file) of \(fileSuite) on \(rootSuite) arm64: basefit \(check.status == 0 ? "compatible" : "incompatible"), loader \(loads ? "loads" : "fails: " + list.stderr + list.stdout)")
                    outcomes[loads, default: 0] += 1
                }
            }
        }
        #expect(outcomes[true, default: 0] > 0 && outcomes[false, default: 0] > 0, "the oracle saw only one outcome: \(outcomes)")
    }

    // MARK: Helpers

    static func loaderList(root: String, inside: String) throws -> ProcessResult {
        try PreparedRoots.chroot(root, ["/usr/bin/qemu-aarch64-static", "/lib/ld-linux-aarch64.so.1", "--list", inside])
    }

    /// `\tlibc.so.6 => /lib/aarch64-linux-gnu/libc.so.6 (0x…)` → (libc.so.6, /lib/…).
    static func resolutions(_ text: String) -> [(String, String)] {
        text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 3, parts[1] == "=>", parts[2].hasPrefix("/") else { return nil }
            return (parts[0].trimmingCharacters(in: .whitespaces), String(parts[2]))
        }
    }

    /// Names in readelf -V's "Version definition section" (`Rev: 1  Flags: none  Index: 2  Cnt: 1  Name: GCC_3.0`), not the base.
    static func versionDefinitions(_ text: String) -> [String] {
        var inDefinitions = false
        var names: [String] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("Version definition section") { inDefinitions = true; continue }
            if line.hasPrefix("Version needs section") || line.hasPrefix("Version symbols section") { inDefinitions = false }
            guard inDefinitions, line.contains("Flags:"), !line.contains("Flags: BASE"),
                  let range = line.range(of: "Name: ") else { continue }
            names.append(String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces))
        }
        return names
    }

    static func sameFile(_ a: String, _ b: String) -> Bool {
        var left = stat()
        var right = stat()
        return stat(a, &left) == 0 && stat(b, &right) == 0 && left.st_ino == right.st_ino && left.st_dev == right.st_dev
    }
}
