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
        #expect(contract["schemaVersion"] as? Int == 1)
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
