import Domain
import Foundation
import PackageKnowledge
import Testing
import TestSupport

/// Plans against the embedded Debian indexes (no network).
@Suite struct InstallPlanTests {
    func plan(_ sonames: [String], _ release: Release, arch: String = "amd64", installed: Set<String> = [],
              versions: [String: [String]] = [:]) throws -> InstallPlan {
        let missing = sonames.map { MissingLibrary(soname: $0, versions: versions[$0] ?? []) }
        return try #require(try PackageKnowledge.plan(missing: missing, release: release, architecture: arch, installed: installed))
    }

    func minbase(_ suite: String) throws -> Set<String> {
        try DpkgStatus.installedPackages(root: DebianRoots.path(suite))
    }

    @Test func libnodeExistsOnlyWhereDebianShipsIt() throws {
        let bookworm = try plan(["libnode.so.108"], .debian12)
        #expect(bookworm.packages == ["libnode108"])
        #expect(bookworm.unresolved.isEmpty)
        for release in [Release.debian11, .debian13] {
            let other = try plan(["libnode.so.108"], release)
            #expect(other.packages.isEmpty)
            #expect(other.command == nil)
            #expect(other.unresolved.map(\.soname) == ["libnode.so.108"])
        }
    }

    @Test func trixieNamesTheT64Packages() throws {
        #expect(try plan(["libssl.so.3"], .debian13).packages == ["libssl3t64"])
        #expect(try plan(["libssl.so.3"], .debian12).packages == ["libssl3"])
        #expect(try plan(["libglib-2.0.so.0", "libgthread-2.0.so.0"], .debian13).packages == ["libglib2.0-0t64"])
        #expect(try plan(["libcurl.so.4"], .debian13).packages == ["libcurl4t64"])
        // Every package a trixie plan names or pulls in exists in trixie's own index.
        let index = try #require(try EmbeddedIndexes.index(release: .debian13, architecture: "amd64"))
        let big = try plan(["libGL.so.1", "libX11.so.6", "libSM.so.6", "libglib-2.0.so.0", "libcurl.so.4"], .debian13)
        for name in big.closure { #expect(index.packages[name] != nil, "\(name)") }
        #expect(!big.closure.contains("libssl3"), "the pre-t64 name must not leak into trixie")
    }

    @Test func bullseyeHasNoOpenSSL3() throws {
        let plan = try plan(["libssl.so.3", "libssl.so.1.1"], .debian11)
        #expect(plan.packages == ["libssl1.1"])
        #expect(plan.unresolved.map(\.soname) == ["libssl.so.3"])
    }

    @Test func versionNodesTheReleaseCannotProvideAreUnresolved() throws {
        let tooNew = try plan(["libssl.so.3"], .debian12, versions: ["libssl.so.3": ["OPENSSL_3.0.0", "OPENSSL_3.2.0"]])
        #expect(tooNew.packages.isEmpty)
        let reason = try #require(tooNew.unresolved.first?.reason)
        #expect(reason.contains("OPENSSL_3.2.0") && reason.contains("libssl3"))
        #expect(try plan(["libssl.so.3"], .debian13, versions: ["libssl.so.3": ["OPENSSL_3.2.0"]]).packages == ["libssl3t64"])
        // libstdc++.so.6.0.30 on bookworm defines up to GLIBCXX_3.4.30; trixie's 6.0.33 up to 3.4.33.
        let glibcxx = ["libstdc++.so.6": ["GLIBCXX_3.4.32", "CXXABI_1.3.9"]]
        #expect(try plan(["libstdc++.so.6"], .debian12, versions: glibcxx).unresolved.count == 1)
        #expect(try plan(["libstdc++.so.6"], .debian13, versions: glibcxx).packages == ["libstdc++6"])
        // On an image that has libc6, the reason is still the version, not "installed".
        let glibc = try plan(["libc.so.6"], .debian12, installed: ["libc6"], versions: ["libc.so.6": ["GLIBC_2.39"]])
        let glibcReason = try #require(glibc.unresolved.first?.reason)
        #expect(glibcReason.hasPrefix("libc.so.6 needs GLIBC_2.39; libc6 2.36") && glibcReason.hasSuffix("up to GLIBC_2.36"), "\(glibcReason)")
        // A node that says nothing about the package version is assumed and reported.
        let elf = try plan(["libelf.so.1"], .debian12, versions: ["libelf.so.1": ["ELFUTILS_1.0"]])
        #expect(elf.packages == ["libelf1"])
        #expect(elf.uncheckedVersions == ["libelf.so.1 ELFUTILS_1.0"])
    }

    @Test(.enabled(if: DebianRoots.available("bookworm")))
    func closureCountsWhatTheImageLacksNotJustThePackage() throws {
        let installed = try minbase("bookworm")
        let plan = try plan(["libarchive.so.13", "libelf.so.1", "libsqlite3.so.0"], .debian12, installed: installed)
        #expect(plan.packages == ["libarchive13", "libelf1", "libsqlite3-0"])
        #expect(plan.closure.contains("libxml2") && plan.closure.contains("libicu72"))
        let index = try #require(try EmbeddedIndexes.index(release: .debian12, architecture: "amd64"))
        let alone = try #require(index.packages["libarchive13"]).installedBytes
        #expect(plan.bytes > 10 * alone, "libarchive13 alone is \(alone) bytes; with libxml2 and libicu72 it is much more")
        #expect(plan.bytes == plan.closure.compactMap { index.packages[$0]?.installedBytes }.reduce(0, +))
        #expect(plan.closure.allSatisfy { !installed.contains($0) })
        #expect(plan.command == "apt-get update && apt-get install -y --no-install-recommends libarchive13 libelf1 libsqlite3-0 && rm -rf /var/lib/apt/lists/*")
        // On python:slim libsqlite3-0 is already there (repo-info's list).
        let python = try #require(InstalledPackages.forImage("python:3.12-slim-bookworm"))
        let onPython = try self.plan(["libarchive.so.13", "libelf.so.1", "libsqlite3.so.0"], .debian12, installed: python)
        #expect(!onPython.closure.contains("libsqlite3-0"))
        #expect(onPython.bytes < plan.bytes)
    }

    @Test func packagesPulledInByAnotherAreNotNamed() throws {
        // libSM needs libICE, libX11 needs libxcb: one install line with three names.
        let plan = try plan(["libGL.so.1", "libX11.so.6", "libxcb.so.1", "libSM.so.6", "libICE.so.6",
                             "libgthread-2.0.so.0", "libglib-2.0.so.0"], .debian12)
        #expect(plan.packages == ["libgl1", "libglib2.0-0", "libsm6"])
        #expect(["libice6", "libx11-6", "libxcb1"].allSatisfy(plan.closure.contains))
        #expect(plan.providers["libICE.so.6"] == "libice6")
    }

    @Test func arm64AndUnknownArchitectures() throws {
        #expect(try plan(["libssl.so.3"], .debian12, arch: "arm64").packages == ["libssl3"])
        #expect(try plan(["libssl.so.3"], .debian12, arch: "aarch64").packages == ["libssl3"])
        #expect(try PackageKnowledge.plan(missing: [MissingLibrary(soname: "libssl.so.3")], release: .debian12,
                                          architecture: "riscv64", installed: []) == nil)
        #expect(try PackageKnowledge.plan(missing: [MissingLibrary(soname: "libssl.so.3")], release: .alpine,
                                          architecture: "amd64", installed: []) == nil)
    }

    @Test func ubuntuIndexesAreEmbeddedForAmd64() throws {
        #expect(try plan(["libssl.so.3"], .ubuntu2404).packages == ["libssl3t64"])
        #expect(try plan(["libssl.so.3"], .ubuntu2204).packages == ["libssl3"])
        // universe is included: Ubuntu's own shared Node.
        #expect(try plan(["libnode.so.109"], .ubuntu2404).packages == ["libnode109"])
        #expect(try plan(["libnode.so.109"], .ubuntu2204).unresolved.map(\.soname) == ["libnode.so.109"])
        // Ubuntu's arm64 archive (ports.ubuntu.com) was not reachable: no index, no guess.
        #expect(try PackageKnowledge.plan(missing: [MissingLibrary(soname: "libssl.so.3")], release: .ubuntu2404,
                                          architecture: "arm64", installed: []) == nil)
        #expect(try PackageKnowledge.plan(missing: [MissingLibrary(soname: "libssl.so.3")], release: .ubuntu2004,
                                          architecture: "amd64", installed: []) == nil)
    }

    @Test func commandsPerManager() {
        #expect(PackageManager.apk.installCommand(["libstdc++", "zlib"]) == "apk add --no-cache libstdc++ zlib")
        #expect(PackageManager.microdnf.installCommand(["openssl-libs"]) == "microdnf install -y openssl-libs && microdnf clean all")
        #expect(PackageManager.apt.installCommand([]) == nil)
        #expect(Release.ubi9.packageManager == .microdnf)
        #expect(Release.alpine.packageManager == .apk)
        #expect(Release(name: "bookworm") == .debian12)
        #expect(Release(osReleaseID: "debian", versionID: "13") == .debian13)
        #expect(Release(osReleaseID: "debian", versionID: nil, codename: "trixie") == .debian13)
        #expect(Release(osReleaseID: "ubuntu", versionID: "24.04") == .ubuntu2404)
    }
}
