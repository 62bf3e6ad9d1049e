import Foundation
import Testing
import TestSupport

/// `recommend` and `check` as a user and a CI job run them: exit codes, formats, Dockerfiles.
@Suite struct AdviceCommandTests {
    func basefit(_ arguments: [String]) throws -> ProcessResult {
        try Run.program(TestPaths.executable.path, arguments, currentDirectory: TestPaths.packageRoot)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func recommendJSONCarriesTheContractKeys() throws {
        let result = try basefit(["recommend", "Fixtures/projects/node-napi-rs", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try json(result.stdout)
        #expect(object["schemaVersion"] as? Int == 1)
        let recommended = try #require(object["recommended"] as? String)
        let candidates = try #require(object["candidates"] as? [[String: Any]])
        for key in ["image", "compatible", "compressedBytes", "problems", "fixes"] {
            #expect(candidates.allSatisfy { $0.keys.contains(key) }, "candidate key \(key)")
        }
        #expect(candidates.contains { $0["image"] as? String == recommended && $0["compatible"] as? Bool == true })
        let migrations = try #require(object["migrations"] as? [[String: Any]])
        #expect(migrations.map { $0["target"] as? String } == ["alpine", "distroless"])
    }

    /// An ABI-pinned addon built for Node 26 (NODE_MODULE_VERSION 147, from the official node_version.h in
    /// Fixtures/node-abi/) passes node:26 and node:lts-slim (Node 26 since 2026-10-28) and nothing else; one built
    /// for a number past the table is said to be for a newer Node, not an unofficial one.
    @Test func nodeTwentySixAddonsAreJudgedByTheirModuleVersion() throws {
        guard let gcc = Run.which("gcc") else { print("skipping: no gcc"); return }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-node26-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        for version in [147, 1_000] {
            let app = root.appendingPathComponent("v\(version)")
            try FileManager.default.createDirectory(at: app, withIntermediateDirectories: true)
            let source = root.appendingPathComponent("v\(version).c")
            try "void node_register_module_v\(version)(void *e, void *m, void *c) {}\n".write(to: source, atomically: true, encoding: .utf8)
            #expect(try Run.program(gcc, ["-shared", "-fPIC", "-o", app.appendingPathComponent("addon.node").path, source.path]).status == 0)
        }
        let v147 = root.appendingPathComponent("v147").path
        for base in ["node:26-trixie-slim", "node:lts-slim"] {
            let result = try basefit(["check", v147, "--base", base, "--quiet"])
            #expect(result.status == 0, "\(base): \(result.stdout)")
        }
        let older = try basefit(["check", v147, "--base", "node:24-trixie-slim"])
        #expect(older.status == 1)
        #expect(older.stdout.contains("built for Node 26") && older.stdout.contains("use a node:26 image"), "\(older.stdout)")
        // The fix sends a user to the addon's Node only while some maintained image carries it
        // (Node 20: end of life 2026-04-30); the clock is fixed either side of that day.
        func fix(on day: String) throws -> String {
            var environment = ProcessInfo.processInfo.environment
            environment["BASEFIT_TODAY"] = day
            return try Run.program(TestPaths.executable.path, ["check", TestPaths.elf("abi-addon.node"), "--base", "node:22-bookworm-slim"],
                                   currentDirectory: TestPaths.packageRoot, environment: environment).stdout
        }
        #expect(try fix(on: "2026-01-15").contains("fix: use a node:20 image, or rebuild the addon (npm rebuild) for Node 22"))
        let past = try fix(on: "2026-12-01")
        #expect(past.contains("fix: rebuild the addon (npm rebuild) for Node 22 (Node 20, which it was built for, is past its end of life") && !past.contains("node:20 image"), "\(past)")
        let newer = try basefit(["check", root.appendingPathComponent("v1000").path, "--base", "node:26-trixie-slim"])
        #expect(newer.status == 1)
        #expect(newer.stdout.contains("a Node newer than this basefit knows (NODE_MODULE_VERSION 1000)"), "\(newer.stdout)")
    }

    @Test func recommendExitsOneWhenNothingFits() throws {
        let result = try basefit(["recommend", "Fixtures/projects/python-venv-mixed"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("No compatible image"))
        #expect(result.stdout.contains("glibc"))
    }

    @Test func recommendMarkdownIsATable() throws {
        let result = try basefit(["recommend", "Fixtures/projects/python-venv", "--format", "markdown"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("### basefit"))
        #expect(result.stdout.contains("| image | compatible | size | main problem |"))
    }

    @Test func checkExitCodesAndContractKeys() throws {
        let good = try basefit(["check", "Fixtures/elf/libcxxdemo.so", "--base", "gcr.io/distroless/cc-debian12", "--format", "json"])
        #expect(good.status == 0)
        #expect(try json(good.stdout)["compatible"] as? Bool == true)
        let bad = try basefit(["check", "Fixtures/elf/libcxxdemo.so", "--base", "gcr.io/distroless/base-debian12", "--format", "json"])
        #expect(bad.status == 1)
        let object = try json(bad.stdout)
        #expect(object["compatible"] as? Bool == false)
        #expect(object["image"] as? String == "gcr.io/distroless/base-debian12")
        let problems = try #require(object["problems"] as? [[String: Any]])
        #expect(problems.allSatisfy { $0["artifact"] != nil && $0["kind"] != nil && $0["message"] != nil })
        #expect(problems.contains { $0["kind"] as? String == "missing-library" && $0["library"] as? String == "libstdc++.so.6" })
    }

    @Test func checkUsageErrors() throws {
        let none = try basefit(["check", "Fixtures/elf/hello-glibc"])
        #expect(none.status == 2)
        #expect(none.stderr.contains("exactly one of --base, --dockerfile, --rootfs or --image"))
        let unknown = try basefit(["check", "Fixtures/elf/hello-glibc", "--base", "node:99-nothing"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("not in the catalog"))
        let missing = try basefit(["check", "Fixtures/elf/hello-glibc", "--dockerfile", "/nonexistent/Dockerfile"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/Dockerfile"))
    }

    @Test func checkReadsTheDockerfileAndWarnsAboutUnpinnedTags() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-df-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dockerfile = directory.appendingPathComponent("Dockerfile")
        try """
        ARG DEBIAN=bullseye
        FROM gcc:12 AS build
        FROM debian:${DEBIAN}-slim AS runtime
        COPY --from=build /out/app /app
        """.write(to: dockerfile, atomically: true, encoding: .utf8)
        let result = try basefit(["check", "Fixtures/elf/hello-glibc", "--dockerfile", dockerfile.path, "--format", "github"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not pinned by digest"))
        #expect(result.stdout.hasPrefix("::error file=\(dockerfile.path),line=3,title=basefit glibc-too-old::"))
        #expect(result.stdout.contains("GLIBC_2.34"))
    }

    @Test func sarifIsValidJSONWithRulesAndResults() throws {
        let result = try basefit(["check", "Fixtures/elf/hello-glibc", "--base", "alpine:3.22", "--format", "sarif"])
        #expect(result.status == 1)
        let object = try json(result.stdout)
        #expect(object["version"] as? String == "2.1.0")
        let run = try #require((object["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.first?["ruleId"] as? String == "libc-mismatch")
    }
}
