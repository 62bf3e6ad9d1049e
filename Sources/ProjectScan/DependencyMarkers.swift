/// Where a locked package is installed, from the markers on the dependency edges that reach it
/// (uv.lock, poetry.lock 2.0): AND along a path from a root, OR across paths, as `uv export`
/// writes them (`app → wmi; sys_platform == 'win32'`, `wmi → pywin32`: pywin32 only on win32).
/// A package nothing points at is a root (the project, a top-level dependency): everywhere.
struct DependencyMarkers {
    struct Edge {
        var parent: Int
        var marker: String?
    }

    /// Conjunctions of edge markers, one per kind of path; `[[]]` is everywhere, `[]` not reached yet.
    private typealias Paths = Set<Set<String>>
    /// Past this many kinds of path a package is taken to be installed everywhere (judged on every image).
    private static let limit = 32

    /// `incoming[i]`: the edges into package `i`. The answer per package: its marker, nil for everywhere.
    static func markers(incoming: [[Edge]]) -> [String?] {
        var paths: [Paths] = incoming.map { $0.isEmpty ? [[]] : [] }
        // Each pass carries every path one edge further; a cycle adds nothing new after as many passes as packages.
        for _ in 0...incoming.count {
            var changed = false
            for (index, edges) in incoming.enumerated() where !edges.isEmpty {
                var next: Paths = []
                for edge in edges {
                    for conjunction in paths[edge.parent] { next.insert(edge.marker.map { conjunction.union([$0]) } ?? conjunction) }
                }
                next = minimal(next)
                if next != paths[index] {
                    paths[index] = next
                    changed = true
                }
            }
            if !changed { break }
        }
        return paths.map(text)
    }

    /// Drops a conjunction that holds a smaller one (it adds no place); everywhere past the limit.
    private static func minimal(_ paths: Paths) -> Paths {
        if paths.contains([]) || paths.count > limit { return [[]] }
        return paths.filter { conjunction in !paths.contains { $0 != conjunction && $0.isSubset(of: conjunction) } }
    }

    private static func text(_ paths: Paths) -> String? {
        // Not reached from a root (a cycle only): judged everywhere.
        guard !paths.isEmpty, !paths.contains([]) else { return nil }
        let each = paths.map { conjunction in
            conjunction.count == 1 ? conjunction.first! : conjunction.sorted().map { "(\($0))" }.joined(separator: " and ")
        }.sorted()
        return each.count == 1 ? each[0] : each.map { "(\($0))" }.joined(separator: " or ")
    }
}
