import Domain
import Foundation
import Testing
import TestSupport
@testable import Advisor
@testable import ELFInspection
@testable import ImageCatalog
@testable import ProjectScan

/// Each problem kind on real fixtures against the embedded catalog's real rows.
@Suite struct EvaluatorTests {
    static let images: [String: Image] = {
        let list = (try? CatalogBuilder.images(from: DefaultCatalog.data())) ?? []
        return Dictionary(uniqueKeysWithValues: list.map { ($0.reference, $0) })
    }()
    static let hints: [String: [PackageHint]] = {
        guard let data = try? DefaultCatalog.data() else { return [:] }
        return Dictionary(grouping: (try? CatalogBuilder.hints(from: data)) ?? [], by: \.soname)
    }()
    static let evaluator = Evaluator(hints: { hints[$0] ?? [] }, catalog: Array(images.values), today: Day("2026-11-30")!)

    func verdict(_ paths: [String], _ reference: String, runtime: RuntimeChoice = .none, arch: String? = nil) throws -> Verdict {
        let report = try Scanner().scan(paths)
        let profile = try ProjectProfile(requirements: report.requirements, architecture: arch)
        let image = try #require(Self.images[reference], "\(reference) not in the catalog")
        return Self.evaluator.evaluate(profile, on: image, runtime: runtime)
    }

    func project(_ name: String) -> String { TestPaths.fixtures.appendingPathComponent("projects/\(name)").path }

    @Test func glibcAddonOnAlpineNamesTheLoader() throws {
        let result = try verdict([TestPaths.elf("hello-glibc")], "alpine:3.22")
        let problem = try #require(result.problems.first { $0.kind == .libcMismatch })
        #expect(problem.message.contains("ld-linux-x86-64.so.2"))
        #expect(problem.fix?.advice?.contains("gcompat") == true)
        #expect(!result.compatible)
    }

    @Test func dynamicBinaryOnScratchHasNoLoader() throws {
        let dynamic = try verdict([TestPaths.elf("hello-glibc")], "scratch")
        #expect(dynamic.problems.map(\.kind) == [.noLibc])
        #expect(try verdict([TestPaths.elf("hello-static")], "scratch").compatible)
        #expect(try verdict([TestPaths.elf("go-nocgo")], "gcr.io/distroless/static-debian12").compatible)
        #expect(!(try verdict([TestPaths.elf("hello-glibc")], "busybox:1.37-musl").compatible))
    }

    @Test func glibcTooOldNamesVersionAndSymbol() throws {
        let old = try verdict([TestPaths.elf("hello-glibc")], "debian:bullseye-slim")
        let problem = try #require(old.problems.first { $0.kind == .glibcTooOld })
        #expect(problem.version == "GLIBC_2.34")
        #expect(problem.symbols.contains("__libc_start_main"))
        #expect(problem.message.contains("glibc 2.31"))
        #expect(try verdict([TestPaths.elf("hello-glibc")], "debian:bookworm-slim").compatible)
        let newest = try verdict([TestPaths.elf("needs-glibc-2.39.so")], "debian:bookworm-slim")
        #expect(newest.problems.first?.message.contains("pidfd_spawn") == true)
        #expect(try verdict([TestPaths.elf("needs-glibc-2.39.so")], "debian:trixie-slim").compatible)
    }

