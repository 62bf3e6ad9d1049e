import Foundation
import Testing
import TestSupport

/// `scan --format json` writes the requirements contract; `check`/`recommend
/// --requirements FILE` read it back, and the advice equals the advice from the scan
/// itself (issue #11), for every fixture project.
@Suite struct RequirementsFileTests {
    static let projects = ["node-napi-rs", "node-glibc-addon", "node-pnpm", "node-prebuilds", "node-pure", "node-classic",
                           "python-venv", "python-venv-mixed", "python-venv-pure", "python-freethreaded", "wheels"]

    func basefit(_ arguments: [String]) throws -> ProcessResult {
        try Run.program(TestPaths.executable.path, arguments, currentDirectory: TestPaths.packageRoot)
    }

    /// The parts of an answer that must not depend on where the requirements came from.
    func answer(_ text: String) throws -> String {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        object["requirements"] = nil  // carries the same contract; compared through its digest below
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test(arguments: projects)
    func adviceFromTheFileEqualsAdviceFromTheScan(_ project: String) throws {
        let path = "Fixtures/projects/\(project)"
        let scan = try basefit(["scan", path, "--format", "json"])
        #expect(scan.status == 0, "\(scan.stderr)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-req-\(UUID().uuidString.prefix(8)).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try scan.stdout.write(to: file, atomically: true, encoding: .utf8)
        let scanned = try #require(try JSONSerialization.jsonObject(with: Data(scan.stdout.utf8)) as? [String: Any])
        let contract = try #require(scanned["requirements"] as? [String: Any])
        // Wheels carry their platform tags (and abi3 floors), which a reader must know: schema 3.
        #expect(contract["schemaVersion"] as? Int == (project == "wheels" ? 3 : 1))
        let digest = try #require(contract["digest"] as? String)

        for command in [["recommend"], ["check", "--base", "node:22-alpine3.22"]] {
            let direct = try basefit(command + [path, "--format", "json"])
            let viaFile = try basefit(command + ["--requirements", file.path, "--format", "json"])
            #expect(direct.status == viaFile.status, "\(project) \(command): exit \(direct.status) vs \(viaFile.status) \(viaFile.stderr)")
            #expect(try answer(direct.stdout) == (try answer(viaFile.stdout)), "\(project) \(command): advice differs")
            let echoed = try #require(try JSONSerialization.jsonObject(with: Data(viaFile.stdout.utf8)) as? [String: Any])
            let requirements = try #require(echoed["requirements"] as? [String: Any])
            // The profile judged is the scan's (restricted to the target architecture, the same in both).
            let directRequirements = try #require((try JSONSerialization.jsonObject(with: Data(direct.stdout.utf8)) as? [String: Any])?["requirements"] as? [String: Any])
            #expect(requirements["digest"] as? String == directRequirements["digest"] as? String)
        }
        // The bare requirements object works as well as the whole scan output.
        let bare = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-bare-\(UUID().uuidString.prefix(8)).json")
        defer { try? FileManager.default.removeItem(at: bare) }
        try JSONSerialization.data(withJSONObject: contract).write(to: bare)
        let fromBare = try basefit(["recommend", "--requirements", bare.path, "--format", "json"])
        let fromScan = try basefit(["recommend", path, "--format", "json"])
        #expect(fromBare.status == fromScan.status)
        #expect(digest.hasPrefix("fnv1a64:"))
    }

    /// A checkout without Git LFS: the program's `lib/libchaina.so.1` is an LFS pointer. The scan
    /// says so (finding and `libraryFailures` in the contract), and every image is refused with
    /// `unusable-library`, from the tree and from the requirements file alike, where an image that
    /// has libchaina.so.1 used to pass.
    @Test func aGitLFSPointerUnderALibrarysNameRefusesEveryImage() throws {
        let manager = FileManager.default
        let tree = manager.temporaryDirectory.appendingPathComponent("basefit-lfs-\(UUID().uuidString.prefix(8))").path
        defer { try? manager.removeItem(atPath: tree) }
        try manager.createDirectory(atPath: tree + "/bin", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: tree + "/lib", withIntermediateDirectories: true)
        try manager.copyItem(atPath: TestPaths.elf("chain/bin/app-both"), toPath: tree + "/bin/app")
        try manager.copyItem(atPath: TestPaths.elf("chain/lib/libchainb.so.1"), toPath: tree + "/lib/libchainb.so.1")
        try "version https://git-lfs.github.com/spec/v1\noid sha256:cf1633d61f6e902766e9b5a96cec32f8719bceeed04a2eab2fac3f2ea06579e9\nsize 15904\n"
            .write(toFile: tree + "/lib/libchaina.so.1", atomically: true, encoding: .utf8)

        let scan = try basefit(["scan", tree, "--format", "json"])
        #expect(scan.status == 0, "\(scan.stderr)")
        let scanned = try #require(try JSONSerialization.jsonObject(with: Data(scan.stdout.utf8)) as? [String: Any])
        let findings = scanned["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { $0["kind"] as? String == "project-library-refused" && $0["path"] as? String == tree + "/bin/app"
            && ($0["message"] as? String)?.contains("Git LFS pointer") == true }, "\(findings)")
        let files = (scanned["requirements"] as? [String: Any])?["files"] as? [[String: Any]] ?? []
        let app = try #require(files.first { $0["path"] as? String == tree + "/bin/app" })
        let failures = app["libraryFailures"] as? [[String: Any]] ?? []
        #expect(failures.count == 1 && failures.first?["reason"] as? String == "git-lfs-pointer"
                && failures.first?["library"] as? String == "libchaina.so.1" && failures.first?["path"] as? String == tree + "/lib/libchaina.so.1",
                "\(failures)")
        #expect((app["external"] as? [String]) == [], "the image's libchaina.so.1 is not what the loader stops at")
        #expect(files.first { $0["path"] as? String == tree + "/lib/libchainb.so.1" }?["libraryFailures"] == nil)
        let unjudged = (scanned["requirements"] as? [String: Any])?["unjudged"] as? [[String: Any]] ?? []
        #expect(unjudged.map { $0["path"] as? String } == [tree + "/lib/libchaina.so.1"], "the pointer itself is native code never fetched: \(unjudged)")

