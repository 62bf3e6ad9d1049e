import Domain
import ELFInspection
import ImageCatalog
import ProjectScan

/// DF_1_NODEFLIB (`ld -z nodefaultlib`): glibc searches neither /etc/ld.so.cache nor the default
/// directories for the object's NEEDED names, so an image's library serves it only from a
/// directory of the object's own DT_RUNPATH (else DT_RPATH). (A library its process
/// has already loaded is matched by name first; that is not counted on: the file is held to the
/// rule as if it were loaded first.)
extension Evaluator {
    func noDefaultLibraryProblems(_ file: FileNeeds, _ image: Image, _ architecture: Architecture) -> [Problem] {
        guard let directories = file.imageSearchDirectories else { return [] }
        let libraries = image.libraries(for: architecture)
        let searched = Set(directories.map(Self.trimmedDirectory))
        return file.external.compactMap { soname -> Problem? in
            // An image without the name at all: a missing library, said once elsewhere.
            guard let provided = libraries[soname] else { return nil }
            if let path = provided.path, searched.contains(Self.trimmedDirectory(String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]))) {
                return nil
            }
            let copy = provided.path.map { " (\($0))" } ?? ""
            let searchText = directories.isEmpty
                ? "it has no absolute DT_RUNPATH or DT_RPATH directory"
                : "its search path (\(directories.joined(separator: ":"))) does not hold it"
            return Problem(
                kind: .missingLibrary, artifact: file.path, artifacts: [file.path], library: soname, version: nil, symbols: [],
                message: "\(file.path) needs \(soname) and is linked with -z nodefaultlib (DF_1_NODEFLIB): the loader searches neither /etc/ld.so.cache nor the default directories for its libraries, so it does not find \(image.reference)'s \(soname)\(copy); \(searchText)",
                fix: Fix(advice: "relink without -z nodefaultlib, or give the file a DT_RUNPATH naming the directory of \(soname) (patchelf --set-rpath), or ship \(soname) where its $ORIGIN RUNPATH finds it"))
        }
    }

    private static func trimmedDirectory(_ path: String) -> String {
        var text = path
        while text.count > 1 && text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
