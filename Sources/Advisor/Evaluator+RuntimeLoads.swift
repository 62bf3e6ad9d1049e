import Domain
import ELFInspection
import ImageCatalog
import ProjectScan

/// A project's copy of a library the runtime has already loaded from the image: the loader reuses
/// the image's copy, and holds the versions the addon or extension module needs to it.
extension Evaluator {
    /// Each runtime the image carries (its main one, then the other Nodes of a measured root) and
    /// what its process loads: read through `imageFiles` where the image's files are in hand.
    func runtimeLoads(_ image: Image, _ architecture: Architecture) -> [RuntimeLoads] {
        let runtimes = (image.runtime.map { [$0] } ?? []) + image.otherNodes
        return runtimes.map { runtime in
            RuntimeLoads(runtime: runtime, names: runtime.path.flatMap { loadedNames(of: $0, image, architecture) })
        }
    }

    /// The NEEDED closure of the image's program at `path` (names as the loader is asked for
    /// them, each followed through the image's copy under it); nil when it cannot be read.
    private func loadedNames(of path: String, _ image: Image, _ architecture: Architecture) -> Set<String>? {
        guard let imageFiles, let program = imageFiles.needs(path) else { return nil }
        let libraries = image.libraries(for: architecture)
        var order = program.external + program.libcSonames
        var names = Set(order)
        var next = 0
        while next < order.count {
            let name = order[next]
            next += 1
            guard let copy = libraries[name]?.path, let library = imageFiles.needs(copy) else { continue }
            for needed in library.external + library.libcSonames where names.insert(needed).inserted {
                order.append(needed)
            }
        }
        return names
    }

    /// The versions `file` needs from the project's copies (`FileNeeds.hostedLibraries`) that its
    /// runtime has, or may have, loaded from the image, held to the image's copy.
    func hostedLibraryProblems(_ file: FileNeeds, _ image: Image, _ architecture: Architecture, loads: [RuntimeLoads]) -> [Problem] {
        let libraries = image.libraries(for: architecture)
        return file.hostedLibraries.flatMap { hosted -> [Problem] in
            let provided = libraries[hosted.library]
            guard let provided, let load = loads.first(where: { $0.runtime.kind == hosted.host && $0.shadows(hosted.library, provided: provided) })
            else { return [] }
            return libraryVersionProblems(file, hosted.versionNeeds, image, architecture).map { problem in
                var problem = problem
                let copy = provided.path ?? "\(hosted.library) (the image's)"
                let need = "\(fileName(file.path))'s \(problem.version ?? "version") need is held to it"
                let program = load.programName
                if load.names != nil {
                    problem.message += ": \(program) has already loaded \(copy); the loader reuses it and never opens the project's \(hosted.path), so \(need)"
                } else {
                    problem.message += ": basefit does not know which libraries \(image.reference)'s \(program) loads itself; if it has loaded \(copy), the loader reuses it and never opens the project's \(hosted.path), so \(need) (--rootfs or --image reads \(program)'s own libraries)"
                }
                problem.fix = Fix(advice: "ship the library under a name of its own (as auditwheel does: lib<name>-<hash>.so) and relink the file against that, rebuild the file against \(image.reference)'s \(hosted.library), or use an image whose \(hosted.library) defines \(problem.version ?? "the version")")
                return problem
            }
        }
    }
}
