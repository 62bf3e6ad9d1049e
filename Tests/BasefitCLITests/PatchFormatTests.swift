import Foundation
import Testing
import TestSupport

/// `recommend --dockerfile FILE --format patch`: a unified diff that `patch -p1` applies,
/// moving only the final (or --stage) FROM and keeping everything else.
@Suite(.enabled(if: Run.which("patch") != nil, "needs patch(1)"))
struct PatchFormatTests {
    func basefit(_ arguments: [String]) throws -> ProcessResult {
        try Run.program(TestPaths.executable.path, arguments, currentDirectory: TestPaths.packageRoot)
    }

    func apply(_ diff: String, in directory: URL) throws -> ProcessResult {
        let file = directory.appendingPathComponent("change.diff")
        try diff.write(to: file, atomically: true, encoding: .utf8)
        return try Run.program(try #require(Run.which("patch")), ["-p1", "--batch", "-i", file.path], currentDirectory: directory)
    }

    @Test func theFinalStageMovesToTheRecommendationAndNothingElseChanges() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-patch-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = """
            # syntax=docker/dockerfile:1
            ARG NODE=22
            FROM node:${NODE}-bookworm AS build
            RUN npm ci

            # runtime
            FROM --platform=linux/amd64 node:22-bookworm AS runtime
            COPY --from=build /app /app
            CMD ["/app/index.js"]

            """
        let dockerfile = directory.appendingPathComponent("Dockerfile")
        try original.write(to: dockerfile, atomically: true, encoding: .utf8)
        let result = try basefit(["recommend", "Fixtures/projects/node-napi-rs", "--dockerfile", dockerfile.path, "--format", "patch"])
        #expect(result.status == 0, "\(result.stderr)")
        let recommended = try #require(try JSONSerialization.jsonObject(with: Data(try basefit(["recommend", "Fixtures/projects/node-napi-rs", "--format", "json"]).stdout.utf8)) as? [String: Any])["recommended"] as? String
        #expect(result.stdout.hasPrefix("--- a/Dockerfile\n+++ b/Dockerfile\n@@ "), "\(result.stdout)")
        #expect(result.stderr.contains("records no digest"), "offline without a recorded digest the user is told to pin: \(result.stderr)")
        let applied = try apply(result.stdout, in: directory)
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let patched = try String(contentsOf: dockerfile, encoding: .utf8)
        let expected = original.replacingOccurrences(of: "FROM --platform=linux/amd64 node:22-bookworm AS runtime",
                                                     with: "FROM --platform=linux/amd64 \(recommended ?? "?") AS runtime")
        #expect(patched == expected, "\(patched)")
        // The patched Dockerfile gates green.
        let gate = try basefit(["check", "Fixtures/projects/node-napi-rs", "--dockerfile", dockerfile.path])
        #expect(gate.status == 0, "\(gate.stdout)")
    }

