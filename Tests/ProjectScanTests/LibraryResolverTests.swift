import Testing
import TestSupport
@testable import ELFInspection
@testable import ProjectScan

/// The glibc search order, case by case (libtree's conformance list is the model):
/// RPATH of the object and its loaders unless RUNPATH is set, then RUNPATH, $ORIGIN,
/// already-loaded sonames, machine checks, links inside the tree.
@Suite struct LibraryResolverTests {
    static func facts(
        needed: [String] = [], soname: String? = nil, rpath: String? = nil, runpath: String? = nil,
        machine: UInt16 = 62
    ) -> BinaryFacts {
        BinaryFacts(
            is64Bit: true, littleEndian: true, machine: machine == 62 ? "x86_64" : "aarch64", machineCode: machine,
            fileType: .sharedObject, pie: false, interpreter: nil, soname: soname, needed: needed,
            rpath: rpath, runpath: runpath, flags1: [], versionNeeds: [], minimum: [:], versionDefinitions: [],
            exports: [], go: nil, x86ISALevel: nil, libc: .glibc, linkage: .dynamic)
    }

    func resolve(
        _ items: [(String, BinaryFacts)], aliases: [String: String] = [:], unusable: [String: LibraryFailure.Reason] = [:]
    ) -> [String: Resolution] {
        let artifacts = items.map { Artifact(path: $0.0, facts: $0.1) }
        let resolutions = LibraryResolver(artifacts: artifacts, aliases: aliases, probe: { unusable[$0].map { .refused($0) } }).resolve()
        return Dictionary(uniqueKeysWithValues: zip(items.map(\.0), resolutions))
    }

    @Test func originRunpathFindsTheSiblingDirectory() {
        let result = resolve([
            ("p/bin/app", Self.facts(needed: ["liba.so", "libc.so.6"], runpath: "$ORIGIN/../lib")),
            ("p/lib/liba.so", Self.facts(soname: "liba.so")),
        ])
        #expect(result["p/bin/app"]?.bundled == ["liba.so": "p/lib/liba.so"])
        #expect(result["p/bin/app"]?.external == [])
    }

    @Test func bracedOriginIsExpandedToo() {
        let result = resolve([
            ("p/app", Self.facts(needed: ["liba.so"], runpath: "${ORIGIN}/libs")),
            ("p/libs/liba.so", Self.facts()),
        ])
        #expect(result["p/app"]?.bundled["liba.so"] == "p/libs/liba.so")
    }

    @Test func rpathIsInheritedByWhatItLoads() {
        // app (RPATH $ORIGIN/lib) → liba.so (no paths) → libb.so, found through app's RPATH.
        let result = resolve([
            ("p/app", Self.facts(needed: ["liba.so"], rpath: "$ORIGIN/lib")),
            ("p/lib/liba.so", Self.facts(needed: ["libb.so"], soname: "liba.so")),
            ("p/lib/libb.so", Self.facts(soname: "libb.so")),
        ])
        #expect(result["p/lib/liba.so"]?.bundled["libb.so"] == "p/lib/libb.so")
        #expect(result["p/lib/liba.so"]?.external == [])
    }

    @Test func runpathIsNotInherited() {
        // Same tree with RUNPATH: liba.so's own search has no path to libb.so.
        let result = resolve([
            ("p/app", Self.facts(needed: ["liba.so"], runpath: "$ORIGIN/lib")),
            ("p/lib/liba.so", Self.facts(needed: ["libb.so"], soname: "liba.so")),
            ("p/lib/libb.so", Self.facts(soname: "libb.so")),
        ])
        #expect(result["p/app"]?.bundled["liba.so"] == "p/lib/liba.so")
        #expect(result["p/lib/liba.so"]?.external == ["libb.so"])
    }