    /// `packed-relocs.so` (ld -z pack-relative-relocs) needs GLIBC_2.2.5 and the feature marker
    /// GLIBC_ABI_DT_RELR: glibc's loader refuses it where libc.so.6 does not define the marker
    /// (LoaderOracleTests shows bullseye's loader doing so), whatever the numbered versions say.
    @Test func packedRelocationsNeedTheMarker() throws {
        let fixture = TestPaths.elf("packed-relocs.so")
        // Measured version definitions (Debian 11's libc.so.6 lacks the marker).
        let bullseye = try verdict([fixture], "debian:bullseye-slim")
        let problem = try #require(bullseye.problems.first { $0.kind == .glibcTooOld })
        #expect(problem.version == "GLIBC_ABI_DT_RELR")
        #expect(problem.message.contains("does not define it"))
        #expect(try verdict([fixture], "debian:bookworm-slim").compatible)
        // An image whose libc.so.6 was not measured: the first release that defines it (2.36).
        let ubi = try verdict([fixture], "registry.access.redhat.com/ubi9/ubi-minimal")
        #expect(ubi.problems.first { $0.kind == .glibcTooOld }?.fix?.advice?.contains("glibc ≥ 2.36") == true)
        #expect(try verdict([fixture], "cgr.dev/chainguard/glibc-dynamic").compatible)
        // Without libc.so.6 the linker writes no marker; DT_RELR asks for glibc 2.36 all the same.
        let nolibc = TestPaths.elf("packed-relocs-nolibc.so")
        #expect(try verdict([nolibc], "debian:bullseye-slim").problems.map(\.version) == ["GLIBC_ABI_DT_RELR"])
        #expect(try verdict([nolibc], "debian:bookworm-slim").compatible)
        #expect(try verdict([nolibc], "alpine:3.22").compatible)
        // The scan's minimum says so too.
        let report = try Scanner().scan([fixture])
        #expect(report.requirements.minimum["GLIBC"]?.version == VersionNumber([2, 36]))
        #expect(report.requirements.minimum["GLIBC"]?.versionName == "GLIBC_ABI_DT_RELR")
    }

