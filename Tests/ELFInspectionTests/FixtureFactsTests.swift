import Testing
import Foundation
import TestSupport
@testable import ELFInspection

/// Facts of every fixture built by Fixtures/build.sh with real toolchains.
@Suite struct FixtureFactsTests {
    func facts(_ name: String, exports: [String] = []) throws -> BinaryFacts {
        try ELFInspector.inspect(path: TestPaths.elf(name), options: InspectionOptions(exportPrefixes: exports))
    }

    @Test func dynamicGlibcPIE() throws {
        let facts = try facts("hello-glibc")
        #expect(facts.machine == "x86_64")
        #expect(facts.is64Bit && facts.littleEndian)
        #expect(facts.fileType == .sharedObject)
        #expect(facts.pie)
        #expect(facts.flags1.contains("PIE"))
        #expect(facts.interpreter == "/lib64/ld-linux-x86-64.so.2")
        #expect(facts.needed == ["libc.so.6"])
        #expect(facts.libc == .glibc)
        #expect(facts.linkage == .dynamic)
        #expect(facts.minimum["GLIBC"]?.versionName == "GLIBC_2.34")
        #expect(facts.minimum["GLIBC"]?.symbols.contains("__libc_start_main") == true)
    }

    @Test func nonPIEExecutable() throws {
        let facts = try facts("hello-glibc-nopie")
        #expect(facts.fileType == .executable)
        #expect(!facts.pie)
        #expect(facts.libc == .glibc)
    }

    @Test func staticAndStaticPIE() throws {
        let plain = try facts("hello-static")
        #expect(plain.linkage == .static)
        #expect(plain.libc == .none)
        #expect(plain.interpreter == nil)
        #expect(plain.needed.isEmpty)
        let pie = try facts("hello-static-pie")
        #expect(pie.linkage == .staticPIE)
        #expect(pie.libc == .none)
        #expect(pie.fileType == .sharedObject)
        let musl = try facts("hello-musl-static")
        #expect(musl.linkage == .static)
        #expect(musl.libc == .none)
    }

    @Test func dynamicMusl() throws {
        let facts = try facts("hello-musl")
        #expect(facts.interpreter == "/lib/ld-musl-x86_64.so.1")
        #expect(facts.libc == .musl)
        #expect(facts.linkage == .dynamic)
        #expect(facts.versionNeeds.isEmpty)
        #expect(facts.minimum.isEmpty)
    }

    @Test func cxxSharedObject() throws {
        let facts = try facts("libcxxdemo.so")
        #expect(facts.soname == "libcxxdemo.so")
        #expect(facts.needed.contains("libstdc++.so.6"))
        #expect(facts.needed.contains("libgcc_s.so.1"))
        #expect(facts.minimum["GLIBCXX"]?.version == VersionNumber("3.4.21"))
        #expect(facts.minimum["CXXABI"]?.version == VersionNumber("1.3.9"))
        #expect(facts.minimum["GCC"]?.versionName == "GCC_3.0")
        #expect(facts.minimum["GCC"]?.library == "libgcc_s.so.1")
        #expect(facts.minimum["GLIBC"]?.version == VersionNumber("2.14"))
        #expect(facts.libc == .glibc)
        #expect(!facts.pie)
    }

    @Test func stubbedGlibc239NamesTheSymbol() throws {
        let facts = try facts("needs-glibc-2.39.so")
        let glibc = try #require(facts.minimum["GLIBC"])
        #expect(glibc.version == VersionNumber("2.39"))
        #expect(glibc.symbols == ["pidfd_spawn"])
        #expect(glibc.library == "libc.so.6")
    }

    @Test func stubbedGlibcxx3432NamesTheSymbol() throws {
        let facts = try facts("needs-glibcxx-3.4.32.so")
        let glibcxx = try #require(facts.minimum["GLIBCXX"])
        #expect(glibcxx.version == VersionNumber("3.4.32"))
        #expect(glibcxx.symbols == ["_ZSt21ios_base_library_initv"])
        #expect(facts.minimum["CXXABI"]?.versionName == "CXXABI_1.3")
    }

