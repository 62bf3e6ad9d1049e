import Foundation
import Testing
import TestSupport

/// A requirements file pinning two real (tiny) wheels from the committed test index
/// (Fixtures/pypi/demo/build.py): bfdemo-pq's extension NEEDs libpq.so.5, which the wheel
/// does not bundle (its own helper in bfdemo_pq.libs/ it does), and bfdemo-cxx's needs
/// GLIBCXX_3.4.32. Each candidate image is held to the wheel pip picks there, by that
/// wheel's ELF facts read from the index.
@Suite(.serialized) struct LockedWheelCommandTests {
    static let pq = "bfdemo_pq-1.0-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    static let cxx = "bfdemo_cxx-1.0-cp39-abi3-manylinux_2_28_x86_64.whl"
    static let pqModule = pq + "!/bfdemo_pq/_pq.abi3.so"
    static let cxxModule = cxx + "!/bfdemo_cxx/_cxx.abi3.so"

    /// A checkout holding only `requirements.txt`, and its own cache (wheel facts, catalog).
    struct Checkout {
        var directory: URL
        var requirements: String { directory.appendingPathComponent("requirements.txt").path }
        var environment: [String: String] {
            var environment = ProcessInfo.processInfo.environment
            environment["XDG_CACHE_HOME"] = directory.appendingPathComponent("cache").path
            environment.removeValue(forKey: "PIP_INDEX_URL")
            environment.removeValue(forKey: "PIP_EXTRA_INDEX_URL")
            return environment
        }

        init(_ pins: String) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-wheels-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try pins.write(to: directory.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }

        func basefit(_ arguments: [String]) throws -> ProcessResult {
            try Run.program(TestPaths.executable.path, arguments, currentDirectory: TestPaths.packageRoot, environment: environment)
        }
    }

    func demoIndex() -> LocalIndex? {
        do { return try LocalIndex(root: LocalIndex.demoRoot) } catch {
            print("skipping: \(error)")
            return nil
        }
    }

