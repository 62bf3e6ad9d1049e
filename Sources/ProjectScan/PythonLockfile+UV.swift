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
        // uv.lock puts markers on dependency edges, not packages: a package is installed where
        // some path of edges from the project holds (AND along it, OR across paths).
        let packages = document["package"]?.array ?? []
        var edges: [String: [DependencyMarkers.Edge]] = [:]
        for (parent, package) in packages.enumerated() {
            for key in ["dependencies", "optional-dependencies", "dev-dependencies"] {
                var lists = package[key]?.array ?? []
                if case .table(let groups)? = package[key] { lists = groups.values.flatMap(\.array) }
                for dependency in lists {
                    guard let target = dependency["name"]?.string else { continue }
                    // A project locked at several versions (a fork by marker): the edge names the version.
                    let key = normalize(target) + (dependency["version"]?.string.map { "@" + $0 } ?? "")
                    edges[key, default: []].append(.init(parent: parent, marker: dependency["marker"]?.string))
                }
            }
        }
        let markers = DependencyMarkers.markers(incoming: packages.map { package in
            let name = normalize(package["name"]?.string ?? "")
            return (edges[name] ?? []) + (package["version"]?.string.flatMap { edges[name + "@" + $0] } ?? [])
        })
        for (index, package) in packages.enumerated() {
            if let name = package["name"]?.string, let value = package["version"], value.string == nil {
                // Dropped, it would vanish from the judgement (in the user's favour).
                throw ParseError(path: path, detail: "[[package]] \(name): version is not a string (uv writes \"1.0\"); not judged")
            }
            guard let name = package["name"]?.string, let version = package["version"]?.string else { continue }
            guard let registry = package["source"]?["registry"]?.string else {
                // The project and its workspace (editable, virtual) are the user's own code; a
                // git, path, directory or URL source is a dependency basefit cannot look up.
                if let kind = ["git", "path", "directory", "url"].first(where: { package["source"]?[$0] != nil }) {
                    warnings.append("\(display): \(name) \(version) comes from a \(kind) source, not an index; not judged")
                } else if let member = package["source"]?["editable"]?.string, !["", ".", "./"].contains(member) {
                    // A workspace member uv sync builds and installs (editable): it may compile native code,
                    // as `-e ./member` in a requirements file may. The project root itself is the user's own code.
                    warnings.append("\(display): \(name) \(version) is the editable workspace member \(member), which uv sync builds; not judged "
                                    + "(build it into a wheel and scan that)")
                }
                continue
            }
            let marker = markers[index]
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
