import Foundation

/// The distributions a Python lockfile pins: `requirements*.txt` (pip-compile or
/// `pip freeze`), `uv.lock`, `poetry.lock`, `pylock.toml` (PEP 751), `Pipfile.lock` (pipenv)
/// or `pdm.lock`. uv, poetry, pylock and PDM list each release's files; a requirements file
/// and Pipfile.lock leave that to the index (Pipfile.lock limits it to its hashes).
public struct PythonLockfile: Sendable, Hashable, Codable {
    public enum Format: String, Sendable, Hashable, Codable {
        case requirements = "requirements.txt"
        case uv = "uv.lock"
        case poetry = "poetry.lock"
        case pylock = "pylock.toml"
        case pipfile = "Pipfile.lock"
        case pdm = "pdm.lock"
    }

    /// One file of a release, as the lockfile or the index names it.
    public struct File: Sendable, Hashable, Codable {
        public var filename: String
        public var url: String?
        public var sha256: String?
        public var size: Int?
        /// The index's `requires-python` for the file (pip skips files it excludes).
        public var requiresPython: String?
        /// The index offers the file's core metadata separately (PEP 658/714).
        public var hasMetadataFile: Bool?
        /// The sha256 the index gives for that metadata file (`core-metadata: {"sha256": …}`).
        public var metadataSHA256: String?
        /// The index marks it yanked (PEP 592): pip still installs it for an `==` pin, after
        /// every file that is not (nil: not yanked).
        public var yanked: Bool?

        public init(filename: String, url: String? = nil, sha256: String? = nil, size: Int? = nil,
                    requiresPython: String? = nil, hasMetadataFile: Bool? = nil, metadataSHA256: String? = nil) {
            self.filename = filename
            self.url = url
            self.sha256 = sha256
            self.size = size
            self.requiresPython = requiresPython
            self.hasMetadataFile = hasMetadataFile
            self.metadataSHA256 = metadataSHA256
        }

        /// The release version a file name carries (`numpy-2.1.3-….whl`, `psycopg2-2.9.10.tar.gz`).
        public func version(project: String) -> String? {
            if let wheel { return wheel.version }
            var base = filename
            for suffix in [".tar.gz", ".tar.bz2", ".zip"] where base.hasSuffix(suffix) { base.removeLast(suffix.count) }
            guard base != filename, let dash = base.lastIndex(of: "-") else { return nil }
            let name = base[..<dash]
            guard PythonLockfile.normalize(String(name)) == PythonLockfile.normalize(project) else { return nil }
            return String(base[base.index(after: dash)...])
        }

        public var wheel: WheelName? { WheelName(fileName: filename) }
        public var isSdist: Bool { filename.hasSuffix(".tar.gz") || filename.hasSuffix(".zip") || filename.hasSuffix(".tar.bz2") }
    }

    /// What pip may install of a project: only its sdist (`--no-binary`), or only wheels (`--only-binary`).
    public enum BinaryPolicy: String, Sendable, Hashable, Codable {
        case noBinary = "no-binary"
        case onlyBinary = "only-binary"
    }

    public struct Pin: Sendable, Hashable, Codable {
        /// PEP 503 normalised (`pydantic-core`).
        public var name: String
        public var version: String
        /// PEP 508 environment marker (`sys_platform == "linux"`), when the lockfile has one.
        public var marker: String?
        /// The release's files as the lockfile lists them; nil: ask the index.
        public var files: [File]?
        /// `--hash=sha256:…` values of a requirements file, a Pipfile.lock's `hashes` (pip
        /// accepts only these files); lower-case hex without the `sha256:`.
        public var hashes: [String]
        /// `requirements.txt:12`: where it was pinned.
        public var origin: String
        /// `--no-binary`/`--only-binary` of its requirements file, when they name it (nil: both).
        public var binary: BinaryPolicy?
        /// `===` (PEP 440 arbitrary equality): only a file of exactly this version text; nil: `==`.
        public var arbitraryEquality: Bool?

        public init(name: String, version: String, marker: String? = nil, files: [File]? = nil, hashes: [String] = [], origin: String) {
            self.name = PythonLockfile.normalize(name)
            self.version = version
            self.marker = marker
            self.files = files
            self.hashes = hashes
            self.origin = origin
        }
    }

