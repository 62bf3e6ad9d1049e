import Foundation
import Testing
import TestSupport

/// `check --dockerfile` on a checkout with only lockfiles: the packages are judged as the
/// Dockerfile's install picks them. npm picks the platform packages of the machine it runs on
/// (npm-install-checks' checkPlatform), pip the wheels that machine's interpreter accepts; a
/// glibc build stage's `node_modules` or `site-packages` copied into a musl image do not load.
@Suite struct DockerfileInstallCommandTests {
    /// A checkout with the real npm lockfile of sharp 0.33.5 and @node-rs/argon2 1.8.3 (every
    /// platform package listed) and `files`.
    func checkout(_ files: [String: String], lockfile: String = "npm-sharp-argon2/package-lock.json") throws -> URL {
        let directory = try TemporaryDirectory.make("dockerfile-install")
        let source = TestPaths.fixtures.appendingPathComponent("lockfiles/" + lockfile)
        try FileManager.default.copyItem(at: source, to: directory.appendingPathComponent(source.lastPathComponent))
        for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return directory
    }

    func check(_ directory: URL, _ extra: [String] = []) throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CACHE_HOME"] = directory.appendingPathComponent(".cache").path
        environment.removeValue(forKey: "PIP_INDEX_URL")
        environment.removeValue(forKey: "PIP_EXTRA_INDEX_URL")
        return try Run.program(TestPaths.executable.path,
                               ["check", directory.path, "--dockerfile", directory.appendingPathComponent("Dockerfile").path, "--quiet"] + extra,
                               currentDirectory: TestPaths.packageRoot, environment: environment)
    }

    func multiStage(build: String, final: String, run: String = "npm ci --omit=dev") -> String {
        "FROM \(build) AS build\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN \(run)\n\nFROM \(final)\nWORKDIR /app\n"
            + "COPY --from=build /app/node_modules ./node_modules\nCOPY . .\nCMD [\"index.js\"]\n"
    }

    @Test func glibcBuildStageCopiedIntoAlpineFails() throws {
        let directory = try checkout(["Dockerfile": multiStage(build: "node:22-bookworm", final: "node:22-alpine")])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try check(directory)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("[libc-mismatch]"), "\(result.stdout)")
        #expect(result.stdout.contains("@img/sharp-linux-x64"), "\(result.stdout)")
        #expect(result.stdout.contains("@node-rs/argon2-linux-x64-gnu"), "\(result.stdout)")
        #expect(result.stdout.contains("stage build (node:22-bookworm)"), "\(result.stdout)")

        // The control: the install in the final image itself (the same lockfile) passes on Alpine,
        // whose musl builds the lockfile lists; and a glibc build stage for a glibc final image.
        let alone = try checkout(["Dockerfile": "FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n"])
        defer { try? FileManager.default.removeItem(at: alone) }
        let own = try check(alone)
        #expect(own.status == 0, "\(own.stdout)\(own.stderr)")
        let glibc = try checkout(["Dockerfile": multiStage(build: "node:22-bookworm", final: "gcr.io/distroless/nodejs22-debian12")])
        defer { try? FileManager.default.removeItem(at: glibc) }
        let distroless = try check(glibc)
        #expect(distroless.status == 0, "\(distroless.stdout)\(distroless.stderr)")
        // The same Dockerfile, judged at the build stage: its own install, nothing carried.
        let buildStage = try check(directory, ["--stage", "build"])
        #expect(buildStage.status == 0, "\(buildStage.stdout)\(buildStage.stderr)")
    }

    /// recommend --dockerfile moves the final stage's FROM: the build stage's picks come along,
    /// so Alpine is no answer while the install runs on Debian (the patch would build an image
    /// whose sharp cannot load).
    @Test func recommendKeepsTheBuildStagesPicks() throws {
        let directory = try checkout(["Dockerfile": multiStage(build: "node:22-bookworm", final: "node:22-bookworm-slim")])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Run.program(TestPaths.executable.path,
                                     ["recommend", directory.path, "--dockerfile", directory.appendingPathComponent("Dockerfile").path, "--quiet"],
                                     currentDirectory: TestPaths.packageRoot)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let alpine = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("Can we move to Alpine") })
        #expect(alpine.contains("No: npm ci --omit=dev in stage build (node:22-bookworm)"), "\(result.stdout)")
        #expect(!(result.stdout.split(separator: "\n").first { $0.hasPrefix("Recommended:") } ?? "").contains("alpine"))
        // Without the Dockerfile, the same lockfile installs on Alpine (its musl builds are listed).
        let plain = try Run.program(TestPaths.executable.path, ["recommend", directory.path, "--quiet"], currentDirectory: TestPaths.packageRoot)
        #expect(plain.stdout.contains("Can we move to Alpine (musl)? Yes"), "\(plain.stdout)")
    }

    @Test func anArm64BuildStageCopiedIntoAnAmd64ImageFails() throws {
        let directory = try checkout(["Dockerfile": multiStage(build: "--platform=linux/arm64 node:22-bookworm", final: "node:22-bookworm-slim")])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try check(directory, ["--arch", "amd64"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("[architecture]"), "\(result.stdout)")
        #expect(result.stdout.contains("@img/sharp-linux-arm64"), "\(result.stdout)")
    }

    @Test func leavingOutOptionalDependenciesLeavesThePlatformPackagesOut() throws {
        for run in ["npm ci --omit=optional", "NPM_CONFIG_OMIT=optional npm ci", "npm install --no-optional"] {
            let directory = try checkout(["Dockerfile": "FROM node:22-bookworm-slim\nCOPY . .\nRUN \(run)\n"])
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try check(directory)
            #expect(result.status == 1, "\(run): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("leaves out optional dependencies: sharp 0.33.5's platform packages"), "\(run): \(result.stdout)")
        }
    }

    @Test func anInstallStageTheCatalogDoesNotKnowIsNotJudged() throws {
        let directory = try checkout(["Dockerfile": multiStage(build: "registry.example/team/builder:7", final: "node:22-alpine")])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try check(directory)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect((result.stdout + result.stderr).contains("registry.example/team/builder:7"), "\(result.stdout)\(result.stderr)")
        // --allow-unjudged: the final image is judged on the lockfile as installed there.
        #expect(try check(directory, ["--allow-unjudged"]).status == 0)
    }

    /// Yarn installs from yarn.lock, pnpm from pnpm-lock.yaml: a Yarn classic lockfile (which
    /// basefit does not read, and sets aside beside a package-lock.json) or none at all leaves
    /// what the Dockerfile's install picks unknown, whatever package-lock.json says.
    @Test func anInstallFromALockfileNotReadIsNotJudged() throws {
        let classic = "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n\n"
            + "\"@node-rs/argon2@^1.8.3\":\n  version \"1.8.3\"\n  resolved \"https://registry.yarnpkg.com/@node-rs/argon2/-/argon2-1.8.3.tgz\"\n"
        for (run, files) in [("yarn install --frozen-lockfile --production", ["yarn.lock": classic]), ("pnpm install --frozen-lockfile", [:])] {
            var all = files
            all["Dockerfile"] = "FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN \(run)\n"
            let directory = try checkout(all)
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try check(directory)
            #expect(result.status == 2, "\(run): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains(files.isEmpty ? "finds no pnpm-lock.yaml" : "yarn.lock, which was not read"), "\(run): \(result.stdout)")
            // The control: npm ci reads the package-lock.json that was judged.
            try "FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci\n".write(to: directory.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
            #expect(try check(directory).status == 0)
        }
    }

    /// The demo index's manylinux wheels (pip's pick on a Debian build stage) copied into Alpine.
    @Test func wheelsPickedOnAGlibcBuildStageDoNotLoadOnAlpine() throws {
        let index = try LocalIndex(root: LocalIndex.demoRoot)
        defer { index.stop() }
        let dockerfile = "FROM python:3.12-trixie AS build\nCOPY requirements.txt .\nRUN pip install --prefix=/install -r requirements.txt\n"
            + "FROM python:3.12-alpine\nCOPY --from=build /install /usr/local\n"
        let directory = try TemporaryDirectory.make("dockerfile-install")
        defer { try? FileManager.default.removeItem(at: directory) }
        try "bfdemo-pq==1.0\n".write(to: directory.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        try dockerfile.write(to: directory.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        let result = try check(directory, ["--index-url", index.simpleURL])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("pip install --prefix=/install -r requirements.txt in stage build (python:3.12-trixie)"), "\(result.stdout)")
        #expect(result.stdout.contains("does not accept its tags"), "\(result.stdout)")
        // The wheel read and judged is the one picked on the build stage (Alpine itself picks
        // none: the demo publishes no musllinux wheel): its member's libpq.so.5 is not on Alpine.
        #expect(result.stdout.contains("_pq.abi3.so needs libpq.so.5"), "\(result.stdout)")
    }

    /// The requirements file the Dockerfile's pip install names is the one judged (found in the
    /// build context as written, or by its name when the COPY renamed its directory), and
    /// packages named on a pip command line are not passed unjudged. Each case passed before:
    /// only the directory's requirements.txt was read.
    @Test func theRequirementsFileTheDockerfileInstallsIsJudged() throws {
        let index = try LocalIndex(root: LocalIndex.demoRoot)
        defer { index.stop() }
        let directory = try TemporaryDirectory.make("dockerfile-requirements")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("requirements"), withIntermediateDirectories: true)
        try "bfdemo-cxx==1.0\n".write(to: directory.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        try "bfdemo-pq==1.0\n".write(to: directory.appendingPathComponent("requirements-prod.txt"), atomically: true, encoding: .utf8)
        try "bfdemo-pq==1.0\n".write(to: directory.appendingPathComponent("requirements/prod.txt"), atomically: true, encoding: .utf8)
        let from = "FROM python:3.12-slim-trixie\nWORKDIR /app\n"
        let cases: [(run: String, status: Int32, says: String)] = [
            ("COPY requirements.txt .\nRUN pip install --upgrade pip setuptools wheel && pip install --no-cache-dir -r requirements.txt", 0, ""),
            ("COPY requirements-prod.txt .\nRUN pip install --no-cache-dir -r requirements-prod.txt", 1, "_pq.abi3.so needs libpq.so.5"),
            ("COPY requirements/prod.txt /app/\nRUN pip install -r /app/prod.txt", 1, "_pq.abi3.so needs libpq.so.5"),
            ("COPY . .\nRUN [\"pip\", \"install\", \"--requirement=requirements/prod.txt\"]", 1, "_pq.abi3.so needs libpq.so.5"),
            ("COPY requirements.txt .\nRUN pip install -r requirements.txt && pip install bfdemo-pq==1.0", 2,
             "it installs bfdemo-pq==1.0, which no lockfile or requirements file pins"),
            ("COPY . .\nRUN pip install -r requirements-missing.txt", 2, "it installs from requirements-missing.txt, which is not in the build context"),
        ]
        for (run, status, says) in cases {
            try (from + run + "\n").write(to: directory.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
            let result = try check(directory, ["--index-url", index.simpleURL])
            #expect(result.status == status, "\(run): \(result.stdout)\(result.stderr)")
            #expect(says.isEmpty || result.stdout.contains(says), "\(run): \(result.stdout)")
        }
    }
}
