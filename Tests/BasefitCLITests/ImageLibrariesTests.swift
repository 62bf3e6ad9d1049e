import Foundation
import Testing
import TestSupport

/// `check PATH --image REF`: the image's own libraries that the project loads are held to the
/// image too. A library added in a layer of its own (as `COPY --from=build` adds one) without
/// the library it needs fails the gate, from the first measurement and from the cache alike.
/// (`LoaderOracleTests.theRootsOwnLibrariesAreHeldToTheRootToo` starts the same program in a
/// root laid out the same way: the loader refuses it.)
@Suite(.serialized) struct ImageLibrariesTests {
    let registry: LocalRegistry?

    init() {
        registry = LocalRegistry.shared()
    }

    /// The bookworm image with `libraries` of Fixtures/elf/chain/`from` added in one layer (in its
    /// system directory, or `directory`), pushed as `team/<repository>:1`; its docker:// reference.
    func image(_ registry: LocalRegistry, adding libraries: [String], from: String = "lib", as repository: String, home: String,
               directory: String = "usr/lib/x86_64-linux-gnu", environment: [String] = []) throws -> String {
        let layer = home + "/layer-\(repository)"
        for library in libraries {
            let (name, place) = library.contains("/") ? (String(library.split(separator: "/").last!), String(library.split(separator: "/").dropLast().joined(separator: "/")))
                : (library, directory)
            try FileManager.default.createDirectory(atPath: layer + "/" + place, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: TestPaths.elf("chain/\(from)/" + name), toPath: layer + "/" + place + "/" + name)
        }
        let tar = home + "/\(repository).tar"
        #expect(try Run.program("/bin/tar", ["-C", layer, "-cf", tar, "usr"]).status == 0)
        return try registry.pushWithLayer(base: "bookworm", layer: tar, tag: repository, repository: "team/" + repository, environment: environment)
    }

    @Test func aLayeredLibraryWithoutWhatItNeedsFailsTheGate() throws {
        guard let registry else { return }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-imagelibs-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let app = TestPaths.elf("chain/bin/app")
        let lacking = try image(registry, adding: ["libchaina.so.1"], as: "chain-lacking", home: home)
        for run in ["measured", "from the cache"] {
            let check = try LocalRegistry.basefit(["check", app, "--image", lacking, "--tls-verify=false", "--runtime", "none", "--format", "json"], home: home)
            #expect(check.status == 1, "\(run): \(check.stdout)\(check.stderr)")
            let problems = (try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])?["problems"] as? [[String: Any]] ?? []
            #expect(problems.count == 1, "\(run): \(problems)")
            #expect(problems.first?["kind"] as? String == "missing-library")
            #expect(problems.first?["library"] as? String == "libchainb.so.1")
            #expect((problems.first?["artifact"] as? String)?.hasSuffix("/x86_64-linux-gnu/libchaina.so.1") == true, "\(run): \(problems)")
            #expect((problems.first?["message"] as? String)?.contains("loaded for \(app)") == true, "\(run): \(problems)")
        }
        let whole = try image(registry, adding: ["libchaina.so.1", "libchainb.so.1"], as: "chain-whole", home: home)
        let check = try LocalRegistry.basefit(["check", app, "--image", whole, "--tls-verify=false", "--runtime", "none"], home: home)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    /// A project whose program has DT_RPATH `$ORIGIN/../lib` and ships libchainb.so.1 there: the
    /// image's plain libchaina.so.1 inherits that RPATH and finds it; one with a RUNPATH of its own
    /// does not (`LoaderOracleTests.aLibraryTheProjectShipsIsFoundOnlyWhereTheLoaderLooks`), when
    /// first measured and from the cache alike (which keeps whether a library has a RUNPATH).
    @Test func anImageLibraryWithARunpathDoesNotInheritTheProjectsRpath() throws {
        guard let registry else { return }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-imagerpath-\(UUID().uuidString.prefix(8))").path
        let project = home + "/project"
        try FileManager.default.createDirectory(atPath: project + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: project + "/lib", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.copyItem(atPath: TestPaths.elf("chain/bin/app-rpath"), toPath: project + "/bin/app")
        try FileManager.default.copyItem(atPath: TestPaths.elf("chain/lib/libchainb.so.1"), toPath: project + "/lib/libchainb.so.1")
        let plain = try image(registry, adding: ["libchaina.so.1"], as: "chain-inherits", home: home)
        let own = try image(registry, adding: ["libchaina.so.1"], from: "runpath", as: "chain-own-runpath", home: home)
        for run in ["measured", "from the cache"] {
            let inherits = try LocalRegistry.basefit(["check", project, "--image", plain, "--tls-verify=false", "--runtime", "none"], home: home)
            #expect(inherits.status == 0, "\(run): \(inherits.stdout)\(inherits.stderr)")
            let check = try LocalRegistry.basefit(["check", project, "--image", own, "--tls-verify=false", "--runtime", "none", "--format", "json"], home: home)
            #expect(check.status == 1, "\(run): \(check.stdout)\(check.stderr)")
            let problems = (try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])?["problems"] as? [[String: Any]] ?? []
            #expect(problems.count == 1 && problems.first?["kind"] as? String == "missing-library"
                    && problems.first?["library"] as? String == "libchainb.so.1", "\(run): \(problems)")
            #expect((problems.first?["artifact"] as? String)?.hasSuffix("/x86_64-linux-gnu/libchaina.so.1") == true, "\(run): \(problems)")
        }
    }

    /// A library in /usr/local/lib, never put in ld.so.cache (no `RUN ldconfig`), is found only
    /// where the image's configuration sets LD_LIBRARY_PATH to that directory.
    @Test func aLibraryOutsideTheCacheIsFoundThroughTheImagesLibraryPath() throws {
        guard let registry else { return }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-imagepath-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let app = TestPaths.elf("chain/bin/app")
        let libraries = ["libchaina.so.1", "usr/local/lib/libchainb.so.1"]
        let plain = try image(registry, adding: libraries, as: "chain-local", home: home)
        for run in ["measured", "from the cache"] {
            let missing = try LocalRegistry.basefit(["check", app, "--image", plain, "--tls-verify=false", "--runtime", "none"], home: home)
            #expect(missing.status == 1, "\(run): \(missing.stdout)\(missing.stderr)")
            #expect(missing.stdout.contains("needs libchainb.so.1"), "\(run): \(missing.stdout)")
            #expect(missing.stdout.contains("/usr/local/lib/libchainb.so.1 is there, but not in /etc/ld.so.cache"), "\(run): \(missing.stdout)")
        }
        let configured = try image(registry, adding: libraries, as: "chain-ldpath", home: home, environment: ["LD_LIBRARY_PATH=/usr/local/lib"])
        let found = try LocalRegistry.basefit(["check", app, "--image", configured, "--tls-verify=false", "--runtime", "none"], home: home)
        #expect(found.status == 0, "\(found.stdout)\(found.stderr)")
    }
}
