import Foundation
import Testing
import TestSupport

/// The gate after `docker build`: real multi-stage Dockerfiles built with
/// `buildah bud --isolation chroot --storage-driver vfs` FROM images in the loopback registry,
/// pushed there, then judged by `check --image` alone. `buildah run --isolation chroot`
/// executing the app (or musl's loader listing an addon) is the oracle; basefit must agree,
/// and above all never call compatible what does not load.
@Suite(.serialized) struct BuiltImageTests {
    let registry: LocalRegistry?
    let work: String

    init() throws {
        registry = LocalRegistry.shared()
        work = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-bud-\(UUID().uuidString.prefix(8))").path
    }

    enum Case: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// A Debian build stage's glibc node_modules copied into a musl final stage.
        case glibcAddonsOnMusl
        /// A C++ program in a distroless-like final stage that has only libc.
        case cxxOnLibcOnly
        /// The same C++ program on the Debian image it was built for.
        case cxxOnDebian

        var testDescription: String { rawValue }
    }

    var buildah: [String] { ["--root", work + "/storage", "--runroot", work + "/run", "--storage-driver", "vfs"] }

    func buildahRun(_ arguments: [String]) throws -> ProcessResult {
        try Run.program(Run.which("buildah")!, buildah + arguments)
    }

    /// A root holding only glibc's libc, libm and loader from the bookworm root.
    func libcOnlyRoot() throws -> String {
        let root = work + "/libc-root"
        let script = """
            set -e
            B=\(DebianRoots.path("bookworm"))
            mkdir -p \(root)/usr/lib/x86_64-linux-gnu \(root)/usr/lib64 \(root)/etc
            cp -a $B/usr/lib/x86_64-linux-gnu/libc.so.6 $B/usr/lib/x86_64-linux-gnu/libm.so.6 $B/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 \(root)/usr/lib/x86_64-linux-gnu/
            ln -s ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 \(root)/usr/lib64/ld-linux-x86-64.so.2
            ln -s usr/lib \(root)/lib
            ln -s usr/lib64 \(root)/lib64
            """
        let result = try Run.program("/bin/bash", ["-c", script])
        try #require(result.status == 0, "\(result.stderr)")
        return root
    }

    @Test(arguments: Case.allCases)
    func checkAgreesWithTheLoader(_ scenario: Case) throws {
        guard let registry else { return }
        guard getuid() == 0 else { print("BuiltImageTests: skipped (buildah's chroot isolation needs root)"); return }
        guard let gxx = Run.which("g++") else { print("BuiltImageTests: skipped (no g++)"); return }
        try FileManager.default.createDirectory(atPath: work + "/context", withIntermediateDirectories: true)
        defer {
            _ = try? buildahRun(["rm", "--all"])
            _ = try? buildahRun(["rmi", "--all", "--force"])
            try? FileManager.default.removeItem(atPath: work)
        }
        let context = work + "/context"
        let base = registry.open
        var dockerfile = ""
        var oracle: [String] = []
        switch scenario {
        case .glibcAddonsOnMusl:
            let copy = try Run.program("/bin/cp", ["-a", TestPaths.fixtures.appendingPathComponent("projects/node-napi-rs/node_modules").path, context + "/node_modules"])
            try #require(copy.status == 0)
            dockerfile = """
                FROM \(base)/debian:bookworm AS build
                COPY node_modules /build/node_modules
                FROM \(base)/musl:1
                COPY --from=build /build/node_modules /app/node_modules
                """
            // musl's loader takes libc.so.6 for itself, but sharp's glibc libvips needs glibc's
            // C++ runtime, which a musl root does not have.
            oracle = ["/lib/ld-musl-x86_64.so.1", "--list", "/app/node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.42"]
        case .cxxOnLibcOnly, .cxxOnDebian:
            try Data("#include <iostream>\nint main() { std::cout << \"hello from c++\" << std::endl; return 0; }\n".utf8)
                .write(to: URL(fileURLWithPath: context + "/hello.cpp"))
            let compiled = try Run.program(gxx, ["-O1", "-o", context + "/app", context + "/hello.cpp"])
            try #require(compiled.status == 0, "\(compiled.stderr)")
            var final = "\(base)/debian:bookworm"
            if scenario == .cxxOnLibcOnly {
                try registry.run(["image", try libcOnlyRoot(), registry.layout, "libc-only", "amd64"])
                try registry.run(["push", registry.layout + ":libc-only", base + "/libc-only:1"])
                final = "\(base)/libc-only:1"
            }
            dockerfile = """
                FROM \(base)/debian:bookworm AS build
                COPY app /src/app
                FROM \(final)
                COPY --from=build /src/app /app
                """
            oracle = ["/app"]
        }
        try Data(dockerfile.utf8).write(to: URL(fileURLWithPath: context + "/Dockerfile"))
        let tag = "\(base)/built:\(scenario.rawValue.lowercased())"
        let built = try buildahRun(["bud", "--isolation", "chroot", "--tls-verify=false", "-q", "-t", "built", "-f", context + "/Dockerfile", context])
        try #require(built.status == 0, "buildah bud: \(built.stderr)")
        let pushed = try buildahRun(["push", "--tls-verify=false", "built", "docker://\(tag)"])
        try #require(pushed.status == 0, "buildah push: \(pushed.stderr)")

        // The oracle: the real loader in the built image.
        let container = try buildahRun(["from", "--tls-verify=false", "-q", "docker://\(tag)"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!container.isEmpty)
        let ran = try buildahRun(["run", "--isolation", "chroot", container, "--"] + oracle)
        let loads = ran.status == 0

        let cache = work + "/cache"
        var environment = ProcessInfo.processInfo.environment
        environment["BASEFIT_CACHE_DIR"] = cache
        let check = try Run.program(TestPaths.executable.path, ["check", "--image", "docker://\(tag)", "--tls-verify=false"], environment: environment)
        let appOnly = try Run.program(TestPaths.executable.path, ["check", "--image", "docker://\(tag)", "--tls-verify=false", "--app-only"], environment: environment)

        switch scenario {
        case .glibcAddonsOnMusl:
            #expect(!loads, "musl's loader should refuse a glibc addon: \(ran.stdout)\(ran.stderr)")
            #expect((ran.stderr + ran.stdout).contains("Error loading shared library"), "\(ran.stdout)\(ran.stderr)")
            #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
            #expect(check.stdout.contains("libvips-cpp.so.42") && check.stdout.contains("needs glibc"), "\(check.stdout)")
        case .cxxOnLibcOnly:
            #expect(!loads)
            #expect(ran.stderr.contains("libstdc++.so.6"), "\(ran.stderr)")
            #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
            #expect(check.stdout.contains("/app needs libstdc++.so.6"), "\(check.stdout)")
        case .cxxOnDebian:
            #expect(loads, "\(ran.stderr)")
            #expect(ran.stdout.contains("hello from c++"))
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        }
        // --app-only judges the layers above the base (named by buildah's base annotations):
        // the same verdict, on the app's files only.
        #expect(appOnly.status == check.status, "\(appOnly.stdout)\(appOnly.stderr)")
        if scenario == .cxxOnLibcOnly {
            #expect(appOnly.stdout.contains("/app needs libstdc++.so.6"), "\(appOnly.stdout)")
        }
        if scenario == .cxxOnDebian {
            #expect(appOnly.stdout.contains("loads 1 ELF file"), "\(appOnly.stdout)")
        }
        // Never a false "compatible".
        if !loads { #expect(check.status != 0 && appOnly.status != 0) }
    }
}
