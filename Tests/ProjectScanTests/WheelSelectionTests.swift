import Foundation
import Testing
import TestSupport
@testable import ELFInspection
@testable import ProjectScan

/// Which wheel pip installs per platform: basefit's tag order against packaging.tags,
/// and basefit's pick against `pip download` from a local index of real PyPI files.
@Suite(.serialized) struct WheelSelectionTests {
    static let platforms: [LockfilePlatform] = [
        LockfilePlatform(libc: .glibc, libcVersion: VersionNumber([2, 36]), architecture: .amd64, python: "3.12"),
        LockfilePlatform(libc: .glibc, libcVersion: VersionNumber([2, 28]), architecture: .arm64, python: "3.11"),
        LockfilePlatform(libc: .musl, libcVersion: VersionNumber([1, 2]), architecture: .amd64, python: "3.12"),
        LockfilePlatform(libc: .musl, libcVersion: VersionNumber([1, 2]), architecture: .arm64, python: "3.13"),
        LockfilePlatform(libc: .glibc, libcVersion: VersionNumber([2, 41]), architecture: .amd64, python: "3.13", freeThreaded: true),
        LockfilePlatform(libc: .musl, libcVersion: VersionNumber([1, 1]), architecture: .arm(.v7), python: "3.12"),
        LockfilePlatform(libc: .glibc, libcVersion: VersionNumber([2, 31]), architecture: .i386, python: "3.11"),
    ]

    @Test func tagOrderMatchesPackaging() throws {
        guard let python = Run.which("python3") else { print("skipping: no python3"); return }
        let script = TestPaths.fixtures.appendingPathComponent("lockfiles/oracle/wheel_tags.py").path
        for platform in Self.platforms {
            let tags = try #require(WheelTags(platform))
            let arch = try #require(WheelTags.wheelArchitecture(platform.architecture))
            var arguments = [script, platform.libc.rawValue, platform.libcVersion!.description, arch, platform.python!]
            if platform.freeThreaded { arguments.append("t") }
            let result = try Run.program(python, arguments)
            guard result.status == 0 else { print("skipping: packaging oracle failed: \(result.stderr.suffix(300))"); return }
            struct Expected: Decodable { var platforms: [String]; var tags: [String] }
            let expected = try JSONDecoder().decode(Expected.self, from: Data(result.stdout.utf8))
            #expect(tags.platforms == expected.platforms, "\(platform)")
            #expect(tags.ordered == expected.tags, "\(platform): first difference at \(Array(zip(tags.ordered, expected.tags)).firstIndex { $0.0 != $0.1 } ?? -1)")
        }
    }

    static let pins: [(String, String)] = [
        ("numpy", "2.1.3"), ("cryptography", "43.0.3"), ("orjson", "3.10.11"), ("pydantic-core", "2.23.4"),
        ("psycopg2", "2.9.10"), ("psycopg2-binary", "2.9.10"), ("markupsafe", "3.0.2"), ("typing-extensions", "4.12.2"),
    ]

    /// The files of one release from the cached index JSON, with their requires-python.
    static func release(_ project: String, _ version: String) throws -> (files: [PythonLockfile.File], requiresPython: [String: String]) {
        var files: [PythonLockfile.File] = []
        var requires: [String: String] = [:]
        for entry in try LocalIndex.files(of: project) {
            guard let name = entry["filename"] as? String else { continue }
            let fileVersion = WheelName(fileName: name)?.version ?? (name.hasSuffix(".tar.gz") ? String(name.dropLast(7).split(separator: "-").last ?? "") : "")
            guard fileVersion == version else { continue }
            files.append(PythonLockfile.File(filename: name, url: entry["url"] as? String))
            if let range = entry["requires-python"] as? String { requires[name] = range }
        }
        return (files, requires)
    }

