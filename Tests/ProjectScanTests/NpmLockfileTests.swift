import Foundation
import Testing
import TestSupport
@testable import ELFInspection
@testable import ProjectScan

/// npm, pnpm and Yarn Berry lockfiles judged per platform, offline, on the hand-written
/// fixtures in Fixtures/lockfiles/npm-sharp-argon2 (sharp 0.33.5, @node-rs/argon2 1.8.3, bcrypt 5.1.1).
@Suite struct NpmLockfileTests {
    static func fixture(_ name: String) -> String {
        TestPaths.fixtures.appendingPathComponent("lockfiles/npm-sharp-argon2/\(name)").path
    }

    static let glibcX64 = LockfilePlatform(libc: .glibc, architecture: .amd64)
    static let muslX64 = LockfilePlatform(libc: .musl, architecture: .amd64)
    static let muslArm64 = LockfilePlatform(libc: .musl, architecture: .arm64)
    static let glibcArmV7 = LockfilePlatform(libc: .glibc, architecture: .arm(.v7))
    static let muslArmV7 = LockfilePlatform(libc: .musl, architecture: .arm(.v7))
    static let glibcRiscv = LockfilePlatform(libc: .glibc, architecture: .riscv64)

    func way(_ answer: NpmLockfileAnswer, _ package: String) throws -> NpmLockfileAnswer.Way {
        try #require(answer.entries.first { $0.package == package }, "no entry for \(package)").way
    }

    @Test func packageLockIsRead() throws {
        let lock = try NpmLockfile.read(path: Self.fixture("package-lock.json"))
        #expect(lock.format == .packageLock)
        let sharp = try #require(lock.packages.first { $0.name == "sharp" })
        #expect(sharp.version == "0.33.5")
        #expect(sharp.hasInstallScript)
        #expect(sharp.optionalDependencies.contains("@img/sharp-linuxmusl-x64"))
        let musl = try #require(lock.packages.first { $0.name == "@img/sharp-linuxmusl-x64" })
        #expect(musl.libc == ["musl"] && musl.cpu == ["x64"] && musl.os == ["linux"] && musl.optional)
        // The project itself ("" key) is not a package.
        #expect(!lock.packages.contains { $0.name == "thumbnailer" })
    }

    @Test func sharpAndArgon2HavePrebuildsOnMuslX64() throws {
        let answer = NpmLockfileAnswer(try NpmLockfile.read(path: Self.fixture("package-lock.json")), platform: Self.muslX64)
        #expect(try way(answer, "sharp") == .prebuilt(platformPackages: ["@img/sharp-libvips-linuxmusl-x64", "@img/sharp-linuxmusl-x64"]))
        #expect(try way(answer, "@node-rs/argon2") == .prebuilt(platformPackages: ["@node-rs/argon2-linux-x64-musl"]))
        // bcrypt has an install script and no platform packages: node-gyp in the build stage.
        #expect(try way(answer, "bcrypt") == .compiles(needs: ["python3", "make", "g++"]))
        // fsevents is optional and macOS-only: not a native package of a Linux install.
        #expect(!answer.entries.contains { $0.package == "fsevents" })
        #expect(answer.blocked.isEmpty)
    }

    @Test func glibcPicksTheGnuPackages() throws {
        let answer = NpmLockfileAnswer(try NpmLockfile.read(path: Self.fixture("package-lock.json")), platform: Self.glibcX64)
        #expect(try way(answer, "sharp") == .prebuilt(platformPackages: ["@img/sharp-libvips-linux-x64", "@img/sharp-linux-x64"]))
        #expect(try way(answer, "@node-rs/argon2") == .prebuilt(platformPackages: ["@node-rs/argon2-linux-x64-gnu"]))
    }

    @Test func muslArmV7HasNoSharpBuildAndNoArgon2() throws {
        let lock = try NpmLockfile.read(path: Self.fixture("package-lock.json"))
        let answer = NpmLockfileAnswer(lock, platform: Self.muslArmV7)
        // sharp 0.33.5 publishes no linuxmusl-arm package; its install script builds from source.
        #expect(try way(answer, "sharp") == .compiles(needs: ["python3", "make", "g++"]))
        // argon2 has only a gnueabihf package for arm (no libc field: told by its name) and no install script.
        guard case .noWay(let available) = try way(answer, "@node-rs/argon2") else {
            Issue.record("argon2 on musl arm/v7 should have no way")
            return
        }
        #expect(available.contains("@node-rs/argon2-linux-arm-gnueabihf"))
        #expect(available.contains("@node-rs/argon2-linux-x64-musl"))
        // On glibc arm/v7 the gnueabihf package (named, no libc field) matches.
        let glibc = NpmLockfileAnswer(lock, platform: Self.glibcArmV7)
        #expect(try way(glibc, "@node-rs/argon2") == .prebuilt(platformPackages: ["@node-rs/argon2-linux-arm-gnueabihf"]))
        #expect(try way(glibc, "sharp") == .prebuilt(platformPackages: ["@img/sharp-libvips-linux-arm", "@img/sharp-linux-arm"]))
        // riscv64: nobody publishes one.
        let riscv = NpmLockfileAnswer(lock, platform: Self.glibcRiscv)
        #expect(riscv.blocked.map(\.package) == ["@node-rs/argon2"])
    }