    @Test func runpathOfTheObjectDisablesInheritedRpath() {
        // app has RPATH; liba.so has a RUNPATH that does not reach libb.so: app's RPATH is ignored.
        let result = resolve([
            ("p/app", Self.facts(needed: ["liba.so"], rpath: "$ORIGIN/lib:$ORIGIN/other")),
            ("p/lib/liba.so", Self.facts(needed: ["libb.so"], soname: "liba.so", runpath: "$ORIGIN/nowhere")),
            ("p/other/libb.so", Self.facts(soname: "libb.so")),
        ])
        #expect(result["p/lib/liba.so"]?.external == ["libb.so"])
    }

    @Test func aRunpathObjectPassesItsLoadersRpathOn() {
        // app (RPATH $ORIGIN/lib) → liba.so (RUNPATH $ORIGIN) → libm2.so (no paths) → libc4.so,
        // found through app's RPATH: glibc walks every loader of libm2.so, liba.so's RUNPATH only
        // turns RPATHs off for liba.so's own NEEDED.
        let result = resolve([
            ("p/app", Self.facts(needed: ["liba.so"], rpath: "$ORIGIN/lib")),
            ("p/lib/liba.so", Self.facts(needed: ["libm2.so"], soname: "liba.so", runpath: "$ORIGIN")),
            ("p/lib/libm2.so", Self.facts(needed: ["libc4.so"], soname: "libm2.so")),
            ("p/lib/libc4.so", Self.facts(soname: "libc4.so")),
        ])
        #expect(result["p/lib/libm2.so"]?.bundled["libc4.so"] == "p/lib/libc4.so")
    }

    @Test func aLibrarysLibrariesAreJudgedAsItsProgramLoadsThem() {
        // app (RPATH $ORIGIN/../l1) → l1/libaa.so (RPATH $ORIGIN/../l2) → l2/libbb.so → libcc.so in l1,
        // found through app's RPATH. libaa.so is app's library, not a program of its own: that
        // libaa.so alone would not give libbb.so app's RPATH does not count.
        let result = resolve([
            ("p/bin/app", Self.facts(needed: ["libaa.so"], rpath: "$ORIGIN/../l1")),
            ("p/l1/libaa.so", Self.facts(needed: ["libbb.so"], soname: "libaa.so", rpath: "$ORIGIN/../l2")),
            ("p/l2/libbb.so", Self.facts(needed: ["libcc.so"], soname: "libbb.so")),
            ("p/l1/libcc.so", Self.facts(soname: "libcc.so")),
        ])
        #expect(result["p/l2/libbb.so"]?.bundled["libcc.so"] == "p/l1/libcc.so")
        #expect(result["p/l2/libbb.so"]?.external == [])
    }

    @Test func originIsTheDirectoryOfTheLinkALibraryWasOpenedBy() {
        // lib/liba.so.1 is a link to ../real/lib/liba.so.1, whose RUNPATH is $ORIGIN/../deps: glibc
        // looks in p/deps (the link's directory's), not in p/real/deps.
        let items: [(String, BinaryFacts)] = [
            ("p/bin/app", Self.facts(needed: ["liba.so.1"], runpath: "$ORIGIN/../lib")),
            ("p/real/lib/liba.so.1", Self.facts(needed: ["libb.so.1"], soname: "liba.so.1", runpath: "$ORIGIN/../deps")),
        ]
        let beside = resolve(items + [("p/real/deps/libb.so.1", Self.facts(soname: "libb.so.1"))],
                             aliases: ["p/lib/liba.so.1": "p/real/lib/liba.so.1"])
        #expect(beside["p/bin/app"]?.bundled["liba.so.1"] == "p/real/lib/liba.so.1")
        #expect(beside["p/real/lib/liba.so.1"]?.external == ["libb.so.1"])
        let linked = resolve(items + [("p/deps/libb.so.1", Self.facts(soname: "libb.so.1"))],
                             aliases: ["p/lib/liba.so.1": "p/real/lib/liba.so.1"])
        #expect(linked["p/real/lib/liba.so.1"]?.bundled["libb.so.1"] == "p/deps/libb.so.1")
    }

