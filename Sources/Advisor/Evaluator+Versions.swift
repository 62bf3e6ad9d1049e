import Domain
import ELFInspection
import ImageCatalog
import PackageKnowledge
import ProjectScan

/// Symbol versions: what a file needs of the image's libraries, glibc's own included.
extension Evaluator {
    func versionProblems(_ file: FileNeeds, _ image: Image, _ architecture: Architecture) -> [Problem] {
        glibcPrivateProblems(file, image) + muslSymbolProblems(file, image)
            + file.versionNeeds.flatMap { libraryVersionProblems(file, $0, image, architecture) }
    }

    /// What `library`'s needs ask of the image's copy under that name (nothing where the image
    /// has none: that is a missing library). glibc's `_dl_check_map_versions` looks each needed
    /// version up in that soname's own `.gnu.version_d`: where the definitions were measured for
    /// this architecture, a need is met only by a version defined there (libm.so.6 of glibc 2.36
    /// has no GLIBC_2.33, though 2.33 < 2.36); where only a highest version is documented, that is
    /// what a need is compared with.
    func libraryVersionProblems(_ file: FileNeeds, _ library: LibraryVersionNeeds, _ image: Image, _ architecture: Architecture) -> [Problem] {
        let libraries = image.libraries(for: architecture)
        if LibcNames.isLibc(library.library) {
            guard image.libcFamily == .glibc, let have = image.libcVersion else { return [] }
            let defined = libraries[library.library]?.versions ?? []
            return glibcVersionProblems(file, library, image, have: have, defined: defined,
                                        exact: image.hasOwnLibraries(for: architecture) && !defined.isEmpty)
        }
        guard let provided = libraries[library.library] else { return [] }  // reported as missing
        var problems: [Problem] = []
        // Unnumbered versions (OPENSSL_1_1_1d, LIBSYSTEMD_PRIVATE…) can only be checked
        // where the image's version definitions were measured.
        let unnumbered = library.versions.filter {
            $0.version.number == nil && !$0.weak && !provided.versions.isEmpty
                && provided.maxima[$0.version.family] == nil && !provided.versions.contains($0.version.name)
        }
        if let first = unnumbered.first {
            problems.append(Problem(
                kind: .versionTooOld, artifact: file.path, library: library.library, version: first.version.name,
                symbols: first.symbols,
                message: "\(file.path) needs \(first.version.name)\(symbolText(first.symbols)) from \(library.library); \(image.reference)'s \(library.library) does not define it",
                fix: Fix(advice: "use an image whose \(library.library) defines \(first.version.name), or rebuild against the image's version")))
        }
        let missing = library.versions.filter { $0.version.number != nil && !provided.provides($0.version) }
        guard let worst = missing.max(by: { ($0.version.number ?? VersionNumber([0])) < ($1.version.number ?? VersionNumber([0])) }) else { return problems }
        let highest = provided.highest(worst.version.family)
        let offered = highest.map { "up to \(worst.version.family)_\($0)" } ?? "no \(worst.version.family) versions"
        // A need below the highest version the library defines: it is a gap in the list, not an old library.
        let gap = highest.map { worst.version.number! < $0 } ?? false
        problems.append(Problem(
            kind: .versionTooOld, artifact: file.path, library: library.library, version: worst.version.name,
            symbols: worst.symbols,
            message: "\(file.path) needs \(worst.version.name)\(symbolText(worst.symbols)) from \(library.library); \(image.reference)'s \(library.library) "
                + (gap ? "defines \(offered) but not \(worst.version.name), and the loader checks for that exact version" : "provides \(offered)"),
            fix: Fix(advice: gap
                ? "rebuild against the \(library.library) of the image's distribution (the need names a version it never defined), or use an image whose \(library.library) defines \(worst.version.name)"
                : "use an image with a newer \(library.library), or rebuild with an older toolchain")))
        return problems
    }