    /// The diff names the Dockerfile by the path given, relative to where basefit ran, so that
    /// `patch -p1` there changes that file and not ./Dockerfile (before, it named only the
    /// base name); it keeps Windows line endings and marks a last line without a newline, so
    /// that `patch` applies it without fuzz and `git apply` at all.
    @Test(arguments: [("crlf", "\r\n", true), ("no-final-newline", "\n", false)])
    func aNestedDockerfileIsPatchedWhereItIsWithItsLineEndings(label: String, ending: String, finalNewline: Bool) throws {
        let directory = try TemporaryDirectory.make("patch-\(label)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("services/api"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let decoy = "FROM node:22-bookworm\nCOPY . /app\n"
        try decoy.write(to: directory.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        let lines = ["FROM node:22-bookworm AS build", "RUN npm ci", "FROM --platform=linux/amd64 node:22-bookworm", "COPY --from=build /app /app"]
        let original = lines.joined(separator: ending) + (finalNewline ? ending : "")
        let dockerfile = directory.appendingPathComponent("services/api/Dockerfile")
        try Data(original.utf8).write(to: dockerfile)
        let project = TestPaths.packageRoot.appendingPathComponent("Fixtures/projects/node-napi-rs").path
        let result = try Run.program(TestPaths.executable.path, ["recommend", project, "--dockerfile", "./services//api/Dockerfile", "--format", "patch", "--offline"],
                                     currentDirectory: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("--- a/services/api/Dockerfile\n+++ b/services/api/Dockerfile\n"), "\(result.stdout)")
        #expect(result.stdout.hasSuffix(finalNewline ? "/app\(ending)" : "/app\n\\ No newline at end of file\n"), "\(result.stdout)")
        let recommended = try #require(try JSONSerialization.jsonObject(with: Data(try basefit(["recommend", project, "--format", "json"]).stdout.utf8)) as? [String: Any])["recommended"] as? String
        if let git = Run.which("git") {
            let file = directory.appendingPathComponent("change.diff")
            try result.stdout.write(to: file, atomically: true, encoding: .utf8)
            let check = try Run.program(git, ["apply", "--check", file.path], currentDirectory: directory)
            #expect(check.status == 0, "git apply: \(check.stderr)")
        }
        // A Dockerfile outside the current directory: named by its base name, with a note saying where to apply it.
        let outside = try basefit(["recommend", project, "--dockerfile", dockerfile.path, "--format", "patch", "--offline"])
        #expect(outside.stdout.hasPrefix("--- a/Dockerfile\n"), "\(outside.stdout)")
        #expect(outside.stderr.contains("note: \(dockerfile.path) lies outside the current directory: the diff names it Dockerfile; apply it in \(dockerfile.deletingLastPathComponent().path) (patch -p1)"), "\(outside.stderr)")
        let applied = try apply(result.stdout, in: directory)
        #expect(applied.status == 0 && !applied.stdout.contains("fuzz") && applied.stdout.contains("services/api/Dockerfile"), "\(applied.stdout)\(applied.stderr)")
        let expected = original.replacingOccurrences(of: "FROM --platform=linux/amd64 node:22-bookworm\(ending)", with: "FROM --platform=linux/amd64 \(recommended ?? "?")\(ending)")
        #expect(try Data(contentsOf: dockerfile) == Data(expected.utf8))
        #expect(try String(contentsOf: directory.appendingPathComponent("Dockerfile"), encoding: .utf8) == decoy)
    }

    /// A patch that changes an ARG's default says when the build overrides that ARG with
    /// --build-arg (the changed default would then change nothing), and moves the image the
    /// build really uses.
    @Test func aBuildArgThatOverridesThePatchedDefaultIsSaid() throws {
        let directory = try TemporaryDirectory.make("patch-arg")
        defer { try? FileManager.default.removeItem(at: directory) }
        let dockerfile = directory.appendingPathComponent("Dockerfile")
        try "ARG BASE=node:22-bookworm\nFROM ${BASE}\nCOPY . /app\n".write(to: dockerfile, atomically: true, encoding: .utf8)
        let arguments = ["recommend", "Fixtures/projects/node-napi-rs", "--dockerfile", dockerfile.path, "--format", "patch", "--offline"]
        let plain = try basefit(arguments)
        #expect(plain.status == 0 && plain.stdout.contains("+ARG BASE=") && !plain.stderr.contains("--build-arg"), "\(plain.stdout)\(plain.stderr)")
        let overridden = try basefit(arguments + ["--build-arg", "BASE=node:22-bookworm-slim"])
        #expect(overridden.status == 0 && overridden.stdout.contains("+ARG BASE="), "\(overridden.stdout)")
        #expect(overridden.stderr.contains("the build sets BASE with --build-arg, and the patch changes only the default of ARG BASE"), "\(overridden.stderr)")
    }

    @Test func anArgDefaultAndTheInstallLineWhenInstallsWereAllowed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-patch-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dockerfile = directory.appendingPathComponent("Dockerfile")
        try "ARG BASE=buildpack-deps:bookworm\nFROM ${BASE}\nCOPY app /app\n".write(to: dockerfile, atomically: true, encoding: .utf8)
        let library = "/usr/lib/x86_64-linux-gnu/libarchive.so.13"
        guard FileManager.default.fileExists(atPath: library) else { return }
        let result = try basefit(["recommend", library, "--runtime", "none", "--allow-installs", "--dockerfile", dockerfile.path, "--format", "patch", "--quiet"])
        #expect(result.status == 0)
        #expect(try apply(result.stdout, in: directory).status == 0)
        let patched = try String(contentsOf: dockerfile, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(patched.first?.hasPrefix("ARG BASE=") == true && patched.first != "ARG BASE=buildpack-deps:bookworm", "\(patched)")
        #expect(patched.count == 4 && patched[2].hasPrefix("RUN apt-get update && apt-get install -y --no-install-recommends "), "\(patched)")
        #expect(try basefit(["recommend", library, "--format", "patch"]).status == 2)  // patch needs --dockerfile
    }
}
