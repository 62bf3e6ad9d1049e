import Foundation

/// `uv.lock`: `[[package]]` tables with a registry source, the release's `sdist` and
/// `wheels`, and markers on the dependency edges; `requires-python` for the whole lock.
extension PythonLockfile {
    public static func parseUV(_ text: String, path: String) throws(ParseError) -> PythonLockfile {
        let document = try toml(text, path: path)
        var pins: [Pin] = []
        var registries: [String] = []
        var warnings: [String] = []
        let display = PathText.fileName(of: path)
        // uv.lock puts markers on dependency edges, not packages: a package every edge to which
        // carries a marker is installed only where one of them holds.
        var edges: [String: [String?]] = [:]
        for package in document["package"]?.array ?? [] {
            for key in ["dependencies", "optional-dependencies", "dev-dependencies"] {
                var lists = package[key]?.array ?? []
                if case .table(let groups)? = package[key] { lists = groups.values.flatMap(\.array) }
                for dependency in lists {
                    guard let target = dependency["name"]?.string else { continue }
                    // A project locked at several versions (a fork by marker): the edge names the version.
                    let key = normalize(target) + (dependency["version"]?.string.map { "@" + $0 } ?? "")
                    edges[key, default: []].append(dependency["marker"]?.string)
                }
            }
        }
        for package in document["package"]?.array ?? [] {
            guard let name = package["name"]?.string, let version = package["version"]?.string else { continue }
            guard let registry = package["source"]?["registry"]?.string else {
                // The project and its workspace (editable, virtual) are the user's own code; a
                // git, path, directory or URL source is a dependency basefit cannot look up.
                if let kind = ["git", "path", "directory", "url"].first(where: { package["source"]?[$0] != nil }) {
                    warnings.append("\(display): \(name) \(version) comes from a \(kind) source, not an index; not judged")
                }
                continue
            }
            var marker: String?
            let incoming = (edges[normalize(name)] ?? []) + (edges[normalize(name) + "@" + version] ?? [])
            if !incoming.isEmpty, incoming.allSatisfy({ $0 != nil }) {
                let distinct = Array(Set(incoming.compactMap { $0 })).sorted()
                marker = distinct.count == 1 ? distinct[0] : distinct.map { "(\($0))" }.joined(separator: " or ")
            }
            if !registries.contains(registry) { registries.append(registry) }
            var files: [File] = []
            if let sdist = package["sdist"], let file = file(sdist) { files.append(file) }
            for wheel in package["wheels"]?.array ?? [] { if let file = file(wheel) { files.append(file) } }
            pins.append(Pin(name: name, version: version, marker: marker, files: files, origin: "\(display) [[package]] \(name)"))
        }
        return PythonLockfile(format: .uv, path: path, pins: pins, indexURL: registries.first,
                              extraIndexURLs: Array(registries.dropFirst()), warnings: warnings,
                              requiresPython: document["requires-python"]?.string)
    }
}
