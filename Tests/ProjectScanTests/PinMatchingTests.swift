import Foundation
import Testing
@testable import ELFInspection
@testable import ProjectScan

/// Which files a pin matches and which of them pip picks, as pip and packaging decide
/// (Fixtures/pypi/pins/build.py's comments hold pip's own picks): PEP 440 `==` with local
/// versions and zero padding, `===`, build tags, tag case, patch-dependent requires-python;
/// and the lockfiles' own Python ranges.
@Suite struct PinMatchingTests {
    static let cp312 = LockfilePlatform(libc: .glibc, libcVersion: VersionNumber([2, 36]), architecture: .amd64, python: "3.12")

    @Test func equalsMatchesLocalVersionsAndZeroPaddingAsPackagingDoes() {
        #expect(PEP440Version.matches("1.0+cu1", pinned: "1.0"))
        #expect(PEP440Version.matches("1.0.0", pinned: "1.0"))
        #expect(PEP440Version.matches("1.0", pinned: "1.0.0"))
        #expect(!PEP440Version.matches("1.0", pinned: "1.0+cu1"))
        #expect(PEP440Version.matches("1.0+CU1", pinned: "1.0+cu1"))
        #expect(!PEP440Version.matches("1.0.post1", pinned: "1.0"))
        #expect(!PEP440Version.matches("1.0rc1", pinned: "1.0"))
        #expect(!PEP440Version.matches("1.0.0", pinned: "1.0", arbitrary: true))
        #expect(PEP440Version.matches("1.0", pinned: "1.0", arbitrary: true))
        // Ordering (packaging): dev < pre < release < local < post.
        let ordered = ["1.0.dev1", "1.0a1", "1.0rc1", "1.0", "1.0+abc", "1.0+1", "1.0.post1", "1.1"].compactMap(PEP440Version.init)
        #expect(ordered.count == 8)
        #expect(ordered == ordered.sorted())
    }

    @Test func wheelNamesKeepBuildTagsAndLowerCaseTags() throws {
        let upper = try #require(WheelName(fileName: "rvupper-1.0-CP312-CP312-MANYLINUX_2_17_X86_64.whl"))
        #expect(upper.pythonTags == ["cp312"] && upper.platformTags == ["manylinux_2_17_x86_64"])
        let built = try #require(WheelName(fileName: "x-1.0-10b-cp312-cp312-linux_x86_64.whl"))
        #expect(built.build == WheelName.BuildTag("10b"))
        #expect(WheelName.BuildTag("2")! < WheelName.BuildTag("10")!)
        #expect(WheelName(fileName: "x-1.0-b1-cp312-cp312-linux_x86_64.whl") == nil)  // a build tag starts with a digit
    }