    @Test func libAndPlatformFindNothingInTheProject() {
        // $LIB is the image's glibc's (lib64 on Fedora, lib/x86_64-linux-gnu on Debian), $PLATFORM the CPU's.
        let result = resolve([
            ("p/bin/app", Self.facts(needed: ["libx.so.1", "liby.so.1"], runpath: "$ORIGIN/../$LIB:$ORIGIN/../${PLATFORM}")),
            ("p/lib64/libx.so.1", Self.facts(soname: "libx.so.1")),
            ("p/lib/libx.so.1", Self.facts(soname: "libx.so.1")),
            ("p/x86_64/liby.so.1", Self.facts(soname: "liby.so.1")),
        ])
        #expect(result["p/bin/app"]?.external == ["libx.so.1", "liby.so.1"])
    }

    @Test func alreadyLoadedSonameSatisfiesLaterNeeds() {
        // app loads liba.so and libb.so through its RUNPATH; libb.so needs liba.so and has no paths.
        let result = resolve([
            ("p/app", Self.facts(needed: ["liba.so", "libb.so"], runpath: "$ORIGIN/lib")),
            ("p/lib/liba.so", Self.facts(soname: "liba.so")),
            ("p/lib/libb.so", Self.facts(needed: ["liba.so"], soname: "libb.so")),
        ])
        #expect(result["p/lib/libb.so"]?.bundled["liba.so"] == "p/lib/liba.so")
    }

    @Test func aLibraryForAnotherMachineIsSkipped() {
        let result = resolve([
            ("p/app", Self.facts(needed: ["liba.so"], runpath: "$ORIGIN/arm:$ORIGIN/x86")),
            ("p/arm/liba.so", Self.facts(machine: 183)),
            ("p/x86/liba.so", Self.facts()),
        ])
        #expect(result["p/app"]?.bundled["liba.so"] == "p/x86/liba.so")
    }

