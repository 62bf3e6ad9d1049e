import Foundation
import Testing
import TestSupport
@testable import ProjectScan

/// `Pipfile.lock` and `pdm.lock` read by basefit against Python's own readers (json, tomllib)
/// on real locks made by pipenv 2026.10.3 and PDM 2.29.4 against PyPI
/// (Fixtures/lockfiles/make_pipenv_pdm.sh), and the cases those locks do not hold.
@Suite struct PipenvPDMLockTests {
    static let pipfileLock = TestPaths.fixtures.appendingPathComponent("lockfiles/python-pipenv/Pipfile.lock").path
    static let pdmLock = TestPaths.fixtures.appendingPathComponent("lockfiles/python-pdm/pdm.lock").path

    @Test func pipfileLockMatchesJSON() throws {
        try PythonLockfileTests().compare(Self.pipfileLock, format: .pipfile)
        let lockfile = try PythonLockfile.read(path: Self.pipfileLock)
        #expect(lockfile.indexURL == "https://pypi.org/simple")
        #expect(lockfile.extraIndexURLs.isEmpty)
        #expect(lockfile.warnings.isEmpty, "\(lockfile.warnings)")
        // The hashes are what pip will accept: every one of the lock's sha256 values, nothing else.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.pipfileLock))) as? [String: Any])
        let numpy = try #require((object["default"] as? [String: Any])?["numpy"] as? [String: Any])
        let listed = (numpy["hashes"] as? [String] ?? []).map { String($0.dropFirst("sha256:".count)) }
        let pin = try #require(lockfile.pins.first { $0.name == "numpy" })
        #expect(listed.count > 20 && pin.hashes == listed)
        #expect(pin.files == nil && pin.origin == "Pipfile.lock default numpy")
        // typing-extensions is in both sections at one version: one pin.
        #expect(lockfile.pins.filter { $0.name == "typing-extensions" }.count == 1)
        #expect(lockfile.pins.first { $0.name == "pywin32" }?.marker == "sys_platform == 'win32'")
    }

    @Test func pdmLockMatchesTomllib() throws {
        try PythonLockfileTests().compare(Self.pdmLock, format: .pdm)
        let lockfile = try PythonLockfile.read(path: Self.pdmLock)
        #expect(lockfile.indexURL == nil && lockfile.extraIndexURLs.isEmpty)  // PyPI, or --index-url
        let cffi = try #require(lockfile.pins.first { $0.name == "cffi" })
        #expect(cffi.marker == "platform_python_implementation != \"PyPy\"")
        #expect(cffi.files?.contains { $0.filename == "cffi-2.1.1.tar.gz" && $0.sha256?.count == 64 } == true)
    }

