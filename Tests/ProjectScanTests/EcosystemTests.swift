import Testing
import TestSupport
@testable import ELFInspection
@testable import ProjectScan

/// Attribution, runtime and findings on the fixture projects in Fixtures/projects
/// (real compilers, real wheels from PyPI; see Fixtures/README.md).
@Suite struct EcosystemTests {
    static func project(_ name: String) -> String {
        TestPaths.fixtures.appendingPathComponent("projects/\(name)").path
    }

    func scan(_ name: String) throws -> ScanReport {
        try Scanner().scan([Self.project(name)])
    }

    func artifact(_ report: ScanReport, _ suffix: String) throws -> Artifact {
        try #require(report.artifacts.first { $0.path.hasSuffix(suffix) }, "no artifact ending in \(suffix)")
    }

    @Test func nodeAddonsAreAttributedAndTheirRuntimeRead() throws {
        let report = try scan("node-glibc-addon")
        let fastcrypt = try artifact(report, "fastcrypt/build/Release/fastcrypt.node")
        #expect(fastcrypt.origin?.ecosystem == .npm)
        #expect(fastcrypt.origin?.name == "fastcrypt")
        #expect(fastcrypt.origin?.version == "1.0.0")
        #expect(fastcrypt.nodeAddon?.binding == .napi)
        let helper = try artifact(report, "helper/build/Release/helper.node")
        #expect(helper.origin?.name == "helper")  // the nearest package.json, not fastcrypt's
        let pinned = try artifact(report, "pinned.node")
        #expect(pinned.origin?.name == "@acme/pinned")
        #expect(pinned.nodeAddon?.binding == .abi(moduleVersion: 115))
        #expect(pinned.nodeAddon?.nodeMajor == 20)
        let node = try #require(report.requirements.node)
        #expect(node.pinnedMajors == [20])
        #expect(node.enginesRange == ">=20")
        #expect(node.nvmrc == "22")
        #expect(node.libnodeAddons.values.contains(115))
        #expect(report.findings.contains { $0.kind == .libnodeAddon && $0.path.hasSuffix("distro.node") })
        #expect(Set(report.requirements.sonames.map(\.soname)) == ["libgcc_s.so.1", "libnode.so.115", "libstdc++.so.6"])
        #expect(report.requirements.libc == .glibc)
    }

    @Test func prebuildVariantsMakeTheLibcEither() throws {
        let report = try scan("node-prebuilds")
        let glibc = try artifact(report, "dualbuild/prebuilds/linux-x64/node.napi.glibc.node")
        let musl = try artifact(report, "dualbuild/prebuilds/linux-x64/node.napi.musl.node")
        #expect(glibc.hasOtherLibcVariant && musl.hasOtherLibcVariant)
        #expect(glibc.nodeAddon?.prebuildTags == ["node", "napi", "glibc"])
        #expect(glibc.nodeAddon?.prebuildPlatform == "linux-x64")
        #expect(report.findings.contains { $0.kind == .bothLibcVariants })
        // The untagged glibc prebuild is what still forces glibc, and is called out.
        #expect(report.requirements.libc == .glibc)
        #expect(report.requirements.libcEvidence[.glibc]?.allSatisfy { $0.contains("untagged") } == true)
        #expect(report.findings.contains { $0.kind == .untaggedPrebuild && $0.path.contains("untagged") })
    }

    @Test func napiRsPlatformPackages() throws {
        let report = try scan("node-napi-rs")
        let gnu = try artifact(report, "core.linux-x64-gnu.node")
        let musl = try artifact(report, "core.linux-x64-musl.node")
        #expect(gnu.hasOtherLibcVariant && musl.hasOtherLibcVariant)
        #expect(gnu.origin?.declaredLibc == ["glibc"])
        let solo = try #require(report.findings.first { $0.kind == .muslVariantAvailable })
        #expect(solo.path.hasSuffix("solo.linux-x64-gnu.node"))
        #expect(solo.fix?.contains("@napi-demo/solo-linux-x64-musl") == true)
        let liar = try #require(report.findings.first { $0.kind == .metadataMismatch })
        #expect(liar.path.contains("liar-linux-x64-musl"))
        #expect(liar.message.contains("glibc"))
    }