    func candidates(_ stdout: String) throws -> [String: [String: Any]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        let list = try #require(object["candidates"] as? [[String: Any]])
        return Dictionary(list.map { ($0["image"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    func problems(_ candidate: [String: Any]?) -> [[String: Any]] {
        candidate?["problems"] as? [[String: Any]] ?? []
    }

    @Test func thePickedWheelIsHeldToEachImage() throws {
        guard let index = demoIndex() else { return }
        defer { index.stop() }
        let checkout = try Checkout("bfdemo-pq==1.0\nbfdemo-cxx==1.0\n")
        defer { checkout.remove() }
        let result = try checkout.basefit(["recommend", checkout.requirements, "--index-url", index.simpleURL, "--format", "json", "--verbose"])
        #expect(result.status == 0, "\(result.stderr)")
        let byImage = try candidates(result.stdout)

        // Debian 13 slim: the extension's libpq.so.5 is the image's job (an install fixes it).
        let slim = try #require(byImage["python:3.12-slim-trixie"])
        #expect(slim["compatible"] as? Bool == false)
        #expect(slim["fixable"] as? Bool == true)
        let missing = try #require(problems(slim).first { $0["kind"] as? String == "missing-library" })
        #expect(missing["library"] as? String == "libpq.so.5")
        #expect(missing["artifact"] as? String == Self.pqModule)
        #expect((slim["installPackages"] as? [String]) == ["libpq5"])

        // Debian 12 (full, with libpq5): the manylinux_2_28 tag fits glibc 2.36, but the member needs
        // GLIBCXX_3.4.32 and bookworm's libstdc++ stops at 3.4.30.
        let bookworm = try #require(byImage["python:3.12-bookworm"])
        #expect(bookworm["compatible"] as? Bool == false)
        let glibcxx = try #require(problems(bookworm).first { $0["kind"] as? String == "version-too-old" })
        #expect(glibcxx["version"] as? String == "GLIBCXX_3.4.32")
        #expect(glibcxx["library"] as? String == "libstdc++.so.6")
        #expect(glibcxx["artifact"] as? String == Self.cxxModule)
        #expect((glibcxx["symbols"] as? [String]) == ["_ZSt21ios_base_library_initv"])
        #expect(!problems(bookworm).contains { $0["kind"] as? String == "missing-library" })

        // Debian 13 full: libpq5 and GLIBCXX_3.4.33.
        #expect(byImage["python:3.12-trixie"]?["compatible"] as? Bool == true)

        // The library the wheel bundles in bfdemo_pq.libs/ is never asked of an image.
        #expect(!result.stdout.contains("needs libbfhelper"))
        // Alpine: no musllinux wheel and no sdist.
        #expect(problems(byImage["python:3.12-alpine3.23"]).contains { $0["kind"] as? String == "locked-no-build" })

        // PEP 658: the index lists no requires-python for bfdemo-cxx; its METADATA says >=3.10, and
        // pip refuses it on CPython 3.9 although the cp39-abi3 tag fits.
        let py39 = problems(byImage["python:3.9-slim-bookworm"])
        #expect(py39.contains { ($0["message"] as? String)?.contains("METADATA says Requires-Python >=3.10") == true }, "\(py39)")
        #expect(!problems(byImage["python:3.10-slim-bookworm"]).contains { ($0["message"] as? String)?.contains("Requires-Python") == true })
        #expect(result.stderr.contains("wheels: 2 picked"), "\(result.stderr)")
        #expect(result.stderr.contains("2 METADATA files"), "\(result.stderr)")

        // check: the same verdicts, one image at a time.
        let gate = try checkout.basefit(["check", checkout.requirements, "--index-url", index.simpleURL, "--base", "python:3.12-slim-trixie"])
        #expect(gate.status == 1)
        #expect(gate.stdout.contains("\(Self.pqModule) needs libpq.so.5"), "\(gate.stdout)")
        let allowed = try checkout.basefit(["check", checkout.requirements, "--index-url", index.simpleURL, "--base", "python:3.12-slim-trixie", "--allow-installs"])
        #expect(allowed.status == 0, "\(allowed.stdout)")
        let trixie = try checkout.basefit(["check", checkout.requirements, "--index-url", index.simpleURL, "--base", "python:3.13-trixie"])
        #expect(trixie.status == 0, "\(trixie.stdout)\(trixie.stderr)")
        // PIP_INDEX_URL is honoured by check too.
        var environment = checkout.environment
        environment["PIP_INDEX_URL"] = index.simpleURL
        let viaEnvironment = try Run.program(TestPaths.executable.path, ["check", checkout.requirements, "--base", "python:3.12-bookworm"],
                                             currentDirectory: TestPaths.packageRoot, environment: environment)
        #expect(viaEnvironment.status == 1)
        #expect(viaEnvironment.stdout.contains("needs GLIBCXX_3.4.32"), "\(viaEnvironment.stdout)\(viaEnvironment.stderr)")
    }

    @Test func scanThenRequirementsGivesTheSameAnswerOffline() throws {
        guard let index = demoIndex() else { return }
        let checkout = try Checkout("bfdemo-pq==1.0\nbfdemo-cxx==1.0\n")
        defer { checkout.remove() }
        let scan = try checkout.basefit(["scan", checkout.requirements, "--index-url", index.simpleURL, "--format", "json"])
        let direct = try checkout.basefit(["recommend", checkout.requirements, "--index-url", index.simpleURL, "--format", "json"])
        let directCheck = try checkout.basefit(["check", checkout.requirements, "--index-url", index.simpleURL, "--base", "python:3.12-bookworm", "--format", "json"])
        index.stop()
        #expect(scan.status == 0, "\(scan.stderr)")
        let file = checkout.directory.appendingPathComponent("requirements.json")
        try scan.stdout.write(to: file, atomically: true, encoding: .utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(scan.stdout.utf8)) as? [String: Any])
        let wheels = try #require(((object["requirements"] as? [String: Any])?["lockfiles"] as? [String: Any])?["wheels"] as? [String: Any])
        #expect(Set(wheels.keys) == [Self.pq, Self.cxx])

        // The index is gone: the requirements file alone gives the same answers.
        let fromFile = try checkout.basefit(["recommend", "--requirements", file.path, "--format", "json"])
        #expect(fromFile.status == direct.status)
        #expect(try candidates(fromFile.stdout).mapValues { "\($0["compatible"]!) \(problems($0).compactMap { $0["message"] as? String })" }
                == candidates(direct.stdout).mapValues { "\($0["compatible"]!) \(problems($0).compactMap { $0["message"] as? String })" })
        let checkFromFile = try checkout.basefit(["check", "--requirements", file.path, "--base", "python:3.12-bookworm", "--format", "json"])
        #expect(checkFromFile.status == 1 && directCheck.status == 1)
        #expect(checkFromFile.stdout == directCheck.stdout)

        // Written before wheels were read (no `wheels`, no `metadataSHA256`): schema 1 still reads it,
        // and the images are held to the wheels' tags only.
        var older = object
        var requirements = try #require(older["requirements"] as? [String: Any])
        var lockfiles = try #require(requirements["lockfiles"] as? [String: Any])
        lockfiles.removeValue(forKey: "wheels")
        requirements["lockfiles"] = lockfiles
        older["requirements"] = requirements
        let olderFile = checkout.directory.appendingPathComponent("older.json")
        try JSONSerialization.data(withJSONObject: older).write(to: olderFile)
        let fromOlder = try checkout.basefit(["check", "--requirements", olderFile.path, "--base", "python:3.12-bookworm"])
        #expect(fromOlder.status == 0, "\(fromOlder.stdout)\(fromOlder.stderr)")
        #expect(!fromOlder.stdout.contains("GLIBCXX"))
    }

    /// The oracle: pip picks the wheel for the root's platform from the same index and installs it
    /// (`--no-deps --target` into the root), and the root's own CPython imports it in a chroot;
    /// `check --rootfs` must agree, wheel by wheel.
    @Test func checkRootfsAgreesWithImportInAChroot() throws {
        let roots = ["bookworm-python", "trixie-python"].map { DebianRoots.cache + "/" + $0 }
            .filter { FileManager.default.fileExists(atPath: $0 + "/.basefit-complete") }
        guard getuid() == 0, !roots.isEmpty, FileManager.default.fileExists(atPath: "/usr/sbin/chroot") else {
            print("skipping: needs root, chroot and the debootstrapped python roots (scripts/rootfs.sh)")
            return
        }
        let pip: String
        do { pip = try LocalIndex.pip() } catch {
            print("skipping: \(error)")
            return
        }
        guard let index = demoIndex() else { return }
        defer { index.stop() }
        var agreed = 0
        for root in roots {
            let python = try #require(["3.13", "3.11"].first { FileManager.default.fileExists(atPath: root + "/usr/bin/python\($0)") })
            // pip takes --platform literally: every manylinux tag the root's glibc accepts, best first.
            let glibcMinor = root.contains("trixie") ? 41 : 36
            let platforms = (5...glibcMinor).reversed().map { "manylinux_2_\($0)_x86_64" } + ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64", "linux_x86_64"]
            for (project, module) in [("bfdemo-pq", "bfdemo_pq._pq"), ("bfdemo-cxx", "bfdemo_cxx._cxx")] {
                let checkout = try Checkout("\(project)==1.0\n")
                defer { checkout.remove() }
                let verdict = try checkout.basefit(["check", checkout.requirements, "--index-url", index.simpleURL, "--rootfs", root])
                #expect(verdict.status != 2, "\(verdict.stdout)\(verdict.stderr)")

                let downloads = checkout.directory.appendingPathComponent("pip")
                let picked = try Run.program(pip, [
                    "download", "--no-deps", "--only-binary=:all:", "--no-cache-dir", "--python-version", python,
                    "--implementation", "cp", "--index-url", index.simpleURL, "--dest", downloads.path, "\(project)==1.0",
                ] + platforms.flatMap { ["--platform", $0] })
                try #require(picked.status == 0, "\(picked.stderr)")
                let wheel = try #require(try FileManager.default.contentsOfDirectory(atPath: downloads.path).first { $0.hasSuffix(".whl") })
                #expect(verdict.stdout.contains(wheel) || verdict.status == 0, "pip picked \(wheel): \(verdict.stdout)")
                let target = "/tmp/basefit-oracle-\(getpid())"
                defer { try? FileManager.default.removeItem(atPath: root + target) }
                let installed = try Run.program(pip, ["install", "--no-deps", "--no-index", "--target", root + target, downloads.appendingPathComponent(wheel).path])
                try #require(installed.status == 0, "\(installed.stderr)")
                let imported = try Run.program("/usr/sbin/chroot", [root, "/usr/bin/python3", "-c", "import sys; sys.path.insert(0, '\(target)'); import \(module)"])
                #expect((imported.status == 0) == (verdict.status == 0),
                        "\(root) \(wheel): python says \(imported.status == 0 ? "ok" : imported.stderr); basefit says \(verdict.stdout)")
                agreed += 1
            }
        }
        #expect(agreed == roots.count * 2)
    }
}