    /// What the real locks do not hold: sources that are not an index, pins that are not one
    /// version, two versions of one project, and a file that is no lock at all.
    @Test func pipfileLockEntriesThatPinNothingJudgeable() throws {
        let directory = try TemporaryDirectory.make("pipfile")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("Pipfile.lock").path
        let text = """
        {"_meta": {"pipfile-spec": 6, "sources": [{"name": "corp", "url": "https://corp.example/simple"},
                                                  {"name": "pypi", "url": "https://pypi.org/simple"}]},
         "default": {
           "orjson": {"version": "==3.10.11", "hashes": ["sha256:ABCD", "md5:1234"], "index": "corp"},
           "ORJSON": {"version": "==3.10.10"},
           "fastlib": {"git": "https://github.com/x/fastlib.git", "ref": "0123abc", "editable": true},
           "vendored": {"path": "./vendor/vendored"},
           "loose": {"version": "*"},
           "exact": {"version": "===1.0"}
         },
         "develop": {"orjson": {"version": "==3.10.12", "hashes": []}},
         "docs": {"markupsafe": {"version": "==3.0.2", "no_binary": "true", "index": "corp"},
                  "orjson": {"version": "==3.10.13"},
                  "app": {"path": ".", "editable": true},
                  "other": {"version": "==1.0", "index": "pypi"}}}
        """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let lockfile = try PythonLockfile.read(path: path)
        #expect(lockfile.indexURL == "https://corp.example/simple")
        // pipenv installs each package from one source only: its `index`, else the first.
        #expect(lockfile.extraIndexURLs.isEmpty)
        // pipenv installs each category with a pip run of its own: each one's versions are judged.
        #expect(lockfile.pins.map { "\($0.name)==\($0.version)" }
                == ["orjson==3.10.10", "orjson==3.10.11", "orjson==3.10.12", "markupsafe==3.0.2", "orjson==3.10.13"])
        #expect(lockfile.pins[1].hashes == ["abcd"])
        // A category of its own (`pipenv install --categories docs`), and `no_binary` as pipenv
        // tests it (any true value: pip's --no-binary).
        let markupsafe = try #require(lockfile.pins.first { $0.name == "markupsafe" })
        #expect(markupsafe.origin == "Pipfile.lock docs markupsafe" && markupsafe.binary == .noBinary)
        let warnings = lockfile.warnings.joined(separator: "\n")
        #expect(warnings.contains("Pipfile.lock default fastlib installs from its git source"), "\(warnings)")
        #expect(warnings.contains("Pipfile.lock default vendored installs from its path source"), "\(warnings)")
        #expect(warnings.contains("Pipfile.lock default loose is not pinned with == (*)"), "\(warnings)")
        #expect(warnings.contains("Pipfile.lock default exact is not pinned with == (===1.0)"), "\(warnings)")
        // Two versions in one section (one pip run): pip refuses the pair.
        #expect(warnings.contains("Pipfile.lock default ORJSON pins orjson==3.10.10, Pipfile.lock default orjson pins orjson==3.10.11: pip refuses conflicting pins"), "\(warnings)")
        #expect(!warnings.contains("orjson==3.10.13"), "\(warnings)")
        #expect(warnings.contains("Pipfile.lock docs other installs from the source pypi, not the lock's first source"), "\(warnings)")
        // The project itself may build native code of its own: not judged, as `-e .` is not.
        #expect(warnings.contains("Pipfile.lock docs app is the project itself (path .): its own build is not judged"), "\(warnings)")
        #expect(lockfile.warnings.count == 7, "\(warnings)")

        // `_meta.requires` as pipenv holds an interpreter to it.
        #expect(PythonLockfile.pipenvPython(full: "", version: "3.11") == "==3.11.*")
        #expect(PythonLockfile.pipenvPython(full: "3.11.7", version: "3.11") == "==3.11.7")
        #expect(PythonLockfile.pipenvPython(full: nil, version: "3") == "==3.*")
        #expect(PythonLockfile.pipenvPython(full: nil, version: ">=3.10, <4") == ">=3.10, <4")
        #expect(PythonLockfile.pipenvPython(full: nil, version: "*") == nil)
        #expect(PythonLockfile.pipenvPython(full: nil, version: "==3.12.*") == "===3.12.*")
        for matchedAsText in ["3.12.*", "==3.12.*", "===3.12", "<3.0 || >=3.12"] {
            let range = try #require(PythonLockfile.pipenvPython(full: nil, version: matchedAsText))
            #expect(PythonSpecifier.decides(range, line: "3.12") != true, "\(matchedAsText) → \(range)")
        }

