import Foundation

/// `pylock.toml` (PEP 751): `[[packages]]` with an index, an `sdist` and `wheels`; an
/// archive, VCS or directory source is installed as it is.
extension PythonLockfile {
    public static func parsePylock(_ text: String, path: String) throws(ParseError) -> PythonLockfile {
        let document = try toml(text, path: path)
        guard let lockVersion = document["lock-version"]?.string else {
            throw ParseError(path: path, detail: "no lock-version: not a PEP 751 pylock.toml")
        }
        guard lockVersion.hasPrefix("1.") || lockVersion == "1" else {
            throw ParseError(path: path, detail: "lock-version \(lockVersion) (basefit reads 1.x)")
        }
        var pins: [Pin] = []
        var warnings: [String] = []
        var indexes: [String] = []
        let display = PathText.fileName(of: path)
        for package in document["packages"]?.array ?? [] {
            guard let name = package["name"]?.string else { continue }
            // An archive, VCS or directory source is what the installer installs, whether or not
            // the package also names a version (PEP 751 allows one with an archive).
            if let source = ["archive", "vcs", "directory"].first(where: { package[$0] != nil }) {
                warnings.append("\(display): \(name) installs from its \(source) source, not from an index; not judged (scan the built wheel)")
                continue
            }
            guard let version = package["version"]?.string else {
                warnings.append("\(display): \(name) has no version (a VCS, directory or archive source); not judged")
                continue
            }
            if let index = package["index"]?.string, !indexes.contains(index) { indexes.append(index) }
            var files: [File] = []
            if let sdist = package["sdist"], let file = file(sdist) { files.append(file) }
            for wheel in package["wheels"]?.array ?? [] { if let file = file(wheel) { files.append(file) } }
            pins.append(Pin(name: name, version: version, marker: package["marker"]?.string,
                            files: files.isEmpty ? nil : files, origin: "\(display) [[packages]] \(name)"))
        }
        // The installer refuses an interpreter outside the lock's `requires-python` (PEP 751).
        return PythonLockfile(format: .pylock, path: path, pins: pins, indexURL: nil, extraIndexURLs: indexes, warnings: warnings,
                              requiresPython: document["requires-python"]?.string)
    }
}