    /// musl has no symbol versions: `needs-musl-statx.so` calls statx (musl 1.2.5) and qsort_r
    /// (1.2.3), `needs-musl-qsort-r.so` only qsort_r. Alpine 3.18/3.19 ship 1.2.4, 3.20 1.2.5
    /// (MuslRootTests holds the same to musl 1.2.3's own loader).
    @Test func muslFunctionsNewerThanTheImagesMusl() throws {
        let statx = TestPaths.elf("needs-musl-statx.so"), qsort = TestPaths.elf("needs-musl-qsort-r.so")
        for reference in ["alpine:3.19", "node:16-alpine3.18"] {
            let result = try verdict([statx, qsort], reference)
            #expect(result.problems.map(\.kind) == [.muslTooOld], "\(reference): \(result.problems.map(\.message))")
            let problem = try #require(result.problems.first)
            #expect(problem.artifact == statx && problem.symbols == ["statx"] && problem.version == "1.2.5")
            #expect(problem.message.contains("has musl 1.2.4"))
            #expect(problem.fix?.advice?.contains("alpine:3.20 has 1.2.5") == true, "\(problem.fix?.advice ?? "")")
        }
        #expect(try verdict([statx, qsort], "alpine:3.20").compatible)
        #expect(try verdict([qsort], "alpine:3.18").compatible)
        // A musl whose release is not known, or older than the table, confirms nothing.
        var unknown = try #require(Self.images["alpine:3.19"])
        unknown.libcVersion = nil
        let report = try Scanner().scan([qsort])
        let profile = try ProjectProfile(requirements: report.requirements, architecture: nil)
        #expect(Self.evaluator.evaluate(profile, on: unknown, runtime: .none).problems.first?.message.contains("musl version is not known") == true)
        unknown.libcVersion = VersionNumber("1.2.1")
        #expect(Self.evaluator.evaluate(profile, on: unknown, runtime: .none).problems.map(\.kind) == [.muslTooOld])
        // Requirements written by basefit keep them; older ones without the key read as none.
        let encoded = try JSONEncoder().encode(report.requirements.files[0])
        #expect(try JSONDecoder().decode(FileNeeds.self, from: encoded).muslSymbols == ["qsort_r"])
        #expect(!String(decoding: try JSONEncoder().encode(try Scanner().scan([TestPaths.elf("hello-musl")]).requirements.files[0]), as: UTF8.self)
            .contains("muslSymbols"))
    }

    /// `execstack.so` asks for an executable stack: glibc 2.41 (Debian 13, and every image built
    /// on it) refuses to dlopen it; 2.36 and musl do not refuse (RuntimeOracleTests dlopens it).
    @Test func executableStackOnGlibc241() throws {
        let fixture = TestPaths.elf("execstack.so")
        for reference in ["debian:trixie-slim", "python:3.13-slim-trixie", "gcr.io/distroless/cc-debian13"] {
            let result = try verdict([fixture], reference)
            #expect(result.problems.map(\.kind) == [.executableStack], "\(reference): \(result.problems.map(\.message))")
            #expect(result.problems.first?.message.contains("glibc 2.41") == true)
        }
        #expect(try verdict([fixture], "debian:bookworm-slim").compatible)
        #expect(try verdict([fixture], "gcr.io/distroless/cc-debian12").compatible)
        // A program is given an executable stack at its start: only libraries count (a library
        // with a PT_INTERP, as libc.so.6 has, still counts; a PIE program says DF_1_PIE).
        let report = try Scanner().scan([fixture, TestPaths.elf("hello-glibc")])
        #expect(report.artifacts.filter(\.facts.executableStack).map(\.path) == [fixture])
        #expect(report.requirements.files.filter(\.executableStack).map(\.path) == [fixture])
    }

    /// A program whose PT_INTERP is /opt/glibc-2.40/lib/ld-linux-x86-64.so.2: no image has its
    /// loader there (LoaderOracleTests starts it in real roots), whatever its glibc.
    @Test func loaderOutsideThePsABIPath() throws {
        let result = try verdict([TestPaths.elf("hello-opt-loader")], "debian:trixie-slim")
        let problem = try #require(result.problems.first)
        #expect(result.problems.map(\.kind) == [.interpreterMissing])
        #expect(problem.library == "/opt/glibc-2.40/lib/ld-linux-x86-64.so.2")
        #expect(problem.fix?.advice?.contains("patchelf --set-interpreter /lib64/ld-linux-x86-64.so.2") == true)
        // On musl the libc mismatch is the problem to tell, not the path.
        #expect(try verdict([TestPaths.elf("hello-opt-loader")], "alpine:3.22").problems.map(\.kind) == [.libcMismatch])
        #expect(try verdict([TestPaths.elf("hello-glibc")], "debian:trixie-slim").compatible)
    }

    /// `needs-glibc-private.so` calls __libc_pthread_init@GLIBC_PRIVATE, as glibc 2.33's own
    /// libpthread does: no image can be confirmed to be the build it came from (CPython's ctypes
    /// refuses it on bookworm and trixie, RuntimeOracleTests). The image's own files, judged
    /// against the image itself, are its glibc's and are not held to it.
    @Test func glibcPrivateIsNeverConfirmed() throws {
        let fixture = TestPaths.elf("needs-glibc-private.so")
        for reference in ["debian:bullseye-slim", "debian:bookworm-slim", "debian:trixie-slim"] {
            let result = try verdict([fixture], reference)
            #expect(result.problems.map(\.kind) == [.glibcPrivate], "\(reference)")
            #expect(result.problems.first?.symbols == ["__libc_pthread_init"])
        }
        // Named as a root's own system file it is the root's glibc's; in an app directory it is not.
        var ownFiles = Self.evaluator
        let fixtures = TestPaths.fixtures.path
        ownFiles.imageFilesRoot = fixtures
        let profile = try ProjectProfile(requirements: try Scanner().scan([fixture]).requirements, architecture: nil)
        let trixie = try #require(Self.images["debian:trixie-slim"])
        #expect(!ownFiles.evaluate(profile, on: trixie, runtime: .none).compatible, "Fixtures/elf is no system directory")
        ownFiles.imageFilesRoot = "/r"
        #expect(ownFiles.isImageSystemFile("/r/usr/lib/x86_64-linux-gnu/gconv/UTF-16.so"))
        #expect(!ownFiles.isImageSystemFile("/r/app/lib/libpthread.so.0"))
        #expect(!ownFiles.isImageSystemFile("/rootfs/usr/lib/libc.so.6"))
        ownFiles.imageFilesRoot = ""
        #expect(ownFiles.isImageSystemFile("/usr/lib/x86_64-linux-gnu/libpthread.so.0"))
        #expect(!ownFiles.isImageSystemFile("/app/lib/libpthread.so.0"))
    }

    /// An x32 library (ELFCLASS32, EM_X86_64) is not amd64: every amd64 image refuses it
    /// (LoaderOracleTests: "wrong ELF class").
    @Test func x32IsNotAmd64() throws {
        let report = try Scanner().scan([TestPaths.elf("x32.so")])
        #expect(report.artifacts.first?.facts.architecture == .other("x32"))
        #expect(report.artifacts.first?.facts.machine == "x32")
        let result = try verdict([TestPaths.elf("x32.so"), TestPaths.elf("hello-glibc")], "debian:trixie-slim", arch: "amd64")
        #expect(result.problems.map(\.kind) == [.architecture])
    }

    /// A library whose EI_OSABI says FreeBSD is not a Linux file (glibc: "ELF file OS ABI invalid").
    @Test func anotherOperatingSystemIsAnotherPlatform() throws {
        let report = try Scanner().scan([TestPaths.elf("freebsd-osabi.so")])
        #expect(report.artifacts.first?.facts.architecture == .other("freebsd-x86_64"))
        let result = try verdict([TestPaths.elf("freebsd-osabi.so"), TestPaths.elf("hello-glibc")], "debian:trixie-slim", arch: "amd64")
        #expect(result.problems.map(\.kind) == [.architecture])
        #expect(result.problems.first?.message.contains("freebsd-x86_64") == true)
    }

    /// A marker with no certain first release (`GLIBC_ABI_GNU2_TLS`, which Debian backported
    /// to glibc 2.41): judged by measured version definitions, and a problem where there are
    /// none. The real fixture's facts with its marker renamed (binutils 2.40 cannot emit it).
    @Test func unknownMarkerFailsClosedWhereNotMeasured() throws {
        var needs = FileNeeds(try #require(try Scanner().scan([TestPaths.elf("packed-relocs.so")]).artifacts.first))
        needs.versionNeeds = needs.versionNeeds.map { library in
            var library = library
            library.versions = library.versions.map { need in
                var need = need
                if need.version.name == "GLIBC_ABI_DT_RELR" { need.version = SymbolVersion("GLIBC_ABI_GNU2_TLS") }
                return need
            }
            return library
        }
        let requirements = Requirements(files: [needs], node: nil, python: nil, hints: [])
        #expect(requirements.minimum["GLIBC"]?.version == VersionNumber([2, 2, 5]))
        func judge(_ reference: String) throws -> Verdict {
            let profile = try ProjectProfile(requirements: requirements, architecture: nil)
            return Self.evaluator.evaluate(profile, on: try #require(Self.images[reference]), runtime: .none)
        }
        #expect(try judge("debian:trixie-slim").compatible)
        let bookworm = try judge("debian:bookworm-slim")
        #expect(bookworm.problems.first { $0.version == "GLIBC_ABI_GNU2_TLS" }?.message.contains("does not define it") == true)
        let ubi = try judge("registry.access.redhat.com/ubi9/ubi-minimal")
        #expect(ubi.problems.first { $0.version == "GLIBC_ABI_GNU2_TLS" }?.message.contains("not known") == true)
        #expect(!ubi.compatible)
    }

    @Test func libstdcxxTooOldSaysWhatTheImageHas() throws {
        let result = try verdict([TestPaths.elf("needs-glibcxx-3.4.32.so")], "debian:bookworm-slim")
        let problem = try #require(result.problems.first { $0.kind == .versionTooOld })
        #expect(problem.library == "libstdc++.so.6")
        #expect(problem.version == "GLIBCXX_3.4.32")
        #expect(problem.symbols == ["_ZSt21ios_base_library_initv"])
        #expect(problem.message.contains("up to GLIBCXX_3.4.30"))
        #expect(try verdict([TestPaths.elf("needs-glibcxx-3.4.32.so")], "debian:trixie-slim").compatible)
        // bullseye's libstdc++ (3.4.28) is older than what g++ 12's libcxxdemo needs? No: it needs 3.4.21.
        #expect(try verdict([TestPaths.elf("libcxxdemo.so")], "debian:bullseye-slim").compatible)
    }

    @Test func missingLibraryWithAnInstallThatFixesIt() throws {
        let result = try verdict([TestPaths.elf("libcxxdemo.so")], "cgr.dev/chainguard/wolfi-base")
        let missing = result.problems.filter { $0.kind == .missingLibrary }
        let libstdcxx = try #require(missing.first { $0.library == "libstdc++.so.6" })
        #expect(libstdcxx.isFixable)
        #expect(libstdcxx.fix?.install?.manager == .apk)
        #expect(libstdcxx.fix?.install?.command.hasPrefix("apk add") == true)
        #expect(result.fixable)
    }

    @Test func missingLibraryWithoutAPackageManagerNamesASibling() throws {
        let result = try verdict([TestPaths.elf("libcxxdemo.so")], "gcr.io/distroless/base-debian12")
        let problem = try #require(result.problems.first { $0.library == "libstdc++.so.6" })
        #expect(!problem.isFixable)
        #expect(problem.fix?.advice?.contains("gcr.io/distroless/cc-debian12") == true)
        #expect(try verdict([TestPaths.elf("libcxxdemo.so")], "gcr.io/distroless/cc-debian12").compatible)
    }

    @Test func architectureNotOffered() throws {
        var image = try #require(Self.images["debian:bookworm-slim"])
        image.architectures = [.amd64]
        let report = try Scanner().scan([project("wheels")])
        let profile = try ProjectProfile(requirements: report.requirements, architecture: "arm64")
        #expect(profile.architecture == .arm64)
        let result = Self.evaluator.evaluate(profile, on: image, runtime: RuntimeChoice.none)
        #expect(result.problems.first?.kind == .architecture)
    }

    @Test func nodeRuntimeChecks() throws {
        let pinned = try verdict([TestPaths.elf("abi-addon.node")], "node:22-bookworm-slim", runtime: .node)
        let problem = try #require(pinned.problems.first { $0.kind == .runtimeMismatch })
        #expect(problem.message.contains("Node 20"))
        #expect(try verdict([TestPaths.elf("abi-addon.node")], "node:20-bookworm-slim", runtime: .node).compatible)
        let distro = try verdict([project("node-glibc-addon")], "node:20-bookworm-slim", runtime: .node)
        #expect(distro.problems.contains { $0.kind == .libnodeAddon && $0.library == "libnode.so.115" })
        let bare = try verdict([TestPaths.elf("napi-addon.node")], "debian:bookworm-slim", runtime: .node)
        #expect(bare.problems.map(\.kind) == [.runtimeMissing])
    }

    @Test func pythonRuntimeAndLibcConflict() throws {
        let wrong = try verdict([project("python-venv")], "python:3.12-slim-bookworm", runtime: .python)
        #expect(wrong.problems.contains { $0.kind == .runtimeMismatch && $0.message.contains("CPython 3.11") })
        #expect(try verdict([project("python-venv")], "python:3.11-slim-bookworm", runtime: .python).compatible)
        let mixed = try verdict([project("python-venv-mixed")], "python:3.11-slim-bookworm", runtime: .python)
        #expect(mixed.problems.contains { $0.kind == .libcConflict })
    }

    @Test func bothLibcVariantsLoadOnEither() throws {
        let alpine = try verdict([project("node-prebuilds") + "/node_modules/dualbuild"], "node:22-alpine3.22", runtime: .node)
        #expect(alpine.compatible)
        let debian = try verdict([project("node-prebuilds") + "/node_modules/dualbuild"], "node:22-bookworm-slim", runtime: .node)
        #expect(debian.compatible)
    }

    @Test func unnumberedVersionsAreCheckedAgainstMeasuredDefinitions() throws {
        // A real fixture's facts, with one need rewritten to an unnumbered version bookworm's libz lacks.
        var facts = try ELFInspector.inspect(path: TestPaths.elf("libcxxdemo.so"))
        facts.needed.append("libz.so.1")
        facts.versionNeeds.append(LibraryVersionNeeds(library: "libz.so.1", versions: [
            VersionNeed(version: SymbolVersion("ZLIB_NG_PRIVATE"), weak: false, symbols: ["zng_inflate"]),
        ]))
        let artifact = Artifact(path: "app.so", facts: facts)
        let report = ScanReport(artifacts: [artifact], warnings: [], filesExamined: 1, aliases: [:], findings: [], wheels: [],
                                requirements: Requirements(artifacts: [artifact]))
        let profile = try ProjectProfile(requirements: report.requirements, architecture: nil)
        let image = try #require(Self.images["debian:bookworm-slim"])
        let result = Self.evaluator.evaluate(profile, on: image, runtime: RuntimeChoice.none)
        let problem = try #require(result.problems.first { $0.library == "libz.so.1" })
        #expect(problem.kind == .versionTooOld)
        #expect(problem.message.contains("does not define it"))
        #expect(problem.symbols == ["zng_inflate"])
    }
}