        for (bad, expected) in [("[1, 2]", "no _meta object"), ("{\"_meta\": {\"pipfile-spec\": 5}}", "pipfile-spec 5"), ("{\"_meta\"", "not JSON"), ("", "the file is empty"),
                                ("{\"_meta\": {\"pipfile-spec\": \"7\"}}", "pipfile-spec 7"), ("{\"_meta\": {\"sources\": \"x\"}}", "_meta.sources")] {
            try bad.write(toFile: path, atomically: true, encoding: .utf8)
            let result = Result { () throws(PythonLockfile.ParseError) in try PythonLockfile.read(path: path) }
            guard case .failure(let error) = result else {
                Issue.record("\(bad) was read as a Pipfile.lock")
                continue
            }
            #expect(error.path == path && error.detail.contains(expected), "\(error)")
        }
    }

    /// PDM's indexes live in pyproject.toml: a source named `pypi` replaces PyPI, others are
    /// searched too, `find_links` is not an index. Lock version 3 kept the files apart.
    @Test func pdmSourcesAndLockVersion3() throws {
        let directory = try TemporaryDirectory.make("pdm")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("pdm.lock").path
        try """
        [metadata]
        lock_version = "3.1"

        [[package]]
        name = "orjson"
        version = "3.10.11"

        [[package]]
        name = "fastlib"
        version = "0.1"
        git = "https://github.com/x/fastlib.git"
        revision = "0123abc"

        [[package]]
        name = "local"
        version = "0.1"
        path = "./vendor/local"

        [metadata.files]
        "orjson 3.10.11" = [
            {url = "https://files.example/orjson-3.10.11-cp312-cp312-musllinux_1_2_x86_64.whl", hash = "sha256:aa"},
        ]
        """.write(toFile: path, atomically: true, encoding: .utf8)
        try """
        [project]
        name = "app"
        [[tool.pdm.source]]
        name = "corp"
        url = "https://corp.example/simple"
        [[tool.pdm.source]]
        name = "pypi"
        url = "https://mirror.example/simple"
        [[tool.pdm.source]]
        name = "wheels"
        url = "https://wheels.example/"
        type = "find_links"
        """.write(to: directory.appendingPathComponent("pyproject.toml"), atomically: true, encoding: .utf8)
        let lockfile = try PythonLockfile.read(path: path)
        #expect(lockfile.format == .pdm)
        #expect(lockfile.indexURL == "https://mirror.example/simple")
        #expect(lockfile.extraIndexURLs == ["https://corp.example/simple"])
        #expect(lockfile.pins.map(\.name) == ["orjson"])
        #expect(lockfile.pins.first?.files?.map(\.filename) == ["orjson-3.10.11-cp312-cp312-musllinux_1_2_x86_64.whl"])
        #expect(lockfile.warnings.count == 2)
        #expect(lockfile.warnings.contains { $0.hasPrefix("pdm.lock [[package]] fastlib installs from its git source") })

        // PDM's lock targets: `pdm install` refuses a Python none of them is for.
        let lock = try String(contentsOfFile: path, encoding: .utf8)
        try (lock + "\n[[metadata.targets]]\nrequires_python = \">=3.12\"\n[[metadata.targets]]\nrequires_python = \"==3.10.*\"\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try PythonLockfile.read(path: path).requiresPython == "==3.10.* || >=3.12")
        // A pyproject.toml whose PDM sources cannot be read: not judged (PyPI is not theirs).
        try "[[tool.pdm.source]]\nname = \"corp\"\nurl = \"\"\"a\"\"\"\"\"\"\n".write(to: directory.appendingPathComponent("pyproject.toml"), atomically: true, encoding: .utf8)
        #expect(try PythonLockfile.read(path: path).warnings.contains { $0.hasPrefix("pyproject.toml beside pdm.lock could not be read for its [[tool.pdm.source]]") })

        try "[metadata]\nlock_version = \"5.0\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = Result { () throws(PythonLockfile.ParseError) in try PythonLockfile.read(path: path) }
        guard case .failure(let error) = result else { Issue.record("lock_version 5.0 was read"); return }
        #expect(error.detail.contains("lock_version 5.0"), "\(error)")
    }

    /// A file the index lists under the lock's file name with another sha256 is not the one
    /// locked (the installer's hash check refuses it): none of it is taken, so the wheel is
    /// not read, and no facts are kept under the lock's hash for the other file.
    @Test func anIndexFileWithAnotherHashIsNotTheLockedOne() throws {
        let name = "orjson-3.10.11-cp312-cp312-musllinux_1_2_x86_64.whl"
        let pin = PythonLockfile.Pin(name: "orjson", version: "3.10.11", files: [PythonLockfile.File(filename: name, sha256: "aa")], origin: "pdm.lock")
        let lockfile = PythonLockfile(format: .pdm, path: "pdm.lock", pins: [pin], indexURL: nil, extraIndexURLs: [], warnings: [])
        func listed(_ sha256: String) -> LockedDependencies {
            LockedDependencies(python: [lockfile], releases: ["orjson": [.init(version: "3.10.11", files: [
                PythonLockfile.File(filename: name, url: "http://index/\(name)", sha256: sha256, requiresPython: ">=3.8", hasMetadataFile: true)])]])
        }
        let same = try #require(listed("AA").files(of: pin)?.first)
        #expect(same.url == "http://index/\(name)" && same.requiresPython == ">=3.8" && same.hasMetadataFile == true)
        let other = try #require(listed("bb").files(of: pin)?.first)
        #expect(other.url == nil && other.requiresPython == nil && other.hasMetadataFile == nil)
    }
}
