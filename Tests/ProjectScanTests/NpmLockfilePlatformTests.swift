import Foundation
import Testing
import TestSupport
@testable import ELFInspection
@testable import ProjectScan

/// The platform rules of npm, pnpm and Yarn Berry lockfiles that fail closed, on the lockfiles
/// in Fixtures/lockfiles/npm-platform (see its README: two written by npm 10.8.2, the others on
/// the shape of real output). Each case was once answered in the user's favour.
@Suite struct NpmLockfilePlatformTests {
    static func lockfile(_ name: String) throws -> NpmLockfile {
        try NpmLockfile.read(path: TestPaths.fixtures.appendingPathComponent("lockfiles/npm-platform/\(name)").path)
    }

    static let glibcX64 = LockfilePlatform(libc: .glibc, architecture: .amd64)
    static let muslX64 = LockfilePlatform(libc: .musl, architecture: .amd64)
    static let glibcArm64 = LockfilePlatform(libc: .glibc, architecture: .arm64)
    static let muslArmV6 = LockfilePlatform(libc: .musl, architecture: .arm(.v6))
    static let muslArmV7 = LockfilePlatform(libc: .musl, architecture: .arm(.v7))
    static let glibcArmV7 = LockfilePlatform(libc: .glibc, architecture: .arm(.v7))

    func way(_ lock: NpmLockfile, _ platform: LockfilePlatform, _ package: String) throws -> NpmLockfileAnswer.Way {
        try #require(NpmLockfileAnswer(lock, platform: platform).entries.first { $0.package == package }, "no entry for \(package)").way
    }

    // MARK: F1 pnpm 11+ two-document lockfile

    @Test func pnpmTwoDocumentLockfileIsReadFromItsProjectDocument() throws {
        let twoDocuments = try Self.lockfile("p1-twodoc/pnpm-lock.yaml")
        let oneDocument = try Self.lockfile("p1-control/pnpm-lock.yaml")
        // The env document's pnpm@12.3.4 is pnpm itself, not a package of the project.
        #expect(!twoDocuments.packages.contains { $0.name == "pnpm" })
        #expect(twoDocuments.packages == oneDocument.packages)
        guard case .noWay = try way(twoDocuments, Self.muslX64, "@node-rs/argon2") else {
            Issue.record("argon2 pins only a gnu build: no way on musl")
            return
        }
    }

    @Test(arguments: [
        // Only pnpm's env document (the file starts with `---`, no second document): no project lockfile.
        "---\nlockfileVersion: '9.0'\nimporters:\n  .:\n    configDependencies: {}\npackages:\n  pnpm@12.3.4:\n    resolution: {integrity: sha512-B}\n",
        // A third document, which pnpm's reader refuses.
        "---\nlockfileVersion: '9.0'\n---\nlockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: sha512-A}\n---\nlockfileVersion: '9.0'\n",
        // Two documents in a file that does not start with `---`: pnpm reads it as one, and its YAML reader refuses it.
        "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: sha512-A}\n---\nlockfileVersion: '9.0'\npackages: {}\n",
        // A project document without lockfileVersion.
        "---\nlockfileVersion: '9.0'\n---\npackages:\n  a@1.0.0:\n    resolution: {integrity: sha512-A}\n",
    ])
    func pnpmDocumentsThatAreNotPnpmsAreNotJudged(text: String) {
        #expect(throws: NpmLockfile.ParseError.self) { try NpmLockfile.parsePnpm(text, path: "pnpm-lock.yaml") }
    }

    @Test func aYAMLLineLeftOfTheFirstIsRefused() {
        #expect(throws: LockfileYAML.ParseError.self) { try LockfileYAML.parse("  a: 1\nb: 2\n") }
    }

    // MARK: F9 string os/cpu/libc

    @Test func npmCopiesStringFieldsAndTheyAreOneItemLists() throws {
        // Written by npm 10.8.2 from a manifest declaring "cpu": "x64", "os": "linux".
        let real = try Self.lockfile("npm10-string-cpu/package-lock.json")
        let strcpu = try #require(real.packages.first { $0.name == "strcpu" })
        #expect(strcpu.cpu == ["x64"] && strcpu.os == ["linux"])

        let family = try Self.lockfile("c09-string-cpu/package-lock.json")
        guard case .noWay = try way(family, Self.glibcArm64, "nativefam") else {
            Issue.record("nativefam pins only x64 builds (cpu as a string): no way on arm64")
            return
        }
        #expect(try way(family, Self.glibcX64, "nativefam") == .prebuilt(platformPackages: ["nativefam-linux-x64-gnu"]))
        // A required package with "os": "darwin": npm ci stops with EBADPLATFORM on Linux.
        #expect(try way(Self.lockfile("c09b-string-os-required/package-lock.json"), Self.glibcX64, "macnative") == .refused)
    }

