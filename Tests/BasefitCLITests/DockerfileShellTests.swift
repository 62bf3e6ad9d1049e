import Foundation
import Testing
import TestSupport

/// A Dockerfile stage that runs commands needs them in its image: every RUN goes through
/// /bin/sh (distroless and scratch have none), a shell-form CMD starts through it, and
/// `apt-get` needs apt (Chainguard's images have no package manager, Alpine has apk). A
/// review found recommend's patch moving such a stage onto distroless, exit 0.
@Suite struct DockerfileShellTests {
    func run(_ arguments: [String]) throws -> ProcessResult {
        try Run.program(TestPaths.executable.path, arguments, currentDirectory: TestPaths.packageRoot)
    }

    func dockerfile(_ text: String) throws -> URL {
        let directory = try TemporaryDirectory.make("dockerfile-shell")
        let file = directory.appendingPathComponent("Dockerfile")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func theStageRunsWhatItsImageHas() throws {
        let project = "Fixtures/projects/node-prebuilds"
        let cases: [(text: String, status: Int32, says: String)] = [
            ("FROM gcr.io/distroless/nodejs22-debian13\nCOPY . /app\nRUN npm ci\nCMD [\"/app/index.js\"]\n", 1,
             "[no-shell] Dockerfile:3: RUN npm ci runs in the image at build time"),
            ("FROM gcr.io/distroless/nodejs22-debian13\nCOPY . /app\nCMD node /app/index.js\n", 1,
             "starts the container through /bin/sh; gcr.io/distroless/nodejs22-debian13 has no shell, so the container does not start"),
            ("FROM gcr.io/distroless/nodejs22-debian13\nCOPY . /app\nENTRYPOINT [\"sh\", \"-c\", \"exec node /app/index.js\"]\n", 1, "[no-shell]"),
            ("FROM cgr.dev/chainguard/node\nCOPY . /app\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n", 1,
             "[missing-package-manager] Dockerfile:3: RUN <<EOF calls apt; cgr.dev/chainguard/node has no package manager"),
            ("FROM node:22-bookworm-slim\nRUN [\"apk\", \"add\", \"curl\"]\nCOPY . /app\n", 1, "calls apk; node:22-bookworm-slim has only apt"),
            // The image's ENTRYPOINT is node (distroless nodejs.bzl, Chainguard's apko config): CMD's words are its arguments.
            ("FROM gcr.io/distroless/nodejs22-debian13\nCOPY . /app\nCMD [\"node\", \"/app/index.js\"]\n", 1,
             "[entrypoint-conflict] Dockerfile:3: CMD [\"node\", \"/app/index.js\"] becomes the arguments of gcr.io/distroless/nodejs22-debian13's ENTRYPOINT /nodejs/bin/node"),
            ("FROM cgr.dev/chainguard/node\nCOPY . /app\nCMD [\"/usr/bin/node\", \"/app/index.js\"]\n", 1, "write CMD [\"/app/index.js\"]"),
            ("FROM gcr.io/distroless/nodejs22-debian13 AS base\nCMD [\"node\", \"x.js\"]\nFROM base\nCOPY . /app\n", 1, "Dockerfile:2: CMD [\"node\", \"x.js\"]"),
            // Its own ENTRYPOINT (Chainguard's example sets ENTRYPOINT [""]), or the script alone, is what runs.
            ("FROM cgr.dev/chainguard/node\nCOPY . /app\nENTRYPOINT [\"\"]\nCMD [\"dumb-init\", \"node\", \"/app/index.js\"]\n", 0, ""),
            ("FROM gcr.io/distroless/nodejs22-debian13\nCOPY . /app\nCMD [\"/app/index.js\"]\n", 0, ""),
            ("FROM node:22-bookworm-slim\nCOPY . /app\nCMD [\"node\", \"/app/index.js\"]\n", 0, ""),
            // The controls: exec form without a shell, the :debug tag's busybox shell, apt on Debian.
            ("FROM gcr.io/distroless/nodejs22-debian13\nCOPY . /app\nCMD [\"/app/index.js\"]\n", 0, ""),
            ("FROM gcr.io/distroless/nodejs22-debian13:debug\nCOPY . /app\nRUN [\"/busybox/sh\", \"-c\", \"ls /app\"]\n", 0, ""),
            ("FROM node:22-bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nCOPY . /app\n", 0, ""),
        ]
        for (text, status, says) in cases {
            let file = try dockerfile(text)
            defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
            let result = try run(["check", project, "--dockerfile", file.path, "--quiet"])
            #expect(result.status == status, "\(text): \(result.stdout)\(result.stderr)")
            let shown = result.stdout.replacingOccurrences(of: file.path, with: "Dockerfile")
            #expect(says.isEmpty || shown.contains(says), "\(text): \(shown)")
        }
    }

    /// recommend keeps such a stage on an image that runs it: not distroless, not Chainguard's.
    @Test func recommendDoesNotMoveARunningStageOntoAnImageWithoutAShell() throws {
        let file = try dockerfile("FROM node:22-bookworm-slim\nWORKDIR /app\nCOPY . .\nRUN apt-get update && apt-get install -y curl && npm ci\nCMD [\"sh\",\"-c\",\"node index.js\"]\n")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let result = try run(["recommend", "Fixtures/projects/node-prebuilds", "--dockerfile", file.path, "--format", "json", "--offline"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let recommended = try #require(object["recommended"] as? String)
        #expect(!recommended.contains("distroless") && !recommended.contains("chainguard"), "\(recommended)")
        let candidates = (object["candidates"] as? [[String: Any]]) ?? []
        let distroless = try #require(candidates.first { $0["image"] as? String == "gcr.io/distroless/nodejs22-debian13" })
        let kinds = ((distroless["problems"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }
        #expect(kinds.contains("no-shell"), "\(kinds)")
    }
}