    @Test func sharpStyleRpathReachesASiblingPackageThroughALink() {
        // pnpm-like: the sibling package directory is a symbolic link inside the tree.
        let result = resolve([
            ("nm/@img/sharp-linux-x64/lib/sharp.node",
             Self.facts(needed: ["libvips-cpp.so.42"], rpath: "$ORIGIN/../../sharp-libvips-linux-x64/lib")),
            ("nm/.store/libvips/lib/libvips-cpp.so.42", Self.facts(soname: "libvips-cpp.so.42")),
        ], aliases: ["nm/@img/sharp-libvips-linux-x64": "nm/.store/libvips"])
        #expect(result["nm/@img/sharp-linux-x64/lib/sharp.node"]?.bundled["libvips-cpp.so.42"]
                == "nm/.store/libvips/lib/libvips-cpp.so.42")
    }

    @Test func libcSonamesAreNeverExternal() {
        let result = resolve([("p/app", Self.facts(needed: ["libc.so.6", "libm.so.6", "ld-linux-x86-64.so.2", "libz.so.1"]))])
        #expect(result["p/app"]?.external == ["libz.so.1"])
    }

    @Test func realOriginFixtureResolvesBothWays() throws {
        let report = try Scanner().scan([TestPaths.elf("origin")])
        let app = try #require(report.artifacts.first { $0.path.hasSuffix("bin/app") })
        #expect(app.bundled["libdep.so"]?.hasSuffix("origin/lib/libdep.so") == true)
        let old = try #require(report.artifacts.first { $0.path.hasSuffix("libold-rpath.so") })
        #expect(old.bundled["libdep.so"]?.hasSuffix("origin/lib/libdep.so") == true)
        #expect(report.requirements.sonames.isEmpty)
    }

    @Test func pathArithmetic() {
        #expect(PathText.normalize("a/b/../../c") == "c")
        #expect(PathText.normalize("/a/../../b") == "/b")
        #expect(PathText.normalize("../x/./y") == "../x/y")
        #expect(PathText.normalize("w.whl!/pkg/../pkg.libs/x.so") == "w.whl!/pkg.libs/x.so")
        #expect(PathText.directory(of: "a") == ".")
        #expect(PathText.directory(of: "/a") == "/")
    }

    /// The first file under the name in a searched directory that the loader cannot load stops the
    /// search (glibc's `open_verify` signals the error), even with a good copy further on.
    @Test func anUnusableFileStopsTheSearch() {
        let items = [
            ("p/bin/app", Self.facts(needed: ["liba.so.1"], runpath: "$ORIGIN/../lfs:$ORIGIN/../lib")),
            ("p/lib/liba.so.1", Self.facts(soname: "liba.so.1")),
        ]
        let stopped = resolve(items, unusable: ["p/lfs/liba.so.1": .gitLFSPointer])["p/bin/app"]
        #expect(stopped?.failures == [LibraryFailure(library: "liba.so.1", path: "p/lfs/liba.so.1", reason: .gitLFSPointer)])
        #expect(stopped?.bundled.isEmpty == true && stopped?.external.isEmpty == true)
        // Elsewhere in the tree it is not on the way.
        let aside = resolve(items, unusable: ["p/other/liba.so.1": .directory])["p/bin/app"]
        #expect(aside?.failures.isEmpty == true && aside?.bundled["liba.so.1"] == "p/lib/liba.so.1")
    }

    /// In the order glibc checks: another class or machine (`e_machine` as the host reads it) is
    /// skipped; then the other byte order, another system's ABI, an object file or another type,
    /// a program (fixed or position-independent) stop it.
    @Test func whatTheLoaderSkipsAndWhatStopsIt() {
        func first(_ change: (inout BinaryFacts) -> Void) -> Resolution? {
            var candidate = Self.facts(soname: "liba.so.1")
            change(&candidate)
            return resolve([
                ("p/bin/app", Self.facts(needed: ["liba.so.1"], runpath: "$ORIGIN/../first:$ORIGIN/../lib")),
                ("p/first/liba.so.1", candidate),
                ("p/lib/liba.so.1", Self.facts(soname: "liba.so.1")),
            ])["p/bin/app"]
        }
        #expect(first { $0.is64Bit = false }?.bundled["liba.so.1"] == "p/lib/liba.so.1")
        #expect(first { $0.is64Bit = false; $0.littleEndian = false }?.bundled["liba.so.1"] == "p/lib/liba.so.1")
        #expect(first { $0.machineCode = 183 }?.bundled["liba.so.1"] == "p/lib/liba.so.1")
        #expect(first { $0.littleEndian = false; $0.machineCode = 183 }?.bundled["liba.so.1"] == "p/lib/liba.so.1")
        #expect(first { $0.littleEndian = false }?.bundled["liba.so.1"] == "p/lib/liba.so.1")  // EM_X86_64 big-endian: 0x3e00 to the host
        #expect(first { $0.littleEndian = false; $0.machineCode = 0x3e00 }?.failures.map(\.reason) == [.byteOrder])  // only EI_DATA flipped
        #expect(first { $0.osABI = 9; $0.machineCode = 183 }?.bundled["liba.so.1"] == "p/lib/liba.so.1")
        #expect(first { $0.osABI = 9 }?.failures.map(\.reason) == [.otherOperatingSystem])
        #expect(first { $0.osABI = 97 }?.failures.map(\.reason) == [.otherOperatingSystem])
        #expect(first { $0.fileType = .core }?.failures.map(\.reason) == [.otherFileType])
        #expect(first { $0.osABI = 3 }?.bundled["liba.so.1"] == "p/first/liba.so.1")
        #expect(first { $0.fileType = .relocatable; $0.linkage = .relocatable }?.failures.map(\.reason) == [.objectFile])
        #expect(first { $0.fileType = .executable }?.failures.map(\.reason) == [.executable])
        #expect(first { $0.flags1 = ["NOW", "PIE"] }?.failures.map(\.reason) == [.positionIndependentExecutable])
        let refused = first { $0.fileType = .executable }
        #expect(refused?.bundled.isEmpty == true && refused?.external.isEmpty == true)
    }

    /// A library several programs load is refused if any one of them is refused.
    @Test func aRefusalByAnyProgramIsKept() {
        let result = resolve([
            ("p/bin/one", Self.facts(needed: ["libb.so"], rpath: "$ORIGIN/../lib:$ORIGIN/../bad")),
            ("p/bin/two", Self.facts(needed: ["libb.so"], rpath: "$ORIGIN/../lib:$ORIGIN/../good")),
            ("p/lib/libb.so", Self.facts(needed: ["libq.so"], soname: "libb.so")),
            ("p/good/libq.so", Self.facts(soname: "libq.so")),
        ], unusable: ["p/bad/libq.so": .linkerScript])
        #expect(result["p/lib/libb.so"]?.failures.map(\.path) == ["p/bad/libq.so"])
    }

    /// glibc's `_dl_check_map_versions`: a version the project's copy does not define stops the
    /// program, unless the need is weak; the base definition (the library's own name) counts. A
    /// copy that defines no versions at all is `unversionedCopy` (some glibc releases refuse it).
    @Test func versionsAreHeldToTheProjectsCopy() {
        func resolved(needs: [VersionNeed], defines: [String]) -> Resolution? {
            var app = Self.facts(needed: ["libv.so.1"], runpath: "$ORIGIN")
            app.versionNeeds = [LibraryVersionNeeds(library: "libv.so.1", versions: needs)]
            var library = Self.facts(soname: "libv.so.1")
            library.versionDefinitions = defines
            return resolve([("p/app", app), ("p/libv.so.1", library)])["p/app"]
        }
        let new = VersionNeed(version: SymbolVersion("V_2.0"), weak: false, symbols: ["v_new"])
        let missing = resolved(needs: [new], defines: ["V_1.0"])
        #expect(missing?.failures == [LibraryFailure(library: "libv.so.1", path: "p/libv.so.1", reason: .missingVersion,
                                                    version: "V_2.0", symbols: ["v_new"], defined: ["V_1.0"])])
        #expect(missing?.bundled["libv.so.1"] == "p/libv.so.1")
        #expect(resolved(needs: [new], defines: ["V_1.0", "V_2.0"])?.failures.isEmpty == true)
        #expect(resolved(needs: [new], defines: [])?.failures.map(\.reason) == [.unversionedCopy])
        #expect(resolved(needs: [VersionNeed(version: SymbolVersion("V_2.0"), weak: true, symbols: [])], defines: ["V_1.0"])?.failures.isEmpty == true)
        #expect(resolved(needs: [VersionNeed(version: SymbolVersion("libv.so.1"), weak: false, symbols: [])], defines: ["V_1.0"])?.failures.isEmpty == true)
    }

    @Test func nonELFContentIsToldFromItsFirstBytes() {
        func content(_ text: String) -> NonELFContent {
            Array(text.utf8).withUnsafeBytes { NonELFContent(prefix: UnsafeRawBufferPointer(rebasing: $0.prefix(16))) }
        }
        #expect(content("") == .empty)
        #expect(content("version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n") == .gitLFSPointer)
        #expect(content("/* GNU ld script\n   Use the shared library */\nGROUP ( libc.so.6 )") == .linkerScript)
        #expect(content("INPUT(-lfoo)") == .linkerScript)
        #expect(content("!<arch>\n/               ") == .staticArchive)
        #expect(content("#!/bin/sh\necho") == .other)
        #expect(content("version 1") == .other)
    }

    /// A name the tree gave no earlier object is the image's from then on: an object asking for it
    /// later takes that copy without searching, so a bad file under the name in its own RUNPATH is
    /// never opened.
    @Test func aNameLoadedFromTheImageIsNotSearchedAgain() {
        let result = resolve([
            ("p/bin/app", Self.facts(needed: ["libz.so.1", "liba.so.1"], runpath: "$ORIGIN/../lib")),
            ("p/lib/liba.so.1", Self.facts(needed: ["libz.so.1"], soname: "liba.so.1", runpath: "$ORIGIN/../bad")),
        ], unusable: ["p/bad/libz.so.1": .empty])
        #expect(result["p/lib/liba.so.1"]?.failures.isEmpty == true)
        #expect(result["p/lib/liba.so.1"]?.external == ["libz.so.1"])
    }

    /// The libc's own names are searched like any other, for a refusal only: a copy of the libc in
    /// the tree is not followed (the image's libc is judged as such).
    @Test func libcNamesAreSearchedForRefusalsOnly() {
        let app = Self.facts(needed: ["libm.so.6", "libc.so.6"], runpath: "$ORIGIN/lib")
        let refused = resolve([("p/app", app)], unusable: ["p/lib/libc.so.6": .gitLFSPointer])["p/app"]
        #expect(refused?.failures == [LibraryFailure(library: "libc.so.6", path: "p/lib/libc.so.6", reason: .gitLFSPointer)])
        #expect(refused?.external.isEmpty == true && refused?.bundled.isEmpty == true)
        let copied = resolve([("p/app", app), ("p/lib/libm.so.6", Self.facts(soname: "libm.so.6"))])["p/app"]
        #expect(copied?.failures.isEmpty == true && copied?.bundled.isEmpty == true && copied?.external.isEmpty == true)
    }

    /// `_dl_dst_substitute`: an unbraced `$ORIGIN` counts only before a `/` or the end; a relative
    /// entry is the working directory's, which the image decides, so it finds nothing here.
    @Test func originTokensAndRelativeEntries() {
        #expect(LibraryResolver.substitute("$ORIGIN/../lib", origin: "p/bin") == "p/bin/../lib")
        #expect(LibraryResolver.substitute("${ORIGIN}x", origin: "p/bin") == "p/binx")
        #expect(LibraryResolver.substitute("$ORIGIN_x", origin: "p/bin") == "$ORIGIN_x")
        #expect(LibraryResolver.substitute("/opt/$LIB", origin: "p/bin") == nil)
        #expect(LibraryResolver.substitute("/opt/$LIBX", origin: "p/bin") == "/opt/$LIBX")
        func found(_ runpath: String) -> String? {
            resolve([
                ("p/bin/app", Self.facts(needed: ["liba.so"], runpath: runpath)),
                ("p/bin_x/liba.so", Self.facts(soname: "liba.so")),
                ("p/lib/liba.so", Self.facts(soname: "liba.so")),
            ])["p/bin/app"]?.bundled["liba.so"]
        }
        #expect(found("$ORIGIN_x:$ORIGIN/../lib") == "p/lib/liba.so")
        #expect(found("p/lib") == nil)
        #expect(found("${ORIGIN}/../lib") == "p/lib/liba.so")
    }

    /// An open that fails otherwise than "not there" (a link loop) ends that search list only
    /// (`open_path`): the rest of the RUNPATH is not searched, the next list (and the image) is.
    @Test func anOpenThatFailsEndsItsListOnly() {
        let artifacts = [
            Artifact(path: "p/bin/app", facts: Self.facts(needed: ["liba.so"], runpath: "$ORIGIN/../loop:$ORIGIN/../lib")),
            Artifact(path: "p/lib/liba.so", facts: Self.facts(soname: "liba.so")),
        ]
        let probe: LibraryResolver.Probe = { $0 == "p/loop/liba.so" ? .unopenable : nil }
        let app = LibraryResolver(artifacts: artifacts, aliases: [:], probe: probe).resolve()[0]
        #expect(app.bundled.isEmpty && app.failures.isEmpty && app.external == ["liba.so"])
        // Through DT_RPATH, the library's own list ends and its loader's is searched next.
        let chained = [
            Artifact(path: "p/bin/app", facts: Self.facts(needed: ["libm1.so"], rpath: "$ORIGIN/../lib")),
            Artifact(path: "p/lib/libm1.so", facts: Self.facts(needed: ["liba.so"], soname: "libm1.so", rpath: "$ORIGIN/../loop")),
            Artifact(path: "p/lib/liba.so", facts: Self.facts(soname: "liba.so")),
        ]
        let middle = LibraryResolver(artifacts: chained, aliases: [:], probe: probe).resolve()[1]
        #expect(middle.bundled["liba.so"] == "p/lib/liba.so" && middle.failures.isEmpty)
    }
}