    @Test func sharpRpathReachesTheLibvipsPackage() throws {
        let report = try scan("node-napi-rs")
        let sharp = try artifact(report, "sharp-linux-x64.node")
        #expect(sharp.bundled["libvips-cpp.so.42"]?.hasSuffix("@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.42") == true)
        #expect(sharp.origin?.declaredGlibcRange == ">=2.28")
        #expect(!report.requirements.sonames.map(\.soname).contains("libvips-cpp.so.42"))
        // libvips' own needs join the requirements.
        #expect(report.requirements.sonames.map(\.soname).contains("libstdc++.so.6"))
    }

    @Test func pnpmLayoutIsAttributedThroughTheStore() throws {
        let report = try scan("node-pnpm")
        #expect(report.artifacts.count == 2)  // the node_modules/fastcrypt link adds no duplicate
        let fastcrypt = try artifact(report, "fastcrypt/build/Release/fastcrypt.node")
        #expect(fastcrypt.path.contains(".pnpm/fastcrypt@1.0.0"))
        #expect(fastcrypt.origin?.name == "fastcrypt")
    }

    @Test func virtualenvExtensionsBelongToTheirDistributions() throws {
        let report = try scan("python-venv")
        let cffi = try artifact(report, "_cffi_backend.cpython-311-x86_64-linux-gnu.so")
        #expect(cffi.origin?.ecosystem == .pypi)
        #expect(cffi.origin?.name == "cffi")
        #expect(cffi.origin?.manifest.hasSuffix(".dist-info/RECORD") == true)
        #expect(cffi.pythonExtension?.pythonVersion == "3.11")
        #expect(cffi.pythonExtension?.libc == .glibc)
        let crc = try artifact(report, "_crc32c.cpython-311-x86_64-linux-gnu.so")
        #expect(crc.bundled.keys.contains { $0.hasPrefix("libcrc32c-") })
        let python = try #require(report.requirements.python)
        #expect(Set(python.versions.keys) == ["3.11"])
        #expect(python.virtualenvVersion == "3.11.7")
        #expect(report.requirements.libc == .glibc)
        #expect(report.findings.isEmpty)
    }

    @Test func aMuslExtensionInAGlibcVenvIsAConflict() throws {
        let report = try scan("python-venv-mixed")
        #expect(report.requirements.libc == .conflict)
        let markupsafe = try artifact(report, "_speedups.cpython-311-x86_64-linux-musl.so")
        #expect(markupsafe.facts.libc == .musl)
        #expect(markupsafe.pythonExtension?.libc == .musl)
    }

    @Test func wheelsAreReadInMemoryWithMemberPaths() throws {
        let report = try scan("wheels")
        #expect(report.wheels.count == 10)
        let aarch64 = try artifact(report, "manylinux_2_17_aarch64.whl!/_cffi_backend.cpython-311-aarch64-linux-gnu.so")
        #expect(aarch64.facts.machine == "aarch64")
        #expect(aarch64.origin?.name == "cffi")
        #expect(aarch64.origin?.version == "2.1.1")
        let crc = try artifact(report, "google_crc32c/_crc32c.cpython-311-x86_64-linux-gnu.so")
        #expect(crc.bundled.values.contains { $0.contains(".whl!/google_crc32c.libs/libcrc32c-") })
        let wheel = try #require(report.wheels.first { $0.path.hasSuffix("markupsafe-3.0.3-cp311-cp311-musllinux_1_2_x86_64.whl") })
        #expect(wheel.name?.platformTags == ["musllinux_1_2_x86_64"])
        #expect(wheel.declaredTags == ["cp311-cp311-musllinux_1_2_x86_64"])
    }

