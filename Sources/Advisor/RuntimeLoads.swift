import ImageCatalog

/// What one runtime of an image has loaded from the image by the time it loads a project's addon
/// or extension module: glibc matches a NEEDED name against the libraries already loaded (by the
/// names they were loaded under and their SONAME) before it searches anywhere, so a project's
/// copy under such a name is never opened.
struct RuntimeLoads: Sendable {
    var runtime: Image.Runtime
    /// The names its process has mapped: the runtime binary's NEEDED closure, read from the
    /// image's files. nil where they were not read (a catalog row, which records none).
    var names: Set<String>?

    /// True when the runtime's process has, or (its libraries not known) may have, a library of
    /// that name from the image, which `provided` is.
    func shadows(_ name: String, provided: ProvidedLibrary?) -> Bool {
        guard provided != nil else { return false }
        return names?.contains(name) ?? true
    }

    /// How messages call the runtime's program: `node`, `python3.11`.
    var programName: String {
        runtime.path.flatMap { $0.split(separator: "/").last.map(String.init) } ?? runtime.kind.rawValue
    }
}
