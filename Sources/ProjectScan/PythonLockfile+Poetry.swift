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
        // Markers: poetry 2.x writes each package's own (`markers = "…"`, or one per group);
        // lock 2.0 only the dependency edges' (`pywin32 = {version = ">=304", markers = "sys_platform == 'win32'"}`).
        let packages = document["package"]?.array ?? []
        var edges: [String: [DependencyMarkers.Edge]] = [:]
        for (parent, package) in packages.enumerated() {
            guard case .table(let dependencies)? = package["dependencies"] else { continue }
            for (target, constraint) in dependencies {
                for item in constraint.array.isEmpty ? [constraint] : constraint.array {
                    edges[normalize(target), default: []].append(.init(parent: parent, marker: item["markers"]?.string))
                }
            }
        }
        let reached = DependencyMarkers.markers(incoming: packages.map { edges[normalize($0["name"]?.string ?? "")] ?? [] })
        for (index, package) in packages.enumerated() {
            guard let name = package["name"]?.string, let version = package["version"]?.string else { continue }
            var marker = package["markers"]?.string ?? reached[index]
            if case .table(let groups)? = package["markers"] {
                // One marker per dependency group: installed where any holds.
                let each = groups.values.map(\.string)
                marker = each.contains(nil) || each.isEmpty ? nil
                    : Set(each.compactMap { $0 }).sorted().map { "(\($0))" }.joined(separator: " or ")
            }
            if let type = package["source"]?["type"]?.string, type != "legacy" {  // git, directory, file, url
                warnings.append("\(display): \(name) \(version) comes from a \(type) source, not an index; not judged")
                continue
            }
            if let url = package["source"]?["url"]?.string, !sources.contains(url) { sources.append(url) }
            // poetry ≥ 1.2 lists files per package; older locks keep them in [metadata.files].
            var entries = package["files"]?.array ?? []
            if entries.isEmpty { entries = document["metadata"]?["files"]?[name]?.array ?? [] }
            let files = entries.compactMap(file)
            pins.append(Pin(name: name, version: version, marker: marker, files: files.isEmpty ? nil : files, origin: "\(display) [[package]] \(name)"))
        }
        // `poetry install` refuses a Python outside the project's range, which the lock records in
        // poetry's own syntax (`^3.13`, `>=3.9,<4.0 || 3.8.*`).
        let range = document["metadata"]?["python-versions"]?.string.map(PoetryConstraint.pep440)
        return PythonLockfile(format: .poetry, path: path, pins: pins, indexURL: nil, extraIndexURLs: sources, warnings: warnings,
                              requiresPython: range == "" ? nil : range)
    }
}