    @Test func goBinaries() throws {
        let pure = try facts("go-nocgo")
        let pureGo = try #require(pure.go)
        #expect(pureGo.version?.hasPrefix("go1.") == true)
        #expect(pureGo.cgo == false)
        #expect(pure.linkage == .static)
        #expect(pure.libc == .none)
        let cgo = try facts("go-cgo")
        #expect(cgo.go?.cgo == true)
        #expect(cgo.libc == .glibc)
        #expect(cgo.linkage == .dynamic)
        #expect(try facts("hello-glibc").go == nil)
    }

    @Test func thirtyTwoBit() throws {
        let facts = try facts("hello-i386")
        #expect(facts.machine == "i386")
        #expect(!facts.is64Bit)
        #expect(facts.interpreter == "/lib/ld-linux.so.2")
        #expect(facts.libc == .glibc)
        #expect(facts.minimum["GLIBC"]?.version == VersionNumber("2.34"))
    }

    @Test func bigEndianPowerPC() throws {
        let facts = try facts("tiny-ppc64be.so")
        #expect(facts.machine == "ppc64")
        #expect(!facts.littleEndian)
        #expect(facts.soname == "libtiny.so.1")
        #expect(facts.runpath == "$ORIGIN/lib")
        #expect(facts.needed == ["libc.so.6"])
        #expect(facts.minimum["GLIBC"]?.versionName == "GLIBC_2.3")
        #expect(facts.minimum["GLIBC"]?.symbols == ["memcpy"])
    }

    @Test func originRunpathAndRpath() throws {
        let app = try facts("origin/bin/app")
        #expect(app.runpath == "$ORIGIN/../lib")
        #expect(app.rpath == nil)
        #expect(app.needed.first == "libdep.so")
        let old = try facts("origin/lib/libold-rpath.so")
        #expect(old.rpath == "$ORIGIN")
        #expect(old.runpath == nil)
        let dep = try facts("origin/lib/libdep.so")
        #expect(dep.libc == .either)
        #expect(dep.soname == "libdep.so")
    }

    @Test func isaLevelFromPropertyNote() throws {
        #expect(try facts("x86-64-v3.so").x86ISALevel == 3)
        #expect(try facts("hello-glibc").x86ISALevel == 1)
    }

    @Test func nodeAddonExports() throws {
        let prefixes = ["napi_register_module_v", "node_register_module_v"]
        #expect(try facts("napi-addon.node", exports: prefixes).exports == ["napi_register_module_v1"])
        #expect(try facts("abi-addon.node", exports: prefixes).exports == ["node_register_module_v115"])
        #expect(try facts("napi-addon.node").exports.isEmpty)
    }

    @Test func truncatedFileIsMalformedNotACrash() {
        #expect {
            _ = try ELFInspector.inspect(path: TestPaths.elf("truncated.elf"))
        } throws: { error in
            guard let error = error as? ELFError else { return false }
            return error.kind == .malformed && error.path.hasSuffix("truncated.elf")
        }
    }

    @Test func textFileIsNotELF() {
        #expect {
            _ = try ELFInspector.inspect(path: TestPaths.elf("not-elf.txt"))
        } throws: { ($0 as? ELFError)?.kind == .notELF }
    }

    @Test func missingFileIsUnreadable() {
        #expect {
            _ = try ELFInspector.inspect(path: TestPaths.elf("does-not-exist"))
        } throws: { ($0 as? ELFError)?.kind == .unreadable }
    }

    @Test(arguments: TestPaths.elfFixtures)
    func bytesInMemoryGiveTheSameFactsAsTheFile(_ name: String) throws {
        let path = TestPaths.elf(name)
        let bytes = try #require(FileManager.default.contents(atPath: path))
        let fromFile = try ELFInspector.inspect(path: path)
        let fromMemory = try ELFInspector.inspect(bytes: [UInt8](bytes), path: path)
        #expect(fromFile == fromMemory)
    }

    @Test(arguments: [0, 3, 15, 16, 40, 63, 64, 100, 1000, 5000])
    func everyPrefixOfARealFileFailsCleanly(_ length: Int) throws {
        let bytes = try #require(FileManager.default.contents(atPath: TestPaths.elf("hello-glibc")))
        let prefix = [UInt8](bytes.prefix(length))
        do {
            _ = try ELFInspector.inspect(bytes: prefix, path: "prefix")
        } catch {
            #expect(error.path == "prefix")
            #expect(!error.detail.isEmpty)
        }
    }
}
