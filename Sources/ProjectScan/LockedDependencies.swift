import Foundation
import ELFInspection

/// What a project's lockfiles pin, ready to be judged per candidate image before
/// anything is installed: npm/pnpm/Yarn lockfiles (offline) and Python lockfiles with
/// each release's files (from the lockfile or the package index), plus the newer
/// releases the index lists (which one would unblock an image).
public struct LockedDependencies: Sendable, Hashable, Codable {
    public struct Release: Sendable, Hashable, Codable {
        public var version: String
        public var files: [PythonLockfile.File]

        public init(version: String, files: [PythonLockfile.File]) {
            self.version = version
            self.files = files
        }
    }

    public var npm: [NpmLockfile]
    public var python: [PythonLockfile]
    /// Normalised project name → the pinned release and newer ones, oldest first (from the index).
    public var releases: [String: [Release]]
    /// Pins that could not be judged and why (no file list, unreachable index …).
    public var warnings: [String]
    /// Wheel file name → what was read of that wheel on the index: the wheels pip would pick
    /// on some candidate image (nil: none was read, e.g. `--offline`). Optional in the
    /// serialised contract, so requirements files written before it still read.
    public var wheels: [String: LockedWheel]?
    /// Lockfiles that could not be parsed, and picked wheels whose members could not be
    /// fetched (nil: none). Optional in the serialised contract.
    public var unreadable: [UnjudgedFile]?

    public init(npm: [NpmLockfile] = [], python: [PythonLockfile] = [], releases: [String: [Release]] = [:], warnings: [String] = [],
                wheels: [String: LockedWheel]? = nil) {
        self.npm = npm
        self.python = python
        self.releases = releases
        self.warnings = warnings
        self.wheels = wheels
    }

    /// The wheels pip would install on any of `platforms` (pure-tagged ones too: they may
    /// carry ELF files, as selenium's selenium-manager), each once, with the pinned project's name.
    public func pickedWheels(on platforms: [LockfilePlatform]) -> [(project: String, file: PythonLockfile.File)] {
        var picked: [String: (project: String, file: PythonLockfile.File)] = [:]
        for platform in Set(platforms) {
            guard let tags = WheelTags(platform) else { continue }
            for lockfile in python {
                for pin in lockfile.pins {
                    if let marker = pin.marker, !PythonMarker.evaluate(marker, platform: platform) { continue }
                    guard let files = files(of: pin),
                          let wheel = WheelSelection.select(files, tags: tags, python: platform.python).wheel,
                          picked[wheel.filename] == nil else { continue }
                    picked[wheel.filename] = (pin.name, wheel)
                }
            }
        }
        return picked.keys.sorted().map { picked[$0]! }
    }

    public var isEmpty: Bool { npm.isEmpty && python.isEmpty }

    /// Some package can be judged: an npm lockfile with packages, or a Python pin whose
    /// files are known (from the lockfile or the index).
    public var hasJudgeablePins: Bool {
        npm.contains { !$0.packages.isEmpty } || python.contains { $0.pins.contains { files(of: $0)?.isEmpty == false } }
    }
    public var paths: [String] { npm.map(\.path) + python.map(\.path) }