        let file = manager.temporaryDirectory.appendingPathComponent("basefit-lfs-\(UUID().uuidString.prefix(8)).json")
        defer { try? manager.removeItem(at: file) }
        try scan.stdout.write(to: file, atomically: true, encoding: .utf8)
        for source in [[tree], ["--requirements", file.path]] {
            let check = try basefit(["check"] + source + ["--base", "debian:bookworm-slim", "--format", "json"])
            #expect(check.status == 1, "\(source): \(check.stdout) \(check.stderr)")
            let problems = (try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])?["problems"] as? [[String: Any]] ?? []
            #expect(problems.map { $0["kind"] as? String } == ["unusable-library"], "\(source): \(problems)")
            let recommend = try basefit(["recommend"] + source + ["--format", "json"])
            #expect(recommend.status == 1, "\(source): nothing fits: \(recommend.stdout.prefix(400))")
        }
    }

    @Test func badRequirementsFilesAreRefusedByName() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-badreq-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases: [(String, String, String)] = [
            ("notjson.json", "this is not json", "not a basefit requirements file"),
            ("other.json", #"{"hello": 1}"#, "not a basefit requirements file"),
            ("newer.json", #"{"requirements": {"schemaVersion": 99, "files": [], "runtime": {}, "hints": []}}"#, "requirements schema 99"),
        ]
        for (name, text, expected) in cases {
            let file = directory.appendingPathComponent(name)
            try text.write(to: file, atomically: true, encoding: .utf8)
            let result = try basefit(["check", "--requirements", file.path, "--base", "debian:bookworm-slim"])
            #expect(result.status == 2, "\(name)")
            #expect(result.stderr.contains(file.path) && result.stderr.contains(expected), "\(name): \(result.stderr)")
        }
        let missing = try basefit(["recommend", "--requirements", directory.appendingPathComponent("nope.json").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read the requirements file"))
        let both = try basefit(["recommend", "Fixtures/elf/hello-glibc", "--requirements", "x.json"])
        #expect(both.status == 2)
    }
}