    @Test func pnpmStringFieldsAreOneItemListsToo() throws {
        let text = """
        lockfileVersion: '9.0'

        packages:

          nativefam-linux-x64-gnu@2.0.0:
            resolution: {integrity: sha512-A}
            cpu: x64
            os: linux
            libc: glibc

          nativefam@2.0.0:
            resolution: {integrity: sha512-A}

        snapshots:

          nativefam-linux-x64-gnu@2.0.0:
            optional: true

          nativefam@2.0.0:
            optionalDependencies:
              nativefam-linux-x64-gnu: 2.0.0
        """
        let lock = try NpmLockfile.parsePnpm(text, path: "pnpm-lock.yaml")
        let gnu = try #require(lock.packages.first { $0.name == "nativefam-linux-x64-gnu" })
        #expect(gnu.cpu == ["x64"] && gnu.os == ["linux"] && gnu.libc == ["glibc"] && gnu.optional)
        guard case .noWay = try way(lock, Self.glibcArm64, "nativefam") else {
            Issue.record("nativefam pins only an x64 build")
            return
        }
    }

    @Test func aPlatformFieldOfAnotherTypeIsNotJudged() {
        let text = #"{"lockfileVersion":3,"packages":{"":{},"node_modules/a":{"version":"1.0.0","cpu":{"x64":true}}}}"#
        #expect(throws: NpmLockfile.ParseError.self) { try NpmLockfile.parsePackageLock(Data(text.utf8), path: "package-lock.json") }
    }

    // MARK: F8 Yarn conditions with groups and negations

    @Test func yarnGroupedConditionsAreRead() throws {
        let grouped = try Self.lockfile("y3-grouped-os/yarn.lock")
        let unix = try #require(grouped.packages.first { $0.name == "nativex-unix-x64" })
        #expect(unix.os == ["darwin", "freebsd"] && unix.cpu == ["x64"])
        guard case .noWay = try way(grouped, Self.glibcX64, "nativex") else {
            Issue.record("nativex's x64 build is for darwin and freebsd only")
            return
        }
        let multi = try Self.lockfile("y2-multicpu/yarn.lock")
        guard case .noWay = try way(multi, Self.glibcArmV7, "fastnative") else {
            Issue.record("fastnative builds for x64 and arm64 only")
            return
        }
        #expect(try way(multi, Self.glibcArm64, "fastnative") == .prebuilt(platformPackages: ["fastnative-linux-gnu"]))
    }

    @Test func yarnConditionsReadAsYarnEvaluatesThem() throws {
        let negated = try YarnCondition(parsing: "!cpu=arm64")
        #expect(negated.cpu == ["!arm64"] && negated.os == nil)
        // Yarn's `a | !b` holds for everything but b.
        #expect(try YarnCondition(parsing: "(os=linux | !os=win32) & libc=musl").os == ["!win32"])
        #expect(try YarnCondition(parsing: "(os=linux | !os=linux)").os == nil)
        for text in ["os=linux & os=darwin", "(os=linux | cpu=x64)", "!(os=linux | os=darwin)", "(os=linux", "os=linux | os=darwin", "engine=node", "os"] {
            #expect(throws: YarnCondition.ParseError.self, "\(text)") { try YarnCondition(parsing: text) }
        }
    }

    // MARK: F6 name spellings when the lockfile has no libc