    /// The lockfiles in `paths`: each path a lockfile (always read), or a directory whose top
    /// level holds them: every npm lockfile there (npm, pnpm and Yarn each read their own,
    /// and which one the build runs is not known here, so all are judged), and every Python
    /// one (uv.lock, pylock.toml, poetry.lock, pdm.lock, Pipfile.lock and requirements.txt,
    /// else `requirements*.txt`).
    /// `installed` leaves out a directory's lockfiles of an ecosystem whose packages are
    /// installed (what is installed is judged instead). Lockfiles that cannot be read are warnings.
    /// `requirementFiles` are read as pip requirements files whatever their names (those a
    /// Dockerfile's `pip install -r` names: `pip install -r prod.txt` reads any name).
    public static func find(in paths: [String], installed: (npm: Bool, python: Bool) = (false, false),
                            requirementFiles: [String] = []) -> LockedDependencies {
        var found = LockedDependencies()
        var files: [String] = requirementFiles.filter { !paths.contains($0) }
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
                if !installed.npm {
                    // Bun's lockfiles are not read: named (beside a lockfile read, a warning; alone, not judged).
                    files += ["npm-shrinkwrap.json", "package-lock.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock", "bun.lockb"]
                        .filter(names.contains).map { PathText.join(path, $0) }
                }
                if !installed.python {
                    files += ["pylock.toml", "uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock"].filter(names.contains).map { PathText.join(path, $0) }
                    if names.contains("requirements.txt"), names.contains("uv.lock"), isUVExport(PathText.join(path, "requirements.txt")) {
                        // `uv export` of the uv.lock beside it: the same pins, plus `-e .` for the
                        // project itself (which uv.lock keeps as the user's own code).
                    } else if names.contains("requirements.txt") {
                        // What a Dockerfile installs (`pip install -r requirements.txt`); dev and test
                        // files (requirements-dev.txt) are read when named, or when there is no requirements.txt.
                        files.append(PathText.join(path, "requirements.txt"))
                    } else {
                        files += names.filter { PythonLockfile.isLockfileName($0) && $0.hasPrefix("requirements") }.map { PathText.join(path, $0) }
                    }
                }
            } else if isLockfileName(PathText.fileName(of: path)) {
                files.append(path)
            }
        }
        // A file named twice (a directory's requirements.txt, and the same file a Dockerfile's
        // `pip install -r` names) is read once.
        var seen = Set<String>()
        files = files.filter { seen.insert(($0 as NSString).standardizingPath).inserted }
        var npmFailures: [NpmLockfile.ParseError] = []
        for file in files {
            let name = PathText.fileName(of: file)
            if PythonLockfile.isLockfileName(name) || requirementFiles.contains(file) {
                do { found.python.append(try PythonLockfile.read(path: file)) } catch { found.unreadableLockfile(file, error.description) }
            } else {
                do { found.npm.append(try NpmLockfile.read(path: file)) } catch { npmFailures.append(error) }
            }
        }
        // An npm lockfile of a kind basefit does not read (Yarn classic, lockfileVersion 1, Bun's)
        // beside one it read in the same directory is a leftover of another package manager: said,
        // not counted. One of a kind it reads that cannot be parsed (damaged, or pnpm documents that
        // are not pnpm's) may be the one the build installs from: not judged.
        for failure in npmFailures {
            let directory = PathText.directory(of: failure.path)
            if failure.formatNotRead, let read = found.npm.first(where: { PathText.directory(of: $0.path) == directory }) {
                found.warnings.append("\(failure.description); judged from \(PathText.fileName(of: read.path)) beside it")
            } else {
                found.unreadableLockfile(failure.path, failure.description)
            }
        }
        for lockfile in found.python { found.warnings += lockfile.warnings }
        return found
    }

    /// A requirements file `uv export` wrote: its header says so in the first lines.
    static func isUVExport(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 512)) ?? Data(), as: UTF8.self)
        return head.hasPrefix("# This file was autogenerated by uv") && head.contains("uv export")
    }

    private mutating func unreadableLockfile(_ path: String, _ description: String) {
        warnings.append(description)
        unreadable = (unreadable ?? []) + [UnjudgedFile(path: path, reason: "lockfile not read: \(description)")]
    }

    /// A picked wheel whose members could not be fetched: judged by its tags only, which do
    /// not say what its members need beyond the tag's policy, so it counts as not judged.
    public mutating func wheelNotRead(_ filename: String, _ reason: String) {
        unreadable = (unreadable ?? []) + [UnjudgedFile(path: filename, reason: reason)]
    }

    /// What the lockfiles leave unjudged: lockfiles that could not be read, lines that pin
    /// nothing basefit can judge (ranges, URLs, editable installs, sources without a
    /// version), and pins whose files are unknown (not in the lockfile, and the index did
    /// not list them, or was not asked). Any of them may hold native code.
    ///
    /// With `platforms`, a pin whose marker holds on none of them (`; sys_platform == "win32"`)
    /// is not installed there and not counted. A line reached through two files (`-r`) counts once.
    public func unjudged(on platforms: [LockfilePlatform]? = nil) -> [UnjudgedFile] {
        var result = unreadable ?? []
        var seen = Set<String>()
        for lockfile in python {
            for warning in lockfile.warnings where seen.insert(warning).inserted {
                result.append(UnjudgedFile(path: lockfile.path, reason: warning))
            }
            for pin in lockfile.pins where files(of: pin)?.isEmpty != false {
                if let platforms, let marker = pin.marker, !platforms.contains(where: { PythonMarker.evaluate(marker, platform: $0) }) { continue }
                let reason = listedFiles(of: pin)?.isEmpty == false
                    ? "\(pin.origin): \(pin.name)==\(pin.version): pip may install none of its files (its hashes, --no-binary or --only-binary leave none); not judged"
                    : "\(pin.origin): \(pin.name)==\(pin.version): its files are unknown (the lockfile lists none, and the index did not); not judged"
                if seen.insert(reason).inserted { result.append(UnjudgedFile(path: lockfile.path, reason: reason)) }
            }
        }
        return result
    }

    /// Members of the wheels read that could not be judged, named by their wheel: each leaves
    /// the project unjudged on every image that installs that wheel.
    public var unjudgedWheelMembers: [UnjudgedFile] {
        (wheels ?? [:]).sorted { $0.key < $1.key }.flatMap { name, wheel in
            wheel.warnings.map { UnjudgedFile(path: name, reason: $0) }
        }
    }

    public static func isLockfileName(_ name: String) -> Bool {
        ["package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock", "bun.lockb"].contains(name)
            || PythonLockfile.isLockfileName(name)
    }

    /// The files of a pinned release pip may install: the lockfile's own list, else the
    /// index's; with the pin's `--hash` values only the files they name (pip's hash-checking
    /// mode refuses the others; a file whose hash the index does not give is left out too: pip
    /// takes it only if its bytes hash to a listed value, which is not known here), and with
    /// `--no-binary`/`--only-binary` only the sdist or only the wheels.
    public func files(of pin: PythonLockfile.Pin) -> [PythonLockfile.File]? {
        guard let files = listedFiles(of: pin) else { return nil }
        return files.filter { file in
            if !pin.hashes.isEmpty, !pin.hashes.contains(file.sha256?.lowercased() ?? "") { return false }
            switch pin.binary {
            case .noBinary: return file.isSdist
            case .onlyBinary: return !file.isSdist
            case nil: return true
            }
        }
    }

    private func listedFiles(of pin: PythonLockfile.Pin) -> [PythonLockfile.File]? {
        if let files = pin.files, !files.isEmpty {
            // The index knows requires-python and its PEP 658 metadata files, which lockfiles do not record.
            guard let indexed = releases[pin.name]?.first(where: { $0.version == pin.version }) else { return files }
            let byName = Dictionary(indexed.files.map { ($0.filename, $0) }, uniquingKeysWith: { a, _ in a })
            return files.map { file in
                var file = file
                // A file the index lists under the name with another sha256 is not the locked one:
                // the installer refuses it (hash checking), so nothing of it is taken.
                guard let listed = byName[file.filename],
                      file.sha256 == nil || listed.sha256 == nil || file.sha256?.lowercased() == listed.sha256?.lowercased() else { return file }
                if file.requiresPython == nil { file.requiresPython = listed.requiresPython }
                // The same file only: the metadata's hash is trusted when the wheel's own hash agrees.
                if file.hasMetadataFile == nil, file.sha256 == nil || listed.sha256 != nil {  // the hashes agree (above)
                    file.hasMetadataFile = listed.hasMetadataFile
                    file.metadataSHA256 = listed.metadataSHA256
                }
                if file.url == nil { file.url = listed.url }
                return file
            }
        }
        return releases[pin.name]?.first { $0.version == pin.version }?.files
    }

    /// How every locked native package installs on `platform`.
    public func judge(_ platform: LockfilePlatform) -> LockfileJudgement {
        var entries: [LockfileJudgement.Entry] = []
        for lockfile in npm {
            for entry in NpmLockfileAnswer(lockfile, platform: platform).entries {
                let way: LockfileJudgement.Way
                switch entry.way {
                case .prebuilt(let packages): way = .prebuilt(packages.joined(separator: ", "))
                case .compiles(let needs): way = .buildsFromSource("node-gyp (install script)", needs: needs)
                case .noWay(let available):
                    way = .noWay("the lockfile pins platform packages only for others (\(available.prefix(4).joined(separator: ", "))\(available.count > 4 ? " …" : ""))")
                case .notLocked(let members):
                    way = .noWay("it lists \(members.joined(separator: ", ")) for this platform among its optional dependencies, but the lockfile "
                                 + "does not pin \(members.count == 1 ? "it" : "them") (a lockfile written on another OS, npm/cli#4828): npm ci installs none")
                case .refused:
                    way = .noWay("it is not optional, and its os/cpu/libc (or its name's platform) exclude this platform: "
                                 + "npm ci stops with EBADPLATFORM, or installs a build that does not load here")
                }
                entries.append(.init(ecosystem: .npm, package: entry.package, version: entry.version, lockfile: lockfile.path, way: way,
                                     unblockedBy: nil, prebuiltElsewhere: entry.hasLinuxPlatformPackages))
            }
        }
        if let tags = WheelTags(platform) {
            for lockfile in python {
                for pin in lockfile.pins {
                    if let marker = pin.marker, !PythonMarker.evaluate(marker, platform: platform) { continue }
                    guard let files = files(of: pin) else { continue }  // a warning was recorded when the index was asked
                    let selection = WheelSelection.select(files, tags: tags, python: platform.python)
                    let way: LockfileJudgement.Way
                    switch selection.outcome {
                    case _ where selection.patchDependentRange != nil:
                        way = .noWay("\(selection.file?.filename ?? pin.name) requires Python \(selection.patchDependentRange ?? ""), which holds for some "
                                     + "CPython \(platform.python ?? "") patch releases and not others (the catalog records the line, not the patch release)")
                    case .wheel(let file):
                        // A pure-tagged wheel loads anywhere the interpreter does, unless it carries
                        // ELF files (selenium's selenium-manager): then it is judged as read.
                        if file.wheel?.platformTags == ["any"], wheels?[file.filename]?.files.isEmpty != false { continue }
                        way = .prebuilt(file.filename)
                    case .sdist(let file):
                        way = .buildsFromSource(file.filename, needs: SourceBuildNeeds.python(pin.name, libc: platform.libc))
                    case .none:
                        // An sdist the release has but pip may not take here is named, not denied.
                        let excluded = listedFiles(of: pin)?.first { $0.isSdist }
                        way = .noWay("no wheel for \(tags.platforms.first ?? "this platform") and "
                                     + (excluded.map { "its sdist \($0.filename) is excluded (--only-binary, --no-binary, its hashes or its requires-python)" } ?? "no sdist"))
                    }
                    var unblocked: String?
                    if case .prebuilt = way {} else {
                        unblocked = releases[pin.name]?.first { release in
                            release.version != pin.version && WheelSelection.select(release.files, tags: tags, python: platform.python).wheel != nil
                                && Self.isNewerVersion(release.version, than: pin.version)
                        }.map(\.version)
                    }
                    let linuxWheels = files.contains { file in
                        file.wheel?.platformTags.contains { $0.hasPrefix("manylinux") || $0.hasPrefix("musllinux") || $0.hasPrefix("linux_") } == true
                    }
                    entries.append(.init(ecosystem: .pypi, package: pin.name, version: pin.version, lockfile: lockfile.path, way: way,
                                         unblockedBy: unblocked, prebuiltElsewhere: linuxWheels || unblocked != nil))
                }
            }
        }
        return LockfileJudgement(platform: platform, entries: entries.sorted { ($0.ecosystem.rawValue, $0.package) < ($1.ecosystem.rawValue, $1.package) })
    }

    public static func isNewerVersion(_ a: String, than b: String) -> Bool {
        func parts(_ text: String) -> [Int] { text.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 } }
        let x = parts(a), y = parts(b)
        let width = max(x.count, y.count)
        return (y + Array(repeating: 0, count: width - y.count)).lexicographicallyPrecedes(x + Array(repeating: 0, count: width - x.count))
    }
}