    @Test func pnpmLockfileGivesTheSameAnswer() throws {
        let lock = try NpmLockfile.read(path: Self.fixture("pnpm-lock.yaml"))
        #expect(lock.format == .pnpm)
        let musl = try #require(lock.packages.first { $0.name == "@img/sharp-linuxmusl-x64" })
        #expect(musl.version == "0.33.5" && musl.libc == ["musl"] && musl.cpu == ["x64"] && musl.optional)
        let answer = NpmLockfileAnswer(lock, platform: Self.muslX64)
        #expect(try way(answer, "sharp") == .prebuilt(platformPackages: ["@img/sharp-libvips-linuxmusl-x64", "@img/sharp-linuxmusl-x64"]))
        #expect(try way(answer, "@node-rs/argon2") == .prebuilt(platformPackages: ["@node-rs/argon2-linux-x64-musl"]))
        // This lockfile pins no musl arm64 package for argon2.
        let arm = NpmLockfileAnswer(lock, platform: Self.muslArm64)
        #expect(arm.blocked.map(\.package).sorted() == ["@node-rs/argon2", "sharp"])
    }

    /// A lockfile saved with Windows line endings reads exactly as with Unix ones (pnpm's and
    /// Yarn's YAML used to split at "\n" Characters, which a "\r\n" is not: one line, refused).
    @Test(arguments: [("package-lock.json", NpmLockfile.Format.packageLock), ("pnpm-lock.yaml", .pnpm), ("yarn.lock", .yarnBerry)])
    func windowsLineEndingsReadTheSame(name: String, format: NpmLockfile.Format) throws {
        let copies = try WindowsLineEndings(copying: [Self.fixture(name)])
        defer { copies.remove() }
        let unix = try NpmLockfile.read(path: copies.unix.appendingPathComponent(name).path)
        let windows = try NpmLockfile.read(path: copies.windows.appendingPathComponent(name).path)
        #expect(unix.format == format && windows.format == format)
        #expect(unix.packages.count >= 5)
        #expect(try copies.comparable(windows) == copies.comparable(unix))
    }

    @Test func yarnBerryConditionsAreRead() throws {
        let lock = try NpmLockfile.read(path: Self.fixture("yarn.lock"))
        #expect(lock.format == .yarnBerry)
        let gnu = try #require(lock.packages.first { $0.name == "@node-rs/argon2-linux-x64-gnu" })
        #expect(gnu.os == ["linux"] && gnu.cpu == ["x64"] && gnu.libc == ["glibc"] && gnu.optional)
        // This yarn.lock pins no musl build of argon2: Alpine is blocked by it, not by sharp.
        let answer = NpmLockfileAnswer(lock, platform: Self.muslX64)
        #expect(answer.blocked.map(\.package) == ["@node-rs/argon2"])
        #expect(try way(answer, "sharp") == .prebuilt(platformPackages: ["@img/sharp-linuxmusl-x64"]))
        #expect(!lock.packages.contains { $0.name == "thumbnailer" })
    }

    @Test func yarnClassicIsRefusedWithAReason() throws {
        #expect(throws: NpmLockfile.ParseError.self) {
            try NpmLockfile.parseYarn("# yarn lockfile v1\n\nsharp@^0.33.5:\n  version \"0.33.5\"\n", path: "yarn.lock")
        }
    }

    @Test func npmNegationsAndPnpmV5Keys() throws {
        #expect(NpmLockfileAnswer.allows(["!win32"], "linux"))
        #expect(!NpmLockfileAnswer.allows(["!linux"], "linux"))
        #expect(!NpmLockfileAnswer.allows(["darwin"], "linux"))
        let v5 = """
        lockfileVersion: 5.4
        packages:
          /esbuild-linux-64/0.15.18:
            resolution: {integrity: sha512-x}
            cpu: [x64]
            os: [linux]
            requiresBuild: true
            dev: false
            optional: true
          /esbuild/0.15.18:
            resolution: {integrity: sha512-x}
            hasBin: true
            requiresBuild: true
            optionalDependencies:
              esbuild-linux-64: 0.15.18
              esbuild-linux-arm64: 0.15.18
        """
        let lock = try NpmLockfile.parsePnpm(v5, path: "pnpm-lock.yaml")
        let esbuild = try #require(lock.packages.first { $0.name == "esbuild" })
        #expect(esbuild.version == "0.15.18" && esbuild.hasInstallScript)
        let answer = NpmLockfileAnswer(lock, platform: Self.muslArm64)
        #expect(try way(answer, "esbuild") == .compiles(needs: ["python3", "make", "g++"]))
        let x64 = NpmLockfileAnswer(lock, platform: Self.muslX64)
        #expect(try way(x64, "esbuild") == .prebuilt(platformPackages: ["esbuild-linux-64"]))
    }
}