    /// The functions a musl-linked file calls that the image's musl does not export yet
    /// (`MuslSymbols`): its loader stops at the first ("Error relocating …: statx: symbol not
    /// found"). A musl whose version is not known, or older than the table's first release,
    /// cannot be confirmed, so that is a problem too.
    func muslSymbolProblems(_ file: FileNeeds, _ image: Image) -> [Problem] {
        guard file.libc == .musl, image.libcFamily == .musl, !file.muslSymbols.isEmpty else { return [] }
        let releases = file.muslSymbols.compactMap { name in MuslSymbols.firstRelease[name].map { (name, $0) } }
        guard let have = image.libcVersion, have >= MuslSymbols.baseline else {
            let names = releases.map(\.0)
            return [Problem(
                kind: .muslTooOld, artifact: file.path, library: "libc", version: nil, symbols: names,
                message: "\(file.path) calls \(names.joined(separator: ", ")), which musl exports only since \(releases.map(\.1).max()!); "
                    + (image.libcVersion.map { "\(image.reference) has musl \($0), older than basefit's table of musl's functions (\(MuslSymbols.baseline))" }
                        ?? "\(image.reference)'s musl version is not known"),
                fix: Fix(advice: "use an image with musl ≥ \(releases.map(\.1).max()!)\(muslImageHint(releases.map(\.1).max()!))"))]
        }
        let missing = releases.filter { $0.1 > have }
        guard let newest = missing.map(\.1).max() else { return [] }
        let names = missing.map(\.0)
        return [Problem(
            kind: .muslTooOld, artifact: file.path, library: "libc", version: newest.description, symbols: names,
            message: "\(file.path) calls \(names.joined(separator: ", ")), which musl exports only since \(newest); \(image.reference) has musl \(have)",
            fix: Fix(advice: "use an image with musl ≥ \(newest)\(muslImageHint(newest)), or build against musl \(have)"))]
    }

    /// " (alpine:3.20 has 1.2.5)": the catalog's oldest plain Alpine with that musl or newer.
    func muslImageHint(_ needed: VersionNumber) -> String {
        let alpine = catalog.filter { $0.family == "alpine" && $0.libcFamily == .musl && ($0.libcVersion.map { $0 >= needed } ?? false) }
            .min { ($0.libcVersion!, $0.reference) < ($1.libcVersion!, $1.reference) }
        return alpine.map { " (\($0.reference) has \($0.libcVersion!))" } ?? ""
    }

    /// What a glibc library's version needs ask of an image with glibc `have`. Numbered
    /// versions against the release; GLIBC_PRIVATE is `glibcPrivateProblems`'.
    /// A feature marker (`GLIBC_ABI_DT_RELR`: the loader refuses the file without it) against
    /// the library's measured version definitions (`defined`) where there are any, else against
    /// the first release that defines it; a marker neither settles is a problem too, as a gate
    /// must not pass what it cannot confirm. Where `exact` (`defined` is the whole list, measured
    /// for this architecture), a numbered version at or below the release must be in it too.
    func glibcVersionProblems(_ file: FileNeeds, _ library: LibraryVersionNeeds, _ image: Image, have: VersionNumber,
                                      defined: Set<String>, exact: Bool = false) -> [Problem] {
        var problems: [Problem] = []
        let worst = library.versions.compactMap { need -> (VersionNeed, VersionNumber)? in
            if need.version.family == "GLIBC", let number = need.version.number { return (need, number) }
            guard GlibcFeatureVersion.isMarker(need.version), !need.weak, defined.isEmpty,
                  let release = GlibcFeatureVersion.firstRelease(of: need.version) else { return nil }
            return (need, release)
        }.filter { $0.1 > have }.max { $0.1 < $1.1 }
        if let (need, number) = worst {
            let feature = GlibcFeatureVersion.isMarker(need.version) ? markerText(need.version) : symbolText(need.symbols)
            problems.append(Problem(
                kind: .glibcTooOld, artifact: file.path, library: library.library, version: need.version.name,
                symbols: need.symbols,
                message: "\(file.path) needs \(need.version.name)\(feature) from \(library.library); \(image.reference) has glibc \(have)",
                fix: Fix(advice: GlibcFeatureVersion.isMarker(need.version)
                    ? "use an image with glibc ≥ \(number), or relink without the feature"
                    : "use an image with glibc ≥ \(number), or rebuild against an older glibc")))
        }
        if exact, worst == nil, let gap = library.versions.first(where: { need in
            need.version.family == "GLIBC" && need.version.number != nil && !need.weak && !defined.contains(need.version.name)
        }) {
            let listed = defined.map(SymbolVersion.init).filter { $0.family == "GLIBC" && $0.number != nil }
                .sorted { $0.number! < $1.number! }
            let range = listed.first.map { first in " (it defines \(first.name) … \(listed.last!.name), not every release between)" } ?? ""
            problems.append(Problem(
                kind: .glibcTooOld, artifact: file.path, library: library.library, version: gap.version.name, symbols: gap.symbols,
                message: "\(file.path) needs \(gap.version.name)\(symbolText(gap.symbols)) from \(library.library); \(image.reference)'s \(library.library) (glibc \(have)) does not define that version\(range), and the loader checks for that exact version",
                fix: Fix(advice: "rebuild against the image's glibc (the need names a version \(library.library) never defined, as a build against a stub library or another architecture's glibc does)")))
        }
        let marker = library.versions.first { need in
            guard GlibcFeatureVersion.isMarker(need.version), !need.weak else { return false }
            if !defined.isEmpty { return !defined.contains(need.version.name) }
            return GlibcFeatureVersion.firstRelease(of: need.version) == nil
        }
        if let marker {
            let name = marker.version.name
            let why = defined.isEmpty
                ? "whether \(image.reference)'s \(library.library) (glibc \(have)) defines it is not known: its version definitions were not measured"
                : "\(image.reference)'s \(library.library) (glibc \(have)) does not define it: its loader refuses the file (or, where the linker wrote no marker, ignores the feature and the file crashes)"
            problems.append(Problem(
                kind: .glibcTooOld, artifact: file.path, library: library.library, version: name, symbols: marker.symbols,
                message: "\(file.path) needs \(name)\(markerText(marker.version)) from \(library.library); \(why)",
                fix: Fix(advice: defined.isEmpty
                    ? "check the image itself (--image or --rootfs), or use an image whose glibc is known to define \(name)"
                    : "use an image whose glibc defines \(name) (a newer glibc), or relink without the feature")))
        }
        return problems
    }