/// How each locked native package installs on one platform.
public struct LockfileJudgement: Sendable, Hashable {
    public enum Way: Sendable, Hashable {
        /// A prebuilt platform package (npm) or binary wheel (PyPI): its name.
        case prebuilt(String)
        /// Compiled at install time: what is built, and what the build stage needs.
        case buildsFromSource(String, needs: [String])
        /// Cannot be installed at all: why.
        case noWay(String)
    }

    public struct Entry: Sendable, Hashable {
        public var ecosystem: PackageOrigin.Ecosystem
        public var package: String
        public var version: String
        public var lockfile: String
        public var way: Way
        /// A newer release that installs prebuilt on this platform, when the index lists one.
        public var unblockedBy: String?
        /// The package publishes prebuilt Linux builds for other platforms (a source build
        /// here is a difference between images, not the same build everywhere).
        public var prebuiltElsewhere: Bool = true
    }

    public var platform: LockfilePlatform
    public var entries: [Entry]

    public var blocking: [Entry] { entries.filter { if case .prebuilt = $0.way { return false } else { return true } } }
}

/// What building a Python sdist needs in the build stage: a compiler and Python's headers,
/// plus the development packages of the native libraries the best-known sdists link
/// (from their own install docs).
public enum SourceBuildNeeds {
    static let debian: [String: [String]] = [
        "psycopg2": ["libpq-dev"], "cryptography": ["rustc", "cargo", "libssl-dev"], "lxml": ["libxml2-dev", "libxslt1-dev"],
        "pillow": ["libjpeg-dev", "zlib1g-dev"], "cffi": ["libffi-dev"], "numpy": ["gfortran", "libopenblas-dev"],
        "pydantic-core": ["rustc", "cargo"], "orjson": ["rustc", "cargo"], "mysqlclient": ["default-libmysqlclient-dev", "pkg-config"],
    ]
    static let alpine: [String: [String]] = [
        "psycopg2": ["postgresql-dev"], "cryptography": ["rust", "cargo", "openssl-dev"], "lxml": ["libxml2-dev", "libxslt-dev"],
        "pillow": ["jpeg-dev", "zlib-dev"], "cffi": ["libffi-dev"], "numpy": ["gfortran", "openblas-dev"],
        "pydantic-core": ["rust", "cargo"], "orjson": ["rust", "cargo"], "mysqlclient": ["mariadb-dev", "pkgconf"],
    ]

    /// A project whose build compiles native code against libraries (psycopg2 links libpq): its
    /// source build makes an extension module, never pure Python.
    public static func compilesNativeCode(_ project: String) -> Bool { debian[project] != nil }

    public static func python(_ project: String, libc: LibcFamily) -> [String] {
        let musl = libc == .musl
        let base = musl ? ["build-base", "python3-dev"] : ["build-essential", "python3-dev"]
        return base + ((musl ? alpine : debian)[project] ?? [])
    }
}