    public var format: Format
    public var path: String
    public var pins: [Pin]
    /// `--index-url`/`-i` (first) then `--extra-index-url` values the file sets; uv's registry sources.
    public var indexURL: String?
    public var extraIndexURLs: [String]
    /// Lines that pin nothing basefit can judge (ranges, URLs, editable installs).
    public var warnings: [String]
    /// The lockfile's own name (`Pipfile.lock`), as messages name it.
    public var fileName: String { PathText.fileName(of: path) }
    /// The Pythons the whole lock is for, as its installer enforces them (a PEP 440
    /// specifier): uv.lock's `requires-python` (`uv sync` refuses another interpreter),
    /// Pipfile.lock's `_meta.requires` (`pipenv install --deploy` refuses one), pylock.toml's
    /// `requires-python`, poetry.lock's `[metadata] python-versions` (`poetry install`). Nil: any.
    public var requiresPython: String? = nil

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var detail: String
        public var description: String { "\(path): \(detail)" }
    }

    /// PEP 503: lower case, runs of `-`, `_`, `.` become one `-`.
    public static func normalize(_ name: String) -> String {
        var out = ""
        var lastWasSeparator = false
        for character in name.lowercased() {
            if character == "-" || character == "_" || character == "." {
                if !lastWasSeparator { out.append("-") }
                lastWasSeparator = true
            } else {
                out.append(character)
                lastWasSeparator = false
            }
        }
        return out
    }

    /// True for the file names basefit reads as Python lockfiles.
    public static func isLockfileName(_ name: String) -> Bool {
        (name.hasPrefix("requirements") && name.hasSuffix(".txt")) || name == "uv.lock" || name == "poetry.lock"
            || name == "pylock.toml" || (name.hasPrefix("pylock.") && name.hasSuffix(".toml"))
            || name == "Pipfile.lock" || name == "pdm.lock"
    }

    public static func read(path: String) throws(ParseError) -> PythonLockfile {
        guard let data = FileManager.default.contents(atPath: path) else { throw ParseError(path: path, detail: "cannot read the file") }
        let text = String(decoding: data, as: UTF8.self)
        let name = PathText.fileName(of: path)
        switch name {
        case "uv.lock": return try parseUV(text, path: path)
        case "poetry.lock": return try parsePoetry(text, path: path)
        case "Pipfile.lock": return try parsePipfileLock(data, path: path)
        case "pdm.lock": return try parsePDM(text, path: path, pyproject: pyprojectBeside(path))
        default:
            if name.hasSuffix(".toml") { return try parsePylock(text, path: path) }
            return try parseRequirements(path: path)
        }
    }

    // MARK: requirements.txt

    /// Reads pins, `--hash`, markers, `-r`/`--requirement` includes (relative to the
    /// including file; each file read once), `-c` constraints (their options only: a
    /// constraint installs nothing), index options.
    public static func parseRequirements(path: String) throws(ParseError) -> PythonLockfile {
        var lockfile = PythonLockfile(format: .requirements, path: path, pins: [], indexURL: nil, extraIndexURLs: [], warnings: [])
        var visited = Set<String>()
        var formats = FormatControl()
        try readRequirements(path: path, into: &lockfile, visited: &visited, formats: &formats, depth: 0)
        for index in lockfile.pins.indices { lockfile.pins[index].binary = formats.policy(for: lockfile.pins[index].name) }
        let (pins, conflicts) = onePinEach(lockfile.pins)
        lockfile.pins = pins
        lockfile.warnings += conflicts
        return lockfile
    }

    /// The pins pip is given at once (a requirements file and its includes, a Pipfile.lock's
    /// sections): one of each project, version and marker; two versions of one project under
    /// the same marker make pip refuse the whole install (ResolutionImpossible), so no image
    /// installs it, said as warnings.
    static func onePinEach(_ pins: [Pin]) -> (pins: [Pin], conflicts: [String]) {
        var seen = Set<String>()
        let unique = pins.filter { seen.insert($0.name + "==" + $0.version + ";" + ($0.marker ?? "")).inserted }
        let groups = Dictionary(grouping: unique, by: { $0.name + ";" + ($0.marker ?? "") })
        let conflicts = groups.sorted(by: { $0.key < $1.key }).filter { Set($0.value.map(\.version)).count > 1 }.map { _, group in
            "\(group.map { "\($0.origin) pins \($0.name)==\($0.version)" }.joined(separator: ", ")): "
                + "pip refuses conflicting pins (ResolutionImpossible); not judged"
        }
        return (unique, conflicts)
    }

    /// `constraints`: a `-c` file's lines limit versions and install nothing (pip), so its pins are not judged.
    private static func readRequirements(path: String, into lockfile: inout PythonLockfile, visited: inout Set<String>,
                                         formats: inout FormatControl, depth: Int, constraints: Bool = false) throws(ParseError) {
        let canonical = URL(fileURLWithPath: path).standardizedFileURL.path
        guard visited.insert(canonical).inserted else { return }
        guard depth < 32 else { throw ParseError(path: path, detail: "-r includes nested more than 32 deep") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParseError(path: path, detail: depth == 0 ? "cannot read the file" : "cannot read the included file")
        }
        let display = PathText.fileName(of: path)
        // Join `\` continuations as pip does, keeping the first line's number: the pieces are
        // joined as they are (no space added), and a comment line (`#` after optional spaces)
        // neither continues nor is continued into (it ends a continuation). A byte order mark
        // at the start is not part of the first line.
        var text = decodedAsPip(data)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var logical: [(Int, String)] = []
        var pending: (Int, String)?
        // pip splits with Python's str.splitlines: at \n, \r, \r\n, \v, \f, \x1c–\x1e, \x85, U+2028, U+2029.
        let lines = text.split(omittingEmptySubsequences: false) { $0.isNewline || $0 == "\u{1C}" || $0 == "\u{1D}" || $0 == "\u{1E}" }
        for (number, raw) in lines.enumerated() {
            var line = String(raw)
            if line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("#") {
                if let done = pending { logical.append(done); pending = nil }
                continue
            }
            let continues = line.hasSuffix("\\")
            if continues { line.removeLast() }
            if var current = pending { current.1 += line; pending = current } else { pending = (number + 1, line) }
            if !continues, let done = pending { logical.append(done); pending = nil }
        }
        if let done = pending { logical.append(done) }
        for (number, rawLine) in logical {
            var line = rawLine
            if let hash = line.range(of: "#"), line[..<hash.lowerBound].isEmpty || line[line.index(before: hash.lowerBound)] == " " || line[line.index(before: hash.lowerBound)] == "\t" {
                line = String(line[..<hash.lowerBound])
            }
            line = line.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            let origin = "\(display):\(number)"
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if line.hasPrefix("-") {
                let (option, argument) = optionAndArgument(words)
                switch option {
                case "-r", "--requirement", "-c", "--constraint":
                    guard let argument else { continue }
                    let included = argument.hasPrefix("/") ? argument : PathText.join(PathText.directory(of: path), argument)
                    try readRequirements(path: included, into: &lockfile, visited: &visited, formats: &formats, depth: depth + 1,
                                         constraints: constraints || option == "-c" || option == "--constraint")
                case "-i", "--index-url":
                    // pip: each one replaces the whole index list (the extra indexes read so far
                    // too), over --index-url, PIP_INDEX_URL and the extra ones given to pip.
                    if let argument {
                        lockfile.indexURL = argument
                        lockfile.extraIndexURLs = []
                    }
                case "--no-index", "-f", "--find-links":
                    lockfile.warnings.append("\(origin): \(line): pip then installs from \(option == "--no-index" ? "the --find-links locations only" : "that location too"), "
                                             + "whose files basefit does not read; the pins are not judged from the index alone (scan the wheels there, e.g. basefit check wheelhouse/)")
                case "--extra-index-url":
                    if let argument { lockfile.extraIndexURLs.append(argument) }
                case "-e", "--editable":
                    lockfile.warnings.append("\(origin): editable install \(argument ?? "") is not judged (build it into a wheel and scan that)")
                case "--no-binary", "--only-binary":
                    if let argument { formats.apply(argument, only: option == "--only-binary") }
                default:
                    break  // --prefer-binary, --trusted-host … do not change which files pip may take
                }
                continue
            }
            if constraints { continue }
            // `name[extras]==version ; marker --hash=…`
            var requirement = line
            var hashes: [String] = []
            var otherHashes: [String] = []
            while let range = requirement.range(of: "--hash") {
                let tail = requirement[range.upperBound...].drop { $0 == "=" || $0 == " " }
                let value = tail.prefix { $0 != " " && $0 != "\t" }
                if value.hasPrefix("sha256:") { hashes.append(String(value.dropFirst(7)).lowercased()) } else { otherHashes.append(String(value)) }
                requirement = String(requirement[..<range.lowerBound]) + String(tail.dropFirst(value.count))
            }
            var marker: String?
            if let semicolon = requirement.firstIndex(of: ";") {
                marker = requirement[requirement.index(after: semicolon)...].trimmingCharacters(in: .whitespaces)
                requirement = String(requirement[..<semicolon])
            }
            requirement = requirement.trimmingCharacters(in: .whitespaces)
            if requirement.contains(" @ ") || requirement.contains("://") {
                lockfile.warnings.append("\(origin): \(requirement) is a direct URL, not a pin on the index; not judged")
                continue
            }
            guard let equals = requirement.range(of: "==") else {
                lockfile.warnings.append("\(origin): \(requirement) is not pinned with ==; not judged (pin it, e.g. with pip-compile or uv pip compile)")
                continue
            }
            var name = requirement[..<equals.lowerBound].trimmingCharacters(in: .whitespaces)
            if let bracket = name.firstIndex(of: "[") { name = String(name[..<bracket]) }
            var value = requirement[equals.upperBound...]
            let arbitrary = value.first == "="
            if arbitrary { value = value.dropFirst() }
            let version = value.trimmingCharacters(in: .whitespaces).split(separator: ",").first.map(String.init) ?? ""
            guard !name.isEmpty, !version.isEmpty, !version.contains("*") else {
                lockfile.warnings.append("\(origin): \(requirement) does not pin one version; not judged")
                continue
            }
            // pip accepts a file matching any of the pin's hashes; which files match one basefit
            // cannot check (sha384, sha512, a typo) is not known, so the pin is not judged.
            guard otherHashes.isEmpty else {
                lockfile.warnings.append("\(origin): \(name)==\(version): --hash=\(otherHashes.joined(separator: ", --hash=")) is not a sha256 basefit can "
                                         + "match to the index's files, so which file pip accepts is not known; not judged")
                continue
            }
            var pin = Pin(name: name, version: version, marker: marker, hashes: hashes, origin: origin)
            if arbitrary { pin.arbitraryEquality = true }
            lockfile.pins.append(pin)
        }
    }

    /// pip's `auto_decode`: a UTF-32 or UTF-16 byte order mark (PowerShell's `pip freeze >
    /// requirements.txt` writes UTF-16) says the encoding; else UTF-8.
    static func decodedAsPip(_ data: Data) -> String {
        let marks: [([UInt8], String.Encoding)] = [
            ([0xFF, 0xFE, 0, 0], .utf32LittleEndian), ([0, 0, 0xFE, 0xFF], .utf32BigEndian),
            ([0xFF, 0xFE], .utf16LittleEndian), ([0xFE, 0xFF], .utf16BigEndian),
        ]
        for (mark, encoding) in marks where data.starts(with: mark) {
            if let text = String(data: data.dropFirst(mark.count), encoding: encoding) { return text }
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// `-r file`, `-rfile`, `--requirement=file`.
    private static func optionAndArgument(_ words: [String]) -> (String, String?) {
        let first = words[0]
        if first.hasPrefix("--"), let equals = first.firstIndex(of: "=") {
            return (String(first[..<equals]), String(first[first.index(after: equals)...]))
        }
        if !first.hasPrefix("--"), first.count > 2 {
            return (String(first.prefix(2)), String(first.dropFirst(2)))
        }
        return (first, words.count > 1 ? words[1] : nil)
    }

    // MARK: Shared by the TOML lockfiles (uv.lock, poetry.lock, pylock.toml, pdm.lock)

    /// `{ url = "…/numpy-2.1.3-….whl", hash = "sha256:…", size = 123 }` (uv) or
    /// `{ url = …, hashes = { sha256 = … } }` / `{ name = …, … }` (pylock).
    static func file(_ table: LockfileTOML) -> File? {
        let url = table["url"]?.string
        guard let filename = table["name"]?.string ?? table["file"]?.string ?? url.map(fileName(ofURL:)) else { return nil }
        var sha = table["hashes"]?["sha256"]?.string
        if sha == nil, let hash = table["hash"]?.string, hash.hasPrefix("sha256:") { sha = String(hash.dropFirst(7)) }
        return File(filename: filename, url: url, sha256: sha, size: table["size"]?.integer)
    }

    static func fileName(ofURL url: String) -> String {
        var text = Substring(url)
        if let fragment = text.firstIndex(of: "#") { text = text[..<fragment] }
        if let query = text.firstIndex(of: "?") { text = text[..<query] }
        let name = text.split(separator: "/").last.map(String.init) ?? String(text)
        return name.removingPercentEncoding ?? name
    }

    static func toml(_ text: String, path: String) throws(ParseError) -> LockfileTOML {
        do { return try LockfileTOML.parse(text) } catch { throw ParseError(path: path, detail: error.description) }
    }
}