    /// pip's sort: the highest matching version, then the best tag, then the highest build.
    @Test func selectionTakesTheHighestVersionThenTagThenBuild() throws {
        let tags = try #require(WheelTags(Self.cp312))
        func pick(_ names: [String]) -> String? {
            WheelSelection.select(names.map { PythonLockfile.File(filename: $0) }, tags: tags, python: "3.12").wheel?.filename
        }
        #expect(pick(["p-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", "p-1.0+cu1-cp312-cp312-manylinux_2_17_x86_64.whl"])
                == "p-1.0+cu1-cp312-cp312-manylinux_2_17_x86_64.whl")
        #expect(pick(["p-1.0-1-cp312-cp312-manylinux_2_17_x86_64.whl", "p-1.0-2-cp312-cp312-manylinux_2_17_x86_64.whl",
                      "p-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"]) == "p-1.0-2-cp312-cp312-manylinux_2_17_x86_64.whl")
        #expect(pick(["p-1.0-9-cp312-cp312-manylinux_2_17_x86_64.whl", "p-1.0-1-cp312-cp312-manylinux_2_28_x86_64.whl"])
                == "p-1.0-1-cp312-cp312-manylinux_2_28_x86_64.whl")
        #expect(pick(["p-1.0-CP312-CP312-MANYLINUX_2_17_X86_64.whl"]) == "p-1.0-CP312-CP312-MANYLINUX_2_17_X86_64.whl")
    }

    /// `<=3.12` holds for 3.12.0 only: the file is not passed on a 3.12 image (pip on 3.12.8 refuses it).
    @Test func aPatchDependentRequiresPythonIsSaid() throws {
        let tags = try #require(WheelTags(Self.cp312))
        let file = PythonLockfile.File(filename: "p-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", requiresPython: "<=3.12")
        #expect(WheelSelection.select([file], tags: tags, python: "3.12").patchDependentRange == "<=3.12")
        let excluded = PythonLockfile.File(filename: file.filename, requiresPython: "<3.12")
        #expect(WheelSelection.select([excluded], tags: tags, python: "3.12").wheel == nil)
        let fine = PythonLockfile.File(filename: file.filename, requiresPython: ">=3.9")
        #expect(WheelSelection.select([fine], tags: tags, python: "3.12").patchDependentRange == nil)
    }

    @Test func requirementsPinsReadArbitraryEqualityAndRefuseHashesBasefitCannotMatch() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-pins-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("requirements.txt").path
        try """
            --extra-index-url https://before.example/simple/
            -i https://own.example/simple/
            --extra-index-url https://after.example/simple/
            RV.Norm_Pkg===1.0
            rvgood==1.0 --hash=sha512:00
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let lockfile = try PythonLockfile.parseRequirements(path: path)
        #expect(lockfile.pins.map(\.name) == ["rv-norm-pkg"])
        #expect(lockfile.pins.first?.version == "1.0" && lockfile.pins.first?.arbitraryEquality == true)
        #expect(lockfile.warnings.contains { $0.contains("rvgood==1.0: --hash=sha512:00 is not a sha256") })
        // pip: -i replaces the whole list, the extra indexes before it too.
        #expect(lockfile.indexURL == "https://own.example/simple/")
        // A constraints file installs nothing: its pins are not judged.
        try "RV.Norm_Pkg==1.0\n".write(toFile: directory.appendingPathComponent("constraints.txt").path, atomically: true, encoding: .utf8)
        try "-c constraints.txt\nrvgood==1.0\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try PythonLockfile.parseRequirements(path: path).pins.map(\.name) == ["rvgood"])
        #expect(lockfile.extraIndexURLs == ["https://after.example/simple/"])
    }

    @Test func pylockAndPoetryHoldTheirPythonRange() throws {
        let pylock = try PythonLockfile.parsePylock("lock-version = \"1.0\"\nrequires-python = \">=3.13\"\n", path: "pylock.toml")
        #expect(pylock.requiresPython == ">=3.13")
        let poetry = try PythonLockfile.parsePoetry("[metadata]\nlock-version = \"2.0\"\npython-versions = \"^3.13\"\n", path: "poetry.lock")
        #expect(poetry.requiresPython == ">=3.13,<4")
        #expect(PythonSpecifier.decides(poetry.requiresPython!, line: "3.12") == false)
        #expect(PoetryConstraint.pep440("~3.10 || 3.8.*") == ">=3.10,<3.11 || ==3.8.*")
        #expect(PoetryConstraint.pep440("*") == "")
        #expect(PoetryConstraint.pep440(">=3.9,<4.0") == ">=3.9,<4.0")
    }

    @Test func uvLockEditableWorkspaceMembersAreNotJudgedButTheRootIs() throws {
        let text = """
            version = 1
            requires-python = ">=3.12"
            [[package]]
            name = "app"
            version = "0.1.0"
            source = { virtual = "." }
            [[package]]
            name = "native-ext"
            version = "0.1.0"
            source = { editable = "native-ext" }
            [[package]]
            name = "root-app"
            version = "0.1.0"
            source = { editable = "." }
            """
        let lockfile = try PythonLockfile.parseUV(text, path: "uv.lock")
        #expect(lockfile.warnings.count == 1)
        #expect(lockfile.warnings.first?.contains("native-ext 0.1.0 is the editable workspace member native-ext") == true)
    }

    /// Poetry skips a package whose markers exclude the platform: lock 2.0's edge markers,
    /// lock 2.1's package-level ones (pywin32 under docker and jupyter-core).
    @Test func poetryMarkersAreRead() throws {
        let text = """
            [[package]]
            name = "docker"
            version = "7.1.0"
            [package.dependencies]
            pywin32 = {version = ">=304", markers = "sys_platform == \\"win32\\""}
            requests = ">=2.26.0"
            [[package]]
            name = "pywin32"
            version = "306"
            [[package]]
            name = "requests"
            version = "2.32.3"
            [[package]]
            name = "colorama"
            version = "0.4.6"
            markers = "platform_system == \\"Windows\\""
            [metadata]
            lock-version = "2.1"
            python-versions = ">=3.9"
            """
        let lockfile = try PythonLockfile.parsePoetry(text, path: "poetry.lock")
        let markers = Dictionary(uniqueKeysWithValues: lockfile.pins.map { ($0.name, $0.marker) })
        #expect(markers["pywin32"] == .some("sys_platform == \"win32\""))
        #expect(markers["colorama"] == .some("platform_system == \"Windows\""))
        #expect(markers["requests"] == .some(nil) && markers["docker"] == .some(nil))
    }

    /// PowerShell's `pip freeze > requirements.txt` writes UTF-16 with a byte order mark; pip reads it.
    @Test func utf16RequirementsAreDecodedByTheirByteOrderMark() throws {
        let text = "RV.Norm_Pkg==1.0\r\n"
        for encoding in [String.Encoding.utf16LittleEndian, .utf16BigEndian] {
            let mark: [UInt8] = encoding == .utf16LittleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
            let data = Data(mark) + text.data(using: encoding)!
            #expect(PythonLockfile.decodedAsPip(data) == text)
        }
    }

    /// A uv.lock version that is not a string is named, not dropped (dropping it passed the rest).
    @Test func aUVLockVersionThatIsNotAStringIsAnError() throws {
        #expect(throws: PythonLockfile.ParseError.self) {
            try PythonLockfile.parseUV("version = 1\n[[package]]\nname = \"rv-norm-pkg\"\nversion = 1.0\nsource = { registry = \"https://pypi.org/simple\" }\n", path: "uv.lock")
        }
    }

    /// PEP 592: pip installs a yanked release for an `==` pin (warning), after every file that is not yanked.
    @Test func yankedFilesComeLastButArePicked() throws {
        let tags = try #require(WheelTags(Self.cp312))
        var yanked = PythonLockfile.File(filename: "p-1.0+cu1-cp312-cp312-manylinux_2_17_x86_64.whl")
        yanked.yanked = true
        #expect(WheelSelection.select([yanked], tags: tags, python: "3.12").wheel == yanked)
        let plain = PythonLockfile.File(filename: "p-1.0-cp312-cp312-manylinux_2_17_x86_64.whl")
        #expect(WheelSelection.select([yanked, plain], tags: tags, python: "3.12").wheel == plain)
        let sdist = PythonLockfile.File(filename: "p-1.0.tar.gz")
        #expect(WheelSelection.select([yanked, sdist], tags: tags, python: "3.12").outcome == .sdist(sdist))
    }

    /// uv.lock: a package reached only through a marker'd parent inherits the parent's marker
    /// (AND along the path, OR across paths), as `uv export` writes `pywin32==306 ; sys_platform == 'win32'`.
    @Test func uvLockMarkersFollowThePathFromTheProject() throws {
        let text = """
            version = 1
            requires-python = ">=3.12"
            [[package]]
            name = "app"
            version = "0.1.0"
            source = { virtual = "." }
            dependencies = [
                { name = "wmi", marker = "sys_platform == 'win32'" },
                { name = "tool", marker = "python_version >= '3.13'" },
                { name = "six" },
            ]
            [[package]]
            name = "wmi"
            version = "1.5.1"
            source = { registry = "https://pypi.org/simple" }
            dependencies = [{ name = "pywin32" }]
            [[package]]
            name = "tool"
            version = "1.0"
            source = { registry = "https://pypi.org/simple" }
            dependencies = [{ name = "pywin32", marker = "platform_machine == 'x86_64'" }]
            [[package]]
            name = "pywin32"
            version = "306"
            source = { registry = "https://pypi.org/simple" }
            [[package]]
            name = "six"
            version = "1.16.0"
            source = { registry = "https://pypi.org/simple" }
            """
        let lockfile = try PythonLockfile.parseUV(text, path: "uv.lock")
        let markers = Dictionary(uniqueKeysWithValues: lockfile.pins.map { ($0.name, $0.marker) })
        #expect(markers["pywin32"] == .some("((platform_machine == 'x86_64') and (python_version >= '3.13')) or (sys_platform == 'win32')"))
        #expect(markers["six"] == .some(nil))
        let linux = LockfilePlatform(libc: .glibc, architecture: .amd64, python: "3.12")
        #expect(PythonMarker.evaluate(markers["pywin32"]!!, platform: linux) == false)
    }

    /// "no sdist" was said of a release whose sdist exists but pip may not take (--only-binary).
    @Test func anExcludedSdistIsNamedNotDenied() throws {
        var pin = PythonLockfile.Pin(name: "p", version: "1.0", files: [PythonLockfile.File(filename: "p-1.0.tar.gz")], origin: "r.txt:2")
        pin.binary = .onlyBinary
        let lockfile = PythonLockfile(format: .requirements, path: "r.txt", pins: [pin], indexURL: nil, extraIndexURLs: [], warnings: [])
        let entry = try #require(LockedDependencies(python: [lockfile]).judge(Self.cp312).entries.first)
        guard case .noWay(let why) = entry.way else { Issue.record("\(entry.way)"); return }
        #expect(why.contains("its sdist p-1.0.tar.gz is excluded"), "\(why)")
    }
}
