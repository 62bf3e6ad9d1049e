import Domain

/// Which of the project's files a runtime's own process loads: Node.js addons and CPython
/// extension modules, and the project's libraries they load (followed through what the scan
/// found for their NEEDED names). Such a process has mapped the runtime's own libraries from the
/// image first, which the loader reuses by name (`HostedLibrary`).
enum HostedFiles {
    /// Sets `Artifact.host`; runs after the ecosystems have named addons and extension modules.
    static func mark(_ artifacts: inout [Artifact]) {
        let byPath = Dictionary(artifacts.indices.map { (artifacts[$0].path, $0) }, uniquingKeysWith: { first, _ in first })
        var queue: [(index: Int, host: RuntimeKind)] = []
        for index in artifacts.indices {
            if artifacts[index].nodeAddon != nil {
                queue.append((index, .node))
            } else if artifacts[index].pythonExtension != nil {
                queue.append((index, .python))
            }
        }
        var next = 0
        while next < queue.count {
            let (index, host) = queue[next]
            next += 1
            guard artifacts[index].host == nil else { continue }
            artifacts[index].host = host
            for path in artifacts[index].bundled.values.sorted() {
                if let loaded = byPath[path] { queue.append((loaded, host)) }
            }
        }
    }
}