    @Test func wheelTagsAreHeldAgainstTheFiles() throws {
        let report = try scan("wheels")
        let violations = report.findings.filter { $0.kind == .wheelTagViolation }
        let liar = try #require(violations.first { $0.path.contains("liar-1.0") })
        #expect(liar.message.contains("GLIBC_2.28"))
        #expect(liar.message.contains("fcntl64"))
        #expect(liar.message.contains("manylinux_2_17"))
        #expect(violations.contains { $0.path.contains("wrongc-1.0") && $0.message.contains("musllinux") })
        // The honest wheels from PyPI keep their promises.
        #expect(violations.allSatisfy { $0.path.contains("liar-1.0") || $0.path.contains("wrongc-1.0") })
    }

    @Test func platformTagsAndLegacyAliases() {
        #expect(PlatformTag("manylinux1_x86_64") == .manylinux(glibc: VersionNumber("2.5")!, architecture: "x86_64"))
        #expect(PlatformTag("manylinux2010_i686") == .manylinux(glibc: VersionNumber("2.12")!, architecture: "i686"))
        #expect(PlatformTag("manylinux2014_aarch64") == .manylinux(glibc: VersionNumber("2.17")!, architecture: "aarch64"))
        #expect(PlatformTag("manylinux_2_28_x86_64") == .manylinux(glibc: VersionNumber("2.28")!, architecture: "x86_64"))
        #expect(PlatformTag("musllinux_1_2_aarch64") == .musllinux(musl: VersionNumber("1.2")!, architecture: "aarch64"))
        #expect(PlatformTag("linux_x86_64") == .linux(architecture: "x86_64"))
        #expect(PlatformTag("manylinux_2_28_x86_64").machine == "x86_64")
        #expect(PlatformTag("manylinux2010_i686").machine == "i386")
        let name = WheelName(fileName: "numpy-2.1.0-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
        #expect(name?.distribution == "numpy")
        #expect(name?.platformTags.count == 2)
        #expect(WheelName(fileName: "not-a-wheel.whl") == nil)
    }

    @Test func extensionSuffixes() {
        let gnu = PythonExtension(fileName: "_x.cpython-312-x86_64-linux-gnu.so")
        #expect(gnu?.pythonVersion == "3.12")
        #expect(gnu?.abi == "cp312")
        #expect(gnu?.libc == .glibc)
        #expect(gnu?.machine == "x86_64")
        let musl = PythonExtension(fileName: "_x.cpython-313-aarch64-linux-musl.so")
        #expect(musl?.libc == .musl)
        #expect(musl?.machine == "aarch64")
        #expect(PythonExtension(fileName: "_x.abi3.so")?.abi == "abi3")
        #expect(PythonExtension(fileName: "_x.cpython-310-arm-linux-gnueabihf.so")?.machine == "arm")
        #expect(PythonExtension(fileName: "libfoo.so") == nil)
        #expect(PythonExtension(fileName: "libfoo.so.1") == nil)
    }

    @Test func recordLinesWithQuotes() {
        #expect(PythonProjectAnalyzer.firstCSVField("a/b.so,sha256=x,12") == "a/b.so")
        #expect(PythonProjectAnalyzer.firstCSVField("\"a,b/c\"\"d.so\",sha256=x,1") == "a,b/c\"d.so")
    }

    @Test func platformPackageNames() {
        let napi = NodePlatformName(packageName: "@swc/core-linux-x64-musl")
        #expect(napi?.family == "@swc/core")
        #expect(napi?.libc == .musl)
        #expect(napi?.cpu == "x64")
        let sharp = NodePlatformName(packageName: "@img/sharp-linuxmusl-arm64")
        #expect(sharp?.family == "@img/sharp")
        #expect(sharp?.libc == .musl)
        #expect(NodePlatformName(packageName: "@img/sharp-linux-x64")?.sibling(libc: .musl, originalName: "@img/sharp-linux-x64")
                == "@img/sharp-linuxmusl-x64")
        #expect(NodePlatformName(packageName: "lightningcss-linux-arm-gnueabihf")?.libc == .glibc)
        #expect(NodePlatformName(packageName: "left-pad") == nil)
        #expect(NodePlatformName(packageName: "@esbuild/linux-x64") == nil)
    }
}
