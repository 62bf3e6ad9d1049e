import Domain
import ELFInspection
import ImageCatalog
import PackageKnowledge
import ProjectScan

/// What the loader refuses whatever the libraries: an executable stack at dlopen on glibc 2.41
/// and later, a loader (PT_INTERP) at a path the image does not have.
extension Evaluator {
    /// glibc 2.41 and later refuse to dlopen a library that asks for an executable stack
    /// ("cannot enable executable stack as shared object requires: Invalid argument") unless
    /// the process's stack already is executable; Node and CPython's are not, so their addons,
    /// extension modules and every library those load fail (glibc NEWS 2.41; Debian's glibc
    /// 2.41-7 NEWS.Debian). A library a program loads at its start is still given one, so this
    /// is conservative for a library only a program of the project loads. musl does not refuse.
    func executableStackProblems(_ profile: ProjectProfile, _ image: Image) -> [Problem] {
        guard image.libcFamily == .glibc, let have = image.libcVersion, have >= Self.glibcRefusingExecutableStacks else { return [] }
        let paths = profile.files.filter { $0.executableStack && $0.isLoadable && applies($0, to: image) && $0.libc != .musl }.map(\.path)
        guard let first = paths.first else { return [] }
        let more = paths.count > 1 ? " (and \(paths.count - 1) more)" : ""
        return [Problem(
            kind: .executableStack, artifact: first, artifacts: paths, library: nil, version: nil, symbols: [],
            message: "\(first)\(more) asks for an executable stack (PT_GNU_STACK with PF_X, or none); \(image.reference) has glibc \(have), whose dlopen refuses it: \"cannot enable executable stack as shared object requires\"",
            fix: Fix(advice: "relink it with -Wl,-z,noexecstack (or clear the flag: patchelf --clear-execstack), use an image with glibc older than 2.41, or set GLIBC_TUNABLES=glibc.rtld.execstack=2 in the image (an executable stack for the whole process)"))]
    }

    static let glibcRefusingExecutableStacks = VersionNumber([2, 41])

    /// The first glibc known to bind a versioned reference to a library that defines no versions:
    /// the ld.so of bullseye (2.31) and bookworm (2.36) carries the assertion that stops it, that of
    /// trixie (2.41) does not (LoaderOracleTests.aVersionTheProjectsCopyLacksStopsTheProgram).
    static let glibcAcceptingUnversionedCopies = VersionNumber([2, 41])

    /// Libraries the loader takes from the project for `file` and refuses, on every image
    /// (`FileNeeds.libraryFailures`): a version the project's copy does not define is
    /// `version-too-old`, a file it cannot load at all `unusable-library`. A copy without symbol
    /// versions is refused only by a glibc older than 2.41 (or of a version not known); musl's
    /// loader checks no versions and loads a PIE program as a library.
    func projectLibraryProblems(_ file: FileNeeds, _ image: Image) -> [Problem] {
        file.libraryFailures.compactMap { failure in
            if image.libcFamily == .musl, failure.reason.isVersion || failure.reason == .positionIndependentExecutable { return nil }
            if failure.reason == .unversionedCopy {
                guard image.libcFamily == .glibc else { return nil }
                if let have = image.libcVersion, have >= Self.glibcAcceptingUnversionedCopies { return nil }
            }
            return Problem(kind: failure.reason.isVersion ? .versionTooOld : .unusableLibrary, artifact: file.path,
                    library: failure.library, version: failure.version, symbols: failure.symbols,
                    message: failure.message(for: file.path), fix: Fix(advice: failure.advice))
        }
    }

    /// A program whose PT_INTERP is not the psABI's loader path (built on NixOS, against a
    /// glibc in /opt, or changed with patchelf): images have their loader at that path only,
    /// and the kernel cannot start the program ("No such file or directory"). Judged against
    /// the psABI path for roots too (a root with a loader elsewhere is not looked into).
    func interpreterProblems(_ profile: ProjectProfile, _ image: Image) -> [Problem] {
        profile.files.compactMap { file in
            guard file.isLoadable, applies(file, to: image), file.libc == image.libcFamily, let interpreter = file.interpreter,
                  let standard = LibcNames.standardLoaders(for: file.architecture), !standard.contains(interpreter) else { return nil }
            // Where the image's loader was measured (Debian's multiarch /lib/x86_64-linux-gnu/…) is a path it has too.
            let name = String(interpreter.split(separator: "/").last ?? "")
            if let measured = image.libraries(for: file.architecture)[name]?.path, measured == interpreter { return nil }
            let expected = standard.filter { LibcNames.family(ofLoader: $0) == file.libc }.sorted().first ?? standard.sorted()[0]
            return Problem(
                kind: .interpreterMissing, artifact: file.path, library: interpreter, version: nil, symbols: [],
                message: "\(file.path) names its loader \(interpreter); \(image.reference) has \(image.libcFamily.rawValue)'s loader at \(expected), so the kernel cannot start it (\"No such file or directory\")",
                fix: Fix(advice: "set the standard loader: patchelf --set-interpreter \(expected) (or link without --dynamic-linker)"))
        }
    }
}
