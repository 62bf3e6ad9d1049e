import Foundation

/// `pdm.lock` (PDM): `[[package]]` tables with `name`, `version`, `marker` and the release's
/// `files` (`{file = "…whl", hash = "sha256:…"}`, or `url` with `--static-urls`); lock
/// version 3 kept the files under `[metadata.files]` as `"name version" = [...]`. Its indexes
/// are not in the lock but in the project's `pyproject.toml` (`[[tool.pdm.source]]`).
extension PythonLockfile {
    /// `pyproject`: the text of the project's `pyproject.toml`, for its PDM sources.
    public static func parsePDM(_ text: String, path: String, pyproject: String? = nil) throws(ParseError) -> PythonLockfile {
        let document = try toml(text, path: path)
        guard let lockVersion = document["metadata"]?["lock_version"]?.string else {
            throw ParseError(path: path, detail: "no metadata.lock_version: not a pdm.lock")
        }
        guard lockVersion.hasPrefix("4.") || lockVersion.hasPrefix("3.") || lockVersion == "4" || lockVersion == "3" else {
            throw ParseError(path: path, detail: "lock_version \(lockVersion) (basefit reads 3.x and 4.x)")
        }
        let display = PathText.fileName(of: path)
        var pins: [Pin] = []
        var warnings: [String] = []
        for package in document["package"]?.array ?? [] {
            guard let name = package["name"]?.string else { continue }
            let origin = "\(display) [[package]] \(name)"
            // A VCS checkout, a local path or a direct URL is what PDM installs, not an index release.
            if let source = ["git", "hg", "svn", "bzr", "path", "url"].first(where: { package[$0] != nil }) {
                warnings.append("\(origin) installs from its \(source) source, not from an index; not judged (scan the built wheel)")
                continue
            }
            guard let version = package["version"]?.string else {
                warnings.append("\(origin) has no version; not judged")
                continue
            }
            var entries = package["files"]?.array ?? []
            if entries.isEmpty { entries = document["metadata"]?["files"]?["\(name) \(version)"]?.array ?? [] }
            let files = entries.compactMap(file)
            pins.append(Pin(name: name, version: version, marker: package["marker"]?.string.flatMap { $0.isEmpty ? nil : $0 },
                            files: files.isEmpty ? nil : files, origin: origin))
        }
        var project: LockfileTOML?
        if let pyproject {
            do { project = try LockfileTOML.parse(pyproject) } catch {
                // Its PDM sources (`[[tool.pdm.source]]`, written in any of TOML's ways) would be
                // missed, and PyPI asked instead of them.
                warnings.append("pyproject.toml beside \(display) could not be read for its [[tool.pdm.source]] (\(error)); not judged")
            }
        }
        let (index, extras) = pdmSources(project)
        // `pdm install` refuses an interpreter no lock target is for ("No compatible lock
        // target found"); a target without requires_python is for any.
        let targets = document["metadata"]?["targets"]?.array ?? []
        let ranges = targets.map { $0["requires_python"]?.string ?? "" }
        let python = targets.isEmpty || ranges.contains("") ? nil : Array(Set(ranges)).sorted().joined(separator: " || ")
        return PythonLockfile(format: .pdm, path: path, pins: pins, indexURL: index, extraIndexURLs: extras, warnings: warnings,
                              requiresPython: python)
    }

    /// The indexes of `[[tool.pdm.source]]`: one named `pypi` replaces PyPI, the others are
    /// searched as well (`find_links` sources are not indexes and are left out).
    static func pdmSources(_ pyproject: LockfileTOML?) -> (index: String?, extras: [String]) {
        var index: String?
        var extras: [String] = []
        for source in pyproject?["tool"]?["pdm"]?["source"]?.array ?? [] {
            guard let url = source["url"]?.string, (source["type"]?.string ?? "index") == "index" else { continue }
            if source["name"]?.string == "pypi" { index = url } else if !extras.contains(url) { extras.append(url) }
        }
        return (index, extras)
    }

    /// The text of the `pyproject.toml` beside a lockfile, when there is one.
    static func pyprojectBeside(_ path: String) -> String? {
        FileManager.default.contents(atPath: PathText.join(PathText.directory(of: path), "pyproject.toml"))
            .map { String(decoding: $0, as: UTF8.self) }
    }
}