    @Test func picksMatchPipDownload() throws {
        let index: LocalIndex
        let pip: String
        do {
            index = try LocalIndex()
            pip = try LocalIndex.pip()
        } catch {
            print("skipping the pip oracle: \(error)")
            return
        }
        defer { index.stop() }
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-pip-\(getpid())")
        defer { try? FileManager.default.removeItem(at: destination) }
        var compared = 0
        for platform in Self.platforms {
            let tags = try #require(WheelTags(platform))
            let abi = "cp" + platform.python!.replacingOccurrences(of: ".", with: "") + (platform.freeThreaded ? "t" : "")
            for (project, version) in Self.pins {
                let (files, requires) = try Self.release(project, version)
                #expect(!files.isEmpty, "\(project) \(version) not in the index")
                let ours = WheelSelection.select(files, tags: tags, python: platform.python, requiresPython: requires)
                try? FileManager.default.removeItem(at: destination)
                var arguments = ["download", "-q", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
                                 "--no-cache-dir", "--python-version", platform.python!, "--implementation", "cp", "--abi", abi,
                                 "--index-url", index.simpleURL, "-d", destination.path, "\(project)==\(version)"]
                for tag in tags.platforms { arguments += ["--platform", tag] }
                let result = try Run.program(pip, arguments)
                let downloaded = (try? FileManager.default.contentsOfDirectory(atPath: destination.path)) ?? []
                if result.status == 0 {
                    #expect(ours.wheel?.filename == downloaded.first, "\(project) on \(platform): pip took \(downloaded), basefit \(ours.outcome)")
                } else {
                    #expect(result.stderr.contains("No matching distribution") || result.stderr.contains("Could not find a version"),
                            "pip failed otherwise: \(result.stderr.suffix(300))")
                    #expect(ours.wheel == nil, "\(project) on \(platform): pip found no wheel, basefit picked \(ours.outcome)")
                }
                compared += 1
            }
        }
        #expect(compared == Self.platforms.count * Self.pins.count)
    }

    @Test func psycopg2BuildsFromSourceEverywhere() throws {
        let platform = Self.platforms[2]
        let tags = try #require(WheelTags(platform))
        let lockfile = try PythonLockfile.read(path: TestPaths.fixtures.appendingPathComponent("lockfiles/python-ingest/uv.lock").path)
        let psycopg2 = try #require(lockfile.pins.first { $0.name == "psycopg2" })
        let selection = WheelSelection.select(psycopg2.files ?? [], tags: tags, python: "3.12")
        #expect(selection.outcome == .sdist(try #require(psycopg2.files?.first { $0.isSdist })))
        let binary = try #require(lockfile.pins.first { $0.name == "psycopg2-binary" })
        #expect(WheelSelection.select(binary.files ?? [], tags: tags, python: "3.12").wheel?.filename
                == "psycopg2_binary-2.9.10-cp312-cp312-musllinux_1_2_x86_64.whl")
    }

    @Test func requiresPythonSpecifiers() {
        #expect(PythonSpecifier.allows(">=3.10", version: "3.12"))
        #expect(!PythonSpecifier.allows(">=3.10", version: "3.9"))
        #expect(PythonSpecifier.allows(">=3.8, !=3.9.*, <4", version: "3.12"))
        #expect(!PythonSpecifier.allows(">=3.8, !=3.9.*", version: "3.9"))
        #expect(PythonSpecifier.allows("~=3.10", version: "3.13"))
        #expect(!PythonSpecifier.allows("<3.13", version: "3.13"))
    }

    /// A version line whose patch release is unknown (the catalog records `3.12`): decided
    /// only when packaging's SpecifierSet says the same for every patch release 0…40.
    @Test func aLineIsDecidedOnlyWhenEveryPatchReleaseAgrees() throws {
        let cases = [(">=3.11", "3.12"), (">=3.11", "3.10"), ("==3.11.*", "3.11"), ("==3.11.*", "3.12"), ("==3.12.0", "3.12"),
                     (">=3.12.4", "3.12"), (">=3.11, <=3.12", "3.12"), ("<3.13", "3.12"), ("!=3.12.4", "3.12"), ("~=3.12.2", "3.12"),
                     (">3.12", "3.12"), ("==3.12.7", "3.11"), (">=3.8, !=3.9.*, <4", "3.9"), ("<3.12.1", "3.12")]
        guard let python = Run.which("python3") else { print("skipping: no python3"); return }
        let script = """
        import json, sys
        from packaging.specifiers import SpecifierSet
        out = []
        for spec, line in json.loads(sys.argv[1]):
            answers = {f"{line}.{p}" in SpecifierSet(spec) for p in range(41)}
            out.append(answers.pop() if len(answers) == 1 else None)
        print(json.dumps(out))
        """
        let input = String(decoding: try JSONSerialization.data(withJSONObject: cases.map { [$0.0, $0.1] }), as: UTF8.self)
        let result = try Run.program(python, ["-c", script, input])
        guard result.status == 0 else { print("skipping: \(result.stderr.suffix(200))"); return }
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [Any])
        #expect(expected.contains { $0 is NSNull } && expected.contains { ($0 as? Bool) == true } && expected.contains { ($0 as? Bool) == false })
        for ((specifier, line), oracle) in zip(cases, expected) {
            #expect(PythonSpecifier.decides(specifier, line: line) == oracle as? Bool, "\(specifier) on \(line)")
        }
        // Alternatives (PDM's lock targets) and a full version.
        #expect(PythonSpecifier.decides(">=3.12 || ==3.10.*", line: "3.10") == true)
        #expect(PythonSpecifier.decides(">=3.12 || ==3.10.*", line: "3.11") == false)
        #expect(PythonSpecifier.decides("==3.12.0", line: "3.12.0") == true)
        // Clauses not read exactly are not decided (they had been taken as holding), and a
        // patch number at Int.max does not overflow.
        for unread in ["===3.12", "~=3", ">=3.12.99999999999999999999", "<3.12.0rc1", "==3.12.*.1", ">=v3.12", ">=3.12,", ""] {
            #expect(PythonSpecifier.decides(unread, line: "3.12") == nil, "\(unread)")
        }
        #expect(PythonSpecifier.decides(">=3.12.9223372036854775807", line: "3.12") == nil)
        #expect(PythonSpecifier.decides("<3.11.9223372036854775807", line: "3.12") == false)
    }
}
