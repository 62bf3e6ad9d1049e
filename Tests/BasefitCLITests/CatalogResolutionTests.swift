import Foundation
import Testing
import TestSupport

/// The tags people write resolve to catalog rows, end of life ranks images, and rows
/// are true per architecture (issue #15). The clock is fixed (Run.today).
@Suite struct CatalogResolutionTests {
    func basefit(_ arguments: [String]) throws -> ProcessResult {
        try Run.program(TestPaths.executable.path, arguments, currentDirectory: TestPaths.packageRoot)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Spellings from the issue, the Dockerfile-practice articles and every registry form.
    static let spellings: [(written: String, row: String)] = [
        ("python:3.12-slim", "python:3.12-slim-trixie"), ("node:22-slim", "node:22-bookworm-slim"),
        ("node:20-alpine", "node:20-alpine3.23"), ("node:22", "node:22-bookworm"), ("alpine", "alpine:3.24"),
        ("alpine:latest", "alpine:3.24"), ("debian:12-slim", "debian:bookworm-slim"), ("ubuntu:latest", "ubuntu:26.04"),
        ("gcr.io/distroless/cc-debian12:nonroot", "gcr.io/distroless/cc-debian12"),
        ("cgr.dev/chainguard/node:latest-dev", "cgr.dev/chainguard/node"),
        ("gcr.io/distroless/cc-debian12", "gcr.io/distroless/cc-debian12"), ("cgr.dev/chainguard/node", "cgr.dev/chainguard/node"),
        ("docker.io/library/node:22-alpine", "node:22-alpine3.24"), ("index.docker.io/library/python:3.12-slim", "python:3.12-slim-trixie"),
        ("library/debian:bookworm-slim", "debian:bookworm-slim"), ("node:18.20.1-bookworm-slim", "node:18-bookworm-slim"),
        ("python:3.12.7-slim-bookworm", "python:3.12-slim-bookworm"), ("debian:12.5-slim", "debian:bookworm-slim"), ("alpine:3.20.1", "alpine:3.20"),
        ("debian:bookworm-20260803-slim", "debian:bookworm-slim"), ("gcr.io/distroless/cc", "gcr.io/distroless/cc-debian13"),
        ("node:lts-slim", "node:26-trixie-slim"), ("node:lts", "node:26-trixie"), ("node:lts-krypton", "node:24-bookworm"),
        ("busybox:glibc", "busybox:1.38-glibc"),
    ]

    @Test(arguments: spellings.map(\.written))
    func everySpellingResolvesAndGatesADockerfile(_ written: String) throws {
        let row = try #require(Self.spellings.first { $0.written == written }?.row)
        let show = try basefit(["catalog", "show", written, "--format", "json"])
        #expect(show.status == 0, "\(written): \(show.stderr)")
        let image = try #require(try json(show.stdout)["image"] as? [String: Any])
        #expect(image["reference"] as? String == row, "\(written) resolved to \(image["reference"] ?? "nil")")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-tags-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dockerfile = directory.appendingPathComponent("Dockerfile")
        try "FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM \(written)\nCOPY --from=build /app /app\n"
            .write(to: dockerfile, atomically: true, encoding: .utf8)
        let check = try basefit(["check", "Fixtures/elf/hello-static", "--dockerfile", dockerfile.path, "--format", "json"])
        #expect(check.status == 0 || check.status == 1, "\(written): exit \(check.status) \(check.stderr)")
        let object = try json(check.stdout)
        #expect(object["image"] as? String == row)
        let plain = ["docker.io/library/", "index.docker.io/library/", "library/"].reduce(written) { text, prefix in
            text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
        }
        if row != plain && !plain.hasPrefix(row) {
            let notes = try #require(object["notes"] as? [String])
            #expect(notes.contains { $0.contains(row) }, "\(written): the output must name the row: \(notes)")
        }
    }

    @Test func digestsAreUsedWhenKnownAndNotedWhenNot() throws {
        let digest = "sha256:" + String(repeating: "5e", count: 32)
        // A digest the catalog did not record is the tag's row only if the registry says the tag
        // names it now (PinnedDigestTests); --offline does not ask: not judged.
        let pinned = try basefit(["check", "Fixtures/elf/hello-glibc", "--base", "node:22-bookworm-slim@\(digest)", "--offline"])
        #expect(pinned.status == 2)
        #expect(pinned.stderr.contains("--offline does not ask the registry whether node:22-bookworm-slim names it now"), "\(pinned.stderr)")
        let digestOnly = try basefit(["check", "Fixtures/elf/hello-glibc", "--base", "node@\(digest)"])
        #expect(digestOnly.status == 2)
    }

    /// A patch release's tag is the image built that day, on the Debian or Alpine its line used
    /// then (python:3.12.7-slim: bookworm; the line is trixie now), and a tag that floats over
    /// lines (`python:3-slim`, the newest 3.x) is not the line of 3.7 or 3.15: neither is judged
    /// as today's line row (they were, with glibc 2.41 for a glibc 2.36 or 2.31 image).
    @Test func patchTagsWithoutTheirSuiteAndOtherLinesAreNotJudgedAsTodaysRow() throws {
        for written in ["python:3.12.7-slim", "node:18.20.1-slim", "node:22.11.0-alpine", "python:3.12.7-alpine"] {
            let result = try basefit(["check", "Fixtures/elf/hello-glibc", "--base", written])
            #expect(result.status == 2, "\(written): \(result.stdout)")
            #expect(result.stderr.contains("write the suite as well"), "\(written): \(result.stderr)")
        }
        // And CPython 3.15 (2026-10-01) took python:3, latest, slim …; the catalog has no 3.15 rows.
        for written in ["python:3.15-slim", "python:3.7-slim", "alpine:3.17.3", "alpine:3.12", "busybox:1.36-glibc", "python:3.6-alpine",
                        "python:3-slim", "python", "python:latest", "python:alpine"] {
            let result = try basefit(["check", "Fixtures/elf/hello-glibc", "--base", written])
            #expect(result.status == 2, "\(written): \(result.stdout)")
            #expect(result.stderr.contains("not in the catalog"), "\(written): \(result.stderr)")
        }
    }

    @Test func unknownReferencesNameSimilarRows() throws {
        let result = try basefit(["check", "Fixtures/elf/hello-glibc", "--base", "node:99-slim"])
        #expect(result.status == 2)
        // The newest lines of the requested variant first.
        #expect(result.stderr.contains("node:99-slim: not in the catalog; similar: node:26-slim, node:24-slim, node:22-slim"), "\(result.stderr)")
    }

    /// Tags the catalog took away when they moved to an image it has not read say so, with the
    /// date, the source and the line they named before (Data/tools/scheduled_moves.py).
    @Test func retiredTagsSayWhy() throws {
        let cases: [(written: String, says: String)] = [
            ("python:3-slim", "python:3-slim: not in the catalog since 2026-10-01: it names CPython 3.15 from then"),
            ("docker.io/library/python", "Until then it was python:3.14-trixie"),
            ("python:alpine", "Until then it was python:3.14-alpine3.24"),
            ("cgr.dev/chainguard/python", "its only free tag, latest, moves to each new CPython minor and names CPython 3.15"),
            ("cgr.dev/chainguard/python:latest-dev", "cgr.dev/chainguard/python:latest-dev: not in the catalog since 2026-10-01"),
        ]
        for (written, says) in cases {
            let result = try basefit(["check", "Fixtures/elf/hello-glibc", "--base", written])
            #expect(result.status == 2, "\(written): \(result.stdout)")
            #expect(result.stderr.contains(says) && result.stderr.contains("release-cycle.json"), "\(written): \(result.stderr)")
        }
        let recommend = try basefit(["recommend", "Fixtures/projects/python-venv", "--format", "json"])
        #expect(!recommend.stdout.contains("cgr.dev/chainguard/python"))
    }

    @Test func listAndShowTheTags() throws {
        let list = try basefit(["catalog", "list", "--family", "python", "--tags"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("TAGS"))
        let row = try #require(list.stdout.split(separator: "\n").first { $0.hasPrefix("python:3.12-slim-trixie ") })
        #expect(row.contains("python:3.12-slim"), "\(row)")
        let show = try basefit(["catalog", "show", "python:3.12-slim"])
        #expect(show.stdout.contains("tags: ") && show.stdout.contains("(as of 2026-"), "\(show.stdout)")
    }

    // MARK: Lifecycle

    @Test func endOfLifeImagesAreNeverRecommendedWhileAMaintainedOneFits() throws {
        // A musl binary: alpine:3.19 is past its end of life and must not win.
        let musl = try json(try basefit(["recommend", "Fixtures/elf/hello-musl", "--runtime", "none", "--format", "json"]).stdout)
        let best = try #require(musl["recommended"] as? String)
        #expect(best != "alpine:3.19" && best != "alpine:3.18", "\(best)")
        let candidates = try #require(musl["candidates"] as? [[String: Any]])
        let bestStatus = candidates.first { $0["image"] as? String == best }?["status"] as? String
        #expect(bestStatus == "maintained")
        let ranked = try #require(musl["ranked"] as? [String])
        let statuses = ranked.map { name in candidates.first { $0["image"] as? String == name }?["status"] as? String ?? "" }
        // Every maintained image ranks before every end-of-life or discontinued one.
        if let firstOld = statuses.firstIndex(where: { $0 != "maintained" }) {
            #expect(!statuses[firstOld...].contains("maintained"), "\(zip(ranked, statuses).map { "\($0) \($1)" })")
        }
        // Node 20 is past its end of life: never the recommendation for a Node project.
        let node = try json(try basefit(["recommend", "Fixtures/projects/node-napi-rs", "--format", "json"]).stdout)
        let nodeBest = try #require(node["recommended"] as? String)
        #expect(!nodeBest.contains("node:20") && !nodeBest.contains("nodejs20"), "\(nodeBest)")
        let nodeRanked = try #require(node["ranked"] as? [String])
        #expect(nodeRanked.prefix(5).allSatisfy { !$0.hasPrefix("node:20") && !$0.hasPrefix("node:18") }, "\(nodeRanked.prefix(5))")
    }

    @Test func endOfLifeIsNotedInEveryFormatAndTheClockIsInjectable() throws {
        let text = try basefit(["check", "Fixtures/elf/hello-glibc", "--base", "node:20-bookworm-slim"])
        #expect(text.stdout.contains("no more security updates"), "\(text.stdout)")
        for format in ["json", "markdown", "github", "sarif"] {
            let result = try basefit(["check", "Fixtures/elf/hello-glibc", "--base", "node:20-bookworm-slim", "--format", format])
            #expect(result.stdout.contains("no more security updates"), "\(format): \(result.stdout)")
        }
        let list = try basefit(["catalog", "list", "--family", "node"])
        let row = try #require(list.stdout.split(separator: "\n").first { $0.hasPrefix("node:20-bookworm-slim ") })
        #expect(row.contains("discontinued") || row.contains("end of life"), "\(row)")
        // Before Node 20's end of life the same row is maintained.
        let earlier = try Run.program(TestPaths.executable.path, ["catalog", "show", "node:22-bookworm-slim", "--format", "json"],
                                      currentDirectory: TestPaths.packageRoot,
                                      environment: ProcessInfo.processInfo.environment.merging(["BASEFIT_TODAY": "2025-01-01"]) { $1 })
        #expect(try json(earlier.stdout)["image"].flatMap { ($0 as? [String: Any])?["status"] as? String } == "maintained")
        let later = try Run.program(TestPaths.executable.path, ["catalog", "show", "node:22-bookworm-slim", "--format", "json"],
                                    currentDirectory: TestPaths.packageRoot,
                                    environment: ProcessInfo.processInfo.environment.merging(["BASEFIT_TODAY": "2031-01-01"]) { $1 })
        #expect(try json(later.stdout)["image"].flatMap { ($0 as? [String: Any])?["status"] as? String } != "maintained")
        let bad = try Run.program(TestPaths.executable.path, ["catalog", "list"], currentDirectory: TestPaths.packageRoot,
                                  environment: ProcessInfo.processInfo.environment.merging(["BASEFIT_TODAY": "yesterday"]) { $1 })
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("BASEFIT_TODAY=yesterday is not a date"))
    }

    // MARK: Rows that were wrong

    @Test func busyboxGlibcLacksLibdl() throws {
        let dl = try basefit(["check", "Fixtures/elf/needs-libdl", "--base", "busybox:1.37-glibc"])
        #expect(dl.status == 1, "\(dl.stdout)")
        #expect(dl.stdout.contains("libdl.so.2"))
        let plain = try basefit(["check", "Fixtures/elf/hello-glibc", "--base", "busybox:1.37-glibc"])
        #expect(plain.status == 0, "\(plain.stdout)")
        #expect(try basefit(["check", "Fixtures/elf/needs-libdl", "--base", "debian:bookworm-slim"]).status == 0)
    }

    @Test func architecturesAreOnlyThosePublished() throws {
        // node 24 on bookworm is not published for arm/v7 or s390x (audit #5).
        let arm = try basefit(["check", "Fixtures/elf/hello-static", "--base", "node:24-bookworm-slim", "--arch", "arm/v7", "--runtime", "none"])
        #expect(arm.status == 1)
        #expect(arm.stdout.contains("is not published for arm/v7"), "\(arm.stdout)")
        let list = try basefit(["catalog", "list", "--arch", "arm/v7", "--format", "json"])
        let images = try #require(try json(list.stdout)["images"] as? [[String: Any]])
        #expect(!images.isEmpty)
        #expect(images.allSatisfy { ($0["architectures"] as? [String]).map { $0.contains("arm/v7") || $0 == ["any"] } == true })
    }

    /// numpy's aarch64 manylinux_2_28 wheel needs GCC_4.5.0 from libgcc_s.so.1, which Debian's
    /// arm64 libgcc_s defines and amd64's does not: judged with the arm64 measured set, it loads
    /// on python:3.12-slim-bookworm for arm64 (the arm64 loader agrees: NumpyArm64Tests).
    @Test func numpyAarch64WheelOnTheArm64RowsOfBookworm() throws {
        guard let wheel = try PyPIWheels.download("numpy-2.4.6-cp312-cp312-manylinux_2_27_aarch64.manylinux_2_28_aarch64.whl",
                                                  requirement: "numpy==2.4.6", platform: "manylinux_2_28_aarch64",
                                                  pythonVersion: "3.12", abi: "cp312") else {
            print("CatalogResolutionTests: skipped, PyPI unreachable (pip download numpy==2.4.6 cp312 aarch64 failed)")
            return
        }
        let bookworm = try basefit(["check", wheel, "--base", "python:3.12-slim-bookworm", "--arch", "arm64", "--format", "json"])
        #expect(bookworm.status == 0, "\(bookworm.stdout)")
        let requirements = try #require(try json(bookworm.stdout)["requirements"] as? [String: Any])
        #expect((requirements["minimum"] as? [String: String])?["GCC"] == "4.5.0")
        // The same wheel judged for amd64 is an architecture problem, never a pass.
        #expect(try basefit(["check", wheel, "--base", "python:3.12-slim-bookworm", "--arch", "amd64"]).status == 1)
        // The amd64 set of the same row lacks GCC_4.5.0: had the arm64 set not been measured, this
        // would have been the (wrong) verdict. Shown through bookworm's amd64 libgcc_s.
        let show = try json(try basefit(["catalog", "show", "debian:bookworm-slim", "--format", "json"]).stdout)
        let libraries = try #require((show["image"] as? [String: Any])?["libraries"] as? [[String: Any]])
        let libgcc = try #require(libraries.first { $0["soname"] as? String == "libgcc_s.so.1" })
        #expect((libgcc["versions"] as? [String])?.contains("GCC_4.5.0") == false)
    }

    @Test func catalogHasTheRowsPeopleUse() throws {
        let list = try json(try basefit(["catalog", "list", "--format", "json"]).stdout)
        let images = try #require(list["images"] as? [[String: Any]])
        #expect(images.count >= 120, "\(images.count) rows")
        let references = Set(images.compactMap { $0["reference"] as? String })
        for reference in ["node:26-trixie-slim", "python:3.14-slim-trixie", "alpine:3.23", "ubuntu:26.04",
                          "gcr.io/distroless/nodejs24-debian13", "gcr.io/distroless/python3-debian13", "busybox:1.38-glibc",
                          "node:18-bookworm-slim", "python:3.9-slim-bookworm", "debian:buster-slim", "alpine:3.18"] {
            #expect(references.contains(reference), "\(reference) missing")
        }
    }
}
