import Domain
import ImageCatalog
import ProjectScan

extension Evaluator {
    /// What the loader holds the image's own libraries to once the project loads them: a
    /// library the project NEEDs is found in the image, and then everything it NEEDs must be
    /// found too, with the versions it asks for. A catalog image is taken as its distribution
    /// made it (its packages' dependencies are installed); a real root or image is not (a
    /// single library COPYed in from a build stage without what it needs).
    ///
    /// The problems of the libraries the project's files load (followed through their NEEDED in
    /// the image), each saying which project file loads it; only what stops the loader counts.
    func loadedLibraryProblems(_ profile: ProjectProfile, _ image: Image, files: ImageFiles) -> [Problem] {
        let loaded = loadedImageLibraries(profile, image, needs: files.needs)
        guard !loaded.isEmpty, let platform = profile.architecture.platformName else { return [] }
        let requirements = Requirements(files: loaded.map(\.needs), node: nil, python: nil, hints: [])
        guard let libraries = try? ProjectProfile(requirements: requirements, architecture: platform) else { return [] }
        // The image's files, judged as its own (its glibc's GLIBC_PRIVATE in its system directories).
        var inner = self
        inner.imageFiles = nil
        inner.imageFilesRoot = files.root
        let loadedFor = Dictionary(loaded.map { ($0.needs.path, $0.loadedFor) }, uniquingKeysWith: { first, _ in first })
        let loaderKinds: Set<Problem.Kind> = [.libcMismatch, .glibcTooOld, .versionTooOld, .missingLibrary, .glibcPrivate, .executableStack, .unusableLibrary]
        return inner.evaluate(libraries, on: image, runtime: .none).problems.filter { loaderKinds.contains($0.kind) }.map { problem in
            var problem = problem
            if let artifact = problem.artifact, let project = loadedFor[artifact] {
                problem.message += " (it is loaded for \(project))"
            }
            return problem
        }
    }

    /// The image's libraries the project's loadable files load, directly or through one another,
    /// each as `needs` reads it, with the first project file it is loaded for.
    ///
    /// What such a library needs is asked of the image unless the loader finds it in the project
    /// for that project file, and only where it does: among the libraries the file loads from the
    /// project itself (loaded by then), or, for a library without a DT_RUNPATH of its own, in the
    /// file's DT_RPATH directories (which the library inherits). A library of the same name
    /// elsewhere in the project is not found. Where the project gives it a name, the versions it
    /// needs under that name are held to the project's copy (`projectCopies`), and where the first
    /// entry under the name in those DT_RPATH directories is one the loader cannot load
    /// (`rpathRefusals`), it is refused (`libraryFailures`).
    func loadedImageLibraries(_ profile: ProjectProfile, _ image: Image, needs: (String) -> FileNeeds?) -> [(needs: FileNeeds, loadedFor: String)] {
        let libraries = image.libraries(for: profile.architecture)
        var pending: [(soname: String, loader: FileNeeds)] = []
        for file in profile.files where file.isLoadable && applies(file, to: image) && file.libc != .none {
            pending += file.external.map { ($0, file) }
        }
        // The image's files judged already (`check ROOT/usr/lib --rootfs ROOT`) are not again.
        let judged = Set(profile.files.map(\.path))
        // A library is followed once for each set of names the project gives it; what it needs
        // from the image is the union over the project files that load it.
        struct Visit: Hashable {
            var soname: String
            var loaded: [String]
            var rpath: [String]
            var refusals: [LibraryFailure]
            var copies: [ProjectLibraryCopy]
        }
        var visited: Set<Visit> = []
        // Each library is read once however many sets of names it is followed for.
        var read: [String: FileNeeds?] = [:]
        func needsOnce(_ path: String) -> FileNeeds? {
            if let known = read[path] { return known }
            let value = needs(path)
            read[path] = value
            return value
        }
        var order: [String] = []
        var found: [String: (needs: FileNeeds, loadedFor: String)] = [:]
        var next = 0
        while next < pending.count {
            let (soname, loader) = pending[next]
            next += 1
            guard visited.insert(Visit(soname: soname, loaded: loader.loadedFromProject, rpath: loader.rpathLibraries,
                                       refusals: loader.rpathRefusals, copies: loader.projectCopies)).inserted,
                  let path = libraries[soname]?.path, var library = needsOnce(path) else { continue }
            Self.giveProjectNames(from: loader, to: &library)
            pending += library.external.map { ($0, loader) }
            guard !judged.contains(library.path) else { continue }
            if var known = found[library.path] {
                known.needs.external += library.external.filter { !known.needs.external.contains($0) }
                found[library.path] = known
            } else {
                found[library.path] = (library, loader.path)
                order.append(library.path)
            }
        }
        return order.map { found[$0]! }
    }

    /// What the loader gives an image library loaded for `loader` from the project: the names
    /// `loader` loaded from it (mapped by then), and for a library without a DT_RUNPATH the first
    /// entry under a name in `loader`'s DT_RPATH directories. Those names are not asked of the
    /// image; the versions needed under them are held to the project's copy (glibc's
    /// `_dl_check_map_versions`), and an entry the loader cannot load refuses the library.
    static func giveProjectNames(from loader: FileNeeds, to library: inout FileNeeds) {
        let inherits = !library.hasRunpath
        func given(_ name: String) -> Bool { loader.loadedFromProject.contains(name) || (inherits && loader.rpathLibraries.contains(name)) }
        for refusal in loader.rpathRefusals where inherits && library.external.contains(refusal.library) && !loader.loadedFromProject.contains(refusal.library) {
            library.libraryFailures.append(refusal)
            library.external.removeAll { $0 == refusal.library }
            library.versionNeeds.removeAll { $0.library == refusal.library }
        }
        for needs in library.versionNeeds where given(needs.library) {
            guard let copy = loader.projectCopies.first(where: { $0.library == needs.library }) else { continue }
            library.libraryFailures += LibraryFailure.missingVersions(needs, copy: copy.path, defines: copy.versions, baseName: needs.library)
        }
        library.versionNeeds.removeAll { given($0.library) }
        library.external.removeAll(where: given)
    }
}