    @Test func platformNamesOfTheFamilies() throws {
        let parcel = try #require(NodePlatformName(packageName: "@parcel/watcher-linux-arm-glibc"))
        #expect(parcel.libc == .glibc && parcel.cpu == "arm" && parcel.family == "@parcel/watcher")
        #expect(NodePlatformName(packageName: "@parcel/watcher-linux-arm64-musl")?.libc == .musl)
        #expect(NodePlatformName(packageName: "@img/sharp-linuxmusl-x64")?.libc == .musl)
        #expect(NodePlatformName(packageName: "lightningcss-linux-arm-gnueabihf")?.isARMv7HardFloat == true)
        #expect(NodePlatformName(packageName: "@oven/bun-linux-aarch64")?.cpu == "arm64")
        #expect(NodePlatformName(packageName: "@oven/bun-linux-x64-baseline")?.libc == .glibc)
        #expect(NodePlatformName(packageName: "@oven/bun-linux-x64-musl-baseline")?.libc == .musl)
        #expect(NodePlatformName(packageName: "@esbuild/linux-x64") == nil)
        // Rollup's ppc64 build carries cpu ["ppc64"] and no libc: its name says glibc.
        let rollup = try #require(NodePlatformName(packageName: "@rollup/rollup-linux-powerpc64le-gnu"))
        #expect(rollup.cpu == "ppc64" && rollup.libc == .glibc)
        #expect(NodePlatformName(packageName: "@rollup/rollup-linux-loongarch64-gnu")?.cpu == "loong64")
        #expect(NodePlatformName(packageName: "@sentry/cli-linux-i686")?.cpu == "ia32")

        let watcher = try Self.lockfile("c16-glibc-suffix-nolibc/package-lock.json")
        // Only a -glibc arm build: on musl arm/v7 the install script builds it from source.
        #expect(try way(watcher, Self.muslArmV7, "@parcel/watcher") == .compiles(needs: ["python3", "make", "g++"]))
        #expect(try way(watcher, Self.glibcArmV7, "@parcel/watcher") == .prebuilt(platformPackages: ["@parcel/watcher-linux-arm-glibc"]))
    }

    // MARK: F3 a lockfile that lost its Linux members

    @Test func aFamilyMemberTheLockfileLostIsNoBuild() throws {
        let lock = try Self.lockfile("c03-rollup-mac-only/package-lock.json")
        #expect(try way(lock, Self.muslX64, "rollup") == .notLocked(members: ["@rollup/rollup-linux-x64-musl"]))
        #expect(try way(lock, Self.glibcX64, "rollup") == .notLocked(members: ["@rollup/rollup-linux-x64-gnu"]))
        #expect(NpmLockfileAnswer(lock, platform: Self.glibcX64).blocked.map(\.package) == ["rollup"])
    }

    // MARK: F10 required platform packages

    @Test func aRequiredPlatformPackageThatDoesNotFitIsRefused() throws {
        let pinned = try Self.lockfile("c08a-required-gnu/package-lock.json")
        #expect(try way(pinned, Self.muslX64, "@rollup/rollup-linux-x64-gnu") == .refused)
        #expect(NpmLockfileAnswer(pinned, platform: Self.glibcX64).blocked.isEmpty)
        // devOptional (a dev dependency, optional only in the production tree) is not optional:
        // npm 10.8.2's npm ci fails with EBADPLATFORM on this lockfile on Linux.
        let real = try Self.lockfile("npm10-devoptional-darwin/package-lock.json")
        #expect(try way(real, Self.glibcX64, "famz-darwin-arm64") == .refused)
        #expect(try way(Self.lockfile("c08b-devoptional-gnu/package-lock.json"), Self.muslX64, "@rollup/rollup-linux-x64-gnu") == .refused)
    }

    // MARK: F7 a family root with its own os/cpu

    @Test func aRootDeclaringItsOwnPlatformIsStillAFamily() throws {
        let bun = try Self.lockfile("c20b-bun-1.1.0/package-lock.json")
        // bun 1.1.0 publishes glibc builds only (no -musl member): its install script is all that is left on Alpine.
        #expect(try way(bun, Self.muslX64, "bun") == .compiles(needs: ["python3", "make", "g++"]))
        #expect(try way(bun, Self.glibcX64, "bun") == .prebuilt(platformPackages: ["@oven/bun-linux-x64", "@oven/bun-linux-x64-baseline"]))
        #expect(try way(bun, Self.glibcArm64, "bun") == .prebuilt(platformPackages: ["@oven/bun-linux-aarch64"]))
        // The same family without os/cpu on its root was already judged so.
        #expect(try way(Self.lockfile("c20-control/package-lock.json"), Self.muslX64, "nativeroot") == .noWay(available: ["nativeroot-linux-x64-gnu"]))
    }

    // MARK: F13 ARMv7 builds on ARMv6

    @Test func armV7BuildsDoNotFitArmV6() throws {
        let lock = try Self.lockfile("c18-armv7-on-armv6/package-lock.json")
        guard case .noWay = try way(lock, Self.muslArmV6, "@napi-rs/example") else {
            Issue.record("-musleabihf is an ARMv7 build")
            return
        }
        #expect(try way(lock, Self.muslArmV7, "@napi-rs/example") == .prebuilt(platformPackages: ["@napi-rs/example-linux-arm-musleabihf"]))
        // An ARM whose variant is unknown is not taken for ARMv7.
        guard case .noWay = try way(lock, LockfilePlatform(libc: .musl, architecture: .arm(nil)), "@napi-rs/example") else {
            Issue.record("-musleabihf on an ARM of unknown variant")
            return
        }
    }
}
