import Foundation
import Testing
import TestSupport
@testable import ProjectScan

@Suite struct DockerfileTests {
    @Test func finalStageThroughChainsAndArgs() throws {
        let text = """
        # syntax=docker/dockerfile:1
        ARG NODE=22
        ARG VARIANT=bookworm-slim
        FROM node:${NODE}-bookworm AS build
        RUN npm ci
        FROM --platform=linux/arm64 node:${NODE}-${VARIANT} AS base
        FROM base AS runtime
        COPY --from=build /app /app
        """
        let found = try Dockerfile.base(of: text, path: "Dockerfile", stage: nil)
        #expect(found.reference == "node:22-bookworm-slim")
        #expect(found.platform == "linux/arm64")
        #expect(found.line == 6)
        #expect(found.warnings.first?.contains("not pinned") == true)
        let build = try Dockerfile.base(of: text, path: "Dockerfile", stage: "build")
        #expect(build.reference == "node:22-bookworm")
    }

    /// A Dockerfile saved with Windows line endings: every line is a line. Before, the text was
    /// split at "\n" Characters, which a "\r\n" is not: the file was one line, its first FROM
    /// (a glibc build stage) was taken for the final one, and a musl runtime stage went unjudged.
    @Test func windowsLineEndingsKeepTheStages() throws {
        let unix = "# syntax=docker/dockerfile:1\nARG BASE=node:22-alpine\nFROM node:22-bookworm AS build\nRUN npm ci \\\n  && npm prune\nFROM ${BASE} AS runtime\nCOPY --from=build /app /app\n"
        let windows = unix.replacingOccurrences(of: "\n", with: "\r\n")
        for text in [unix, windows] {
            let base = try Dockerfile.base(of: text, path: "Dockerfile", stage: nil)
            #expect(base.reference == "node:22-alpine" && base.line == 6 && base.stage == "runtime", "\(base)")
            #expect(try Dockerfile.base(of: text, path: "Dockerfile", stage: "build").line == 3)
        }
        // Switching the base keeps every other byte, and each changed line keeps its ending.
        let switched = try Dockerfile.switchingBase(windows, line: 6, to: "node:22-bookworm-slim", run: ["apt-get install -y libvips42"], path: "Dockerfile")
        #expect(switched == windows.replacingOccurrences(of: "ARG BASE=node:22-alpine", with: "ARG BASE=node:22-bookworm-slim")
            .replacingOccurrences(of: "FROM ${BASE} AS runtime\r\n", with: "FROM ${BASE} AS runtime\r\nRUN apt-get install -y libvips42\r\n"))
        let direct = try Dockerfile.switchingBase("FROM a AS build\r\nFROM b\r\nCMD x", line: 2, to: "c", path: "Dockerfile")
        #expect(direct == "FROM a AS build\r\nFROM c\r\nCMD x")
    }

    /// BuildKit reads the lines of a here-document (RUN, COPY, ADD; `<<EOF`, `<<-EOF`, quoted
    /// names, several per instruction) as the instruction's content, never as instructions.
    /// Before, a content line starting with FROM was taken for a stage: a glibc base written
    /// into a script made a musl final stage pass.
    @Test func hereDocumentsAreContentNotInstructions() throws {
        let cases: [(String, String, Int)] = [
            // A FROM inside a RUN's here-document after the last real FROM.
            ("FROM node:22-alpine AS build\nRUN <<EOF\necho hi\nFROM node:22-bookworm-slim\nEOF\n", "node:22-alpine", 1),
            // A COPY here-document with SQL, then the real final stage.
            ("FROM node:22-bookworm AS build\nCOPY <<EOF /app/db.sql\nSELECT name\nFROM users\nEOF\nFROM node:22-alpine\n", "node:22-alpine", 6),
            // <<- lets tabs stand before the terminator; quoted names; two here-documents in one RUN.
            ("FROM node:22-bookworm AS build\nRUN <<-\"EOT\" bash && cat <<'EOF2'\n\tFROM a\n\tEOT\nFROM b\nEOF2\nFROM node:22-alpine\n", "node:22-alpine", 7),
            // Not here-documents: `<<` inside quotes, an exec-form RUN, a FROM line.
            ("FROM node:22-bookworm\nRUN echo \"<<EOF\"\nRUN [\"sh\", \"-c\", \"cat <<EOF\"]\nFROM node:22-alpine\n", "node:22-alpine", 4),
            // ONBUILD RUN with a here-document.
            ("FROM node:22-alpine\nONBUILD RUN <<EOF\nFROM node:22-bookworm\nEOF\n", "node:22-alpine", 1),
        ]
        for (text, image, line) in cases {
            let base = try Dockerfile.base(of: text, path: "Dockerfile", stage: nil)
            #expect(base.reference == image + ":latest" || base.reference == image, "\(text)")
            #expect(base.line == line, "\(text)")
        }
        #expect {
            try Dockerfile.base(of: "FROM node:22 AS build\nRUN cat <<EOF\nnever ends\n", path: "D", stage: nil)
        } throws: { ($0 as? DockerfileError).map { $0.line == 2 && $0.detail.contains("unterminated here-document <<EOF") } == true }
    }

    /// The rest of BuildKit's line rules: a byte order mark, the `# escape=` directive, spaces
    /// after the continuation character, comment and empty lines inside a continuation.
    @Test func escapeDirectiveByteOrderMarkAndContinuations() throws {
        let backtick = "\u{FEFF}# escape=`\nFROM node:22-bookworm AS build\nRUN dir c:\\ `\n  && echo\nFROM node:22-alpine `\n   AS runtime\n"
        let base = try Dockerfile.base(of: backtick, path: "D", stage: nil)
        #expect(base.reference == "node:22-alpine" && base.stage == "runtime" && base.line == 5)
        #expect(try Dockerfile.base(of: "\u{FEFF}FROM node:22-alpine\n", path: "D", stage: nil).line == 1)
        let continued = "FROM node:22-bookworm AS build \\  \n# a comment inside\n\n  \nRUN true\nFROM \\\t\n\n  node:22-alpine\n"
        let found = try Dockerfile.base(of: continued, path: "D", stage: nil)
        #expect(found.reference == "node:22-alpine" && found.line == 6)
        #expect(try Dockerfile.base(of: continued, path: "D", stage: "build").line == 1)
        #expect(throws: DockerfileError.self) { try Dockerfile.base(of: "# escape=x\nFROM a\n", path: "D", stage: nil) }
    }

    /// `--platform=$TARGETPLATFORM` is the platform being built: the one judged (no error, no
    /// fixed architecture); `$BUILDPLATFORM` is the build machine's, said in a warning; an ARG
    /// of the user's without a value is an error naming --build-arg.
    @Test func automaticPlatformArgumentsAndBuildArgs() throws {
        let target = try Dockerfile.base(of: "FROM --platform=$TARGETPLATFORM node:22-alpine\n", path: "D", stage: nil)
        #expect(target.platform == nil && target.platformArchitecture == nil && target.warnings.count == 1)
        let build = try Dockerfile.base(of: "FROM --platform=${BUILDPLATFORM} node:22-alpine\n", path: "D", stage: nil)
        #expect(build.platform == nil && build.warnings.contains { $0.contains("$BUILDPLATFORM") })
        let fixed = try Dockerfile.base(of: "FROM --platform=linux/arm64/v8 node:22-alpine AS a\nFROM a\n", path: "D", stage: nil)
        #expect(fixed.platformArchitecture == "arm64/v8")
        #expect {
            try Dockerfile.base(of: "ARG PLATFORM\nFROM --platform=$PLATFORM node:22-alpine\n", path: "D", stage: nil)
        } throws: { ($0 as? DockerfileError)?.detail.contains("--build-arg") == true }
        let arg = try Dockerfile.base(of: "ARG PLATFORM\nFROM --platform=$PLATFORM node:22-alpine\n", path: "D", stage: nil, buildArgs: ["PLATFORM": "linux/arm64"])
        #expect(arg.platformArchitecture == "arm64")
        // --build-arg replaces a global ARG's default, as `docker build` does; one no ARG declares is a warning.
        let text = "ARG BASE=node:22-bookworm\nFROM ${BASE} AS runtime\nARG INSIDE\n"
        #expect(try Dockerfile.base(of: text, path: "D", stage: nil).reference == "node:22-bookworm")
        let overridden = try Dockerfile.base(of: text, path: "D", stage: nil, buildArgs: ["BASE": "node:22-alpine", "INSIDE": "x", "NOPE": "y"])
        #expect(overridden.reference == "node:22-alpine" && overridden.imageArguments == ["BASE"])
        #expect(overridden.warnings.filter { $0.hasPrefix("--build-arg") } == ["--build-arg NOPE: D declares no ARG NOPE; it changes nothing"])
        #expect {
            try Dockerfile.base(of: "ARG NODE\nFROM node:${NODE}-alpine\n", path: "D", stage: nil)
        } throws: { ($0 as? DockerfileError)?.detail.contains("--build-arg NAME=VALUE") == true }
        #expect(try Dockerfile.base(of: "ARG NODE\nFROM node:${NODE}-alpine\n", path: "D", stage: nil, buildArgs: ["NODE": "20"]).reference == "node:20-alpine")
    }

    /// The substitution forms BuildKit's lexer evaluates in a FROM: `:-`, `-`, `:+`, `+`; any
    /// other (`${V%-alpine}`) is refused by its own name, not as "an ARG without a default".
    @Test func substitutionForms() throws {
        func reference(_ text: String) throws -> String { try Dockerfile.base(of: text, path: "D", stage: nil).reference }
        #expect(try reference("ARG V=x\nFROM node:22${V:+-alpine}\n") == "node:22-alpine")
        #expect(try reference("ARG V=\nFROM node:22${V:+-alpine}\n") == "node:22")
        #expect(try reference("ARG V=\nFROM node:22${V+-alpine}\n") == "node:22-alpine")
        #expect(try reference("ARG V=\nFROM node:${V:-20}-slim\n") == "node:20-slim")
        #expect(try reference("ARG V=\nFROM node:22${V-x}-slim\n") == "node:22-slim")
        #expect(try reference("ARG V\nFROM node:${V-21}-slim\n") == "node:21-slim")
        #expect {
            try Dockerfile.base(of: "ARG V=node:22-alpine\nFROM ${V%-alpine}-bookworm-slim\n", path: "D", stage: nil)
        } throws: { ($0 as? DockerfileError)?.detail.contains("uses ${V%-alpine}, a substitution basefit does not evaluate") == true }
    }

    /// A review's cases: a shell-form RUN that starts with `[` still opens its here-document
    /// (only a JSON array is the exec form); BuildKit's white space (a form feed before an
    /// instruction, a vertical tab between its words); a quoted here-document name with a
    /// space; a nested default; a byte order mark kept by the patch.
    @Test func buildKitEdgesAReviewFound() throws {
        func base(_ text: String) throws -> DockerfileBase { try Dockerfile.base(of: text, path: "D", stage: nil) }
        #expect(try base("FROM node:22-alpine\nRUN [ -d /app ] || mkdir /app; cat <<EOF > /app/x\nFROM node:22-bookworm-slim\nEOF\nCMD [\"node\"]\n").line == 1)
        #expect(try base("FROM node:22-alpine\nRUN [\"sh\", \"-c\", \"cat <<EOF\"]\nFROM node:22-bookworm-slim\n").line == 3)
        #expect(try base("FROM node:22-bookworm-slim\n\u{0C}FROM node:22-alpine\n").reference == "node:22-alpine")
        #expect(try base("FROM node:22-bookworm-slim\nFROM\u{0B}node:22-alpine\n").reference == "node:22-alpine")
        #expect(try base("FROM node:22-alpine\nRUN cat <<\"END OF\" > /x\nFROM node:22-bookworm-slim\nEND OF\n").line == 1)
        #expect(try base("ARG BASE=node:22-bookworm-slim\nFROM ${BASE:-${X}}\n").reference == "node:22-bookworm-slim")
        #expect(try base("ARG V\nFROM ${V:-node:${N:-22}-alpine}\n").reference == "node:22-alpine")
        let marked = "\u{FEFF}FROM node:22-alpine\nCMD [\"node\"]\n"
        #expect(try Dockerfile.switchingBase(marked, line: 1, to: "node:22-bookworm-slim", path: "D") == "\u{FEFF}FROM node:22-bookworm-slim\nCMD [\"node\"]\n")
    }

    @Test func digestsAndRegistries() throws {
        let digest = "sha256:" + String(repeating: "0123456789abcdef", count: 4)
        let pinned = try Dockerfile.base(of: "FROM docker.io/library/python:3.12-slim@\(digest)\n", path: "D", stage: nil)
        #expect(pinned.reference == "python:3.12-slim")
        #expect(pinned.digest == digest)
        #expect(pinned.warnings.isEmpty)
        // A digest that is not sha256 and 64 hex digits is not a pin (and `check` refuses it).
        let bogus = try Dockerfile.base(of: "FROM python:3.12-slim@sha256:abc\n", path: "D", stage: nil)
        #expect(bogus.digest == nil)
        #expect(try Dockerfile.base(of: "FROM alpine\n", path: "D", stage: nil).reference == "alpine:latest")
        #expect(try Dockerfile.base(of: "from scratch\n", path: "D", stage: nil).reference == "scratch")
        #expect(try Dockerfile.base(of: "FROM gcr.io/distroless/cc-debian12:nonroot\n", path: "D", stage: nil).reference
                == "gcr.io/distroless/cc-debian12:nonroot")
    }

    @Test func continuationLinesAndErrors() throws {
        let text = "FROM \\\n  node:20-alpine3.22 \\\n  AS app\n"
        #expect(try Dockerfile.base(of: text, path: "D", stage: "app").reference == "node:20-alpine3.22")
        #expect(throws: DockerfileError.self) { try Dockerfile.base(of: "RUN true\n", path: "D", stage: nil) }
        #expect {
            try Dockerfile.base(of: "FROM node:22 AS a\n", path: "D", stage: "b")
        } throws: { ($0 as? DockerfileError)?.detail.contains("no stage named b (stages: a)") == true }
        #expect {
            try Dockerfile.base(of: "ARG BASE\nFROM $BASE\n", path: "D", stage: nil)
        } throws: { ($0 as? DockerfileError)?.line == 2 }
    }

    /// `ARG` words with an empty name (`=`, `=x`) name nothing; the fuzzer found that
    /// `ARG BASE# =` trapped (Fixtures/hostile/fuzz/dockerfile-arg-equals-only).
    @Test func argWordsWithoutANameAreIgnored() throws {
        let base = try Dockerfile.base(of: "ARG = =x A=1\nFROM node:${A}", path: "Dockerfile", stage: nil)
        #expect(base.image == "node:1")
        let directory = TestPaths.fixtures.appendingPathComponent("hostile/fuzz")
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasPrefix("dockerfile-") {
            let path = directory.appendingPathComponent(name).path
            do {
                _ = try Dockerfile.base(file: path, stage: nil)
            } catch {
                #expect(error.path == path && !error.detail.isEmpty)
            }
        }
    }
}