    /// " (packed relative relocations …)", or " (a loader feature)" for a marker not known by name.
    func markerText(_ version: SymbolVersion) -> String {
        " (\(GlibcFeatureVersion.feature(of: version) ?? "a loader feature, not a symbol"))"
    }

    func symbolText(_ symbols: [String]) -> String {
        guard !symbols.isEmpty else { return "" }
        let shown = symbols.prefix(3).joined(separator: ", ")
        return " (\(shown)\(symbols.count > 3 ? ", …" : ""))"
    }

    /// GLIBC_PRIVATE is defined by every glibc, but its symbols change from build to build: what
    /// needs them (glibc's own libpthread shipped with the project and found through its RUNPATH)
    /// loads only with the glibc it came from. One problem a file, naming the first library.
    func glibcPrivateProblems(_ file: FileNeeds, _ image: Image) -> [Problem] {
        guard image.libcFamily == .glibc, let have = image.libcVersion, !isImageSystemFile(file.path) else { return [] }
        for library in file.versionNeeds where LibcNames.isLibc(library.library) {
            guard let need = library.versions.first(where: { $0.version.name == "GLIBC_PRIVATE" && !$0.weak }) else { continue }
            return [Problem(
                kind: .glibcPrivate, artifact: file.path, library: library.library, version: need.version.name, symbols: need.symbols,
                message: "\(file.path) needs GLIBC_PRIVATE\(symbolText(need.symbols)) from \(library.library): glibc's internal interface, which only the glibc build it comes from has; \(image.reference)'s glibc \(have) cannot be confirmed to be that build",
                fix: Fix(advice: "do not ship glibc's own libraries with the project (the image's are loaded otherwise), or rebuild without glibc internals"))]
        }
        return []
    }

    static let systemDirectories = ["/lib/", "/lib64/", "/libx32/", "/usr/lib/", "/usr/lib64/", "/usr/libexec/", "/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/"]

    func isImageSystemFile(_ path: String) -> Bool {
        guard var root = imageFilesRoot else { return false }
        while root.hasSuffix("/") { root.removeLast() }
        guard path.hasPrefix(root + "/") else { return false }
        let inside = String(path.dropFirst(root.count))
        return Self.systemDirectories.contains { inside.hasPrefix($0) }
    }
}
