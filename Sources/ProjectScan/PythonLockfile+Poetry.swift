import Foundation

/// `poetry.lock`: `[[package]]` tables with their `files` (or, before poetry 1.2,
/// `[metadata.files]`) and a legacy source's URL.
extension PythonLockfile {
    public static func parsePoetry(_ text: String, path: String) throws(ParseError) -> PythonLockfile {
        let document = try toml(text, path: path)
        var pins: [Pin] = []
        var sources: [String] = []
        var warnings: [String] = []
        let display = PathText.fileName(of: path)
        for package in document["package"]?.array ?? [] {
            guard let name = package["name"]?.string, let version = package["version"]?.string else { continue }
            if let type = package["source"]?["type"]?.string, type != "legacy" {  // git, directory, file, url
                warnings.append("\(display): \(name) \(version) comes from a \(type) source, not an index; not judged")
                continue
            }
            if let url = package["source"]?["url"]?.string, !sources.contains(url) { sources.append(url) }
            // poetry ≥ 1.2 lists files per package; older locks keep them in [metadata.files].
            var entries = package["files"]?.array ?? []
            if entries.isEmpty { entries = document["metadata"]?["files"]?[name]?.array ?? [] }
            let files = entries.compactMap(file)
            pins.append(Pin(name: name, version: version, files: files.isEmpty ? nil : files, origin: "\(display) [[package]] \(name)"))
        }
        return PythonLockfile(format: .poetry, path: path, pins: pins, indexURL: nil, extraIndexURLs: sources, warnings: warnings)
    }
}
