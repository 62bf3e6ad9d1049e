import ELFInspection
import POSIXFiles

/// What glibc's loader meets at a path of the scanned tree where the scan holds no ELF file it
/// read: the loader opens whatever is there under the name it searches, and unless there is
/// nothing (`ENOENT`, or a directory that is not one) or it may not look (`EACCES`), it stops
/// there with an error instead of searching on (`open_path`, `open_verify`).
///
/// Only entries inside the scanned directories are looked at: a link that leaves them points into
/// the host, not into the image the project will be copied to, and is not judged here.
struct ProjectEntryProbe: Sendable {
    /// What is under a searched name, when it is not nothing.
    enum Finding: Sendable, Hashable {
        /// The loader stops there with an error.
        case refused(LibraryFailure.Reason)
        /// The open fails otherwise than "not there" (a link loop, a link through a file, a file
        /// that cannot be read): glibc's `open_path` gives up that search list and the loader
        /// goes on with the next.
        case unopenable
    }

    /// Real paths of the scanned directories.
    private let roots: [String]

    init(scanned paths: [String]) {
        roots = paths.compactMap { path in
            guard (try? FileStatus.following(path))?.kind == .directory else { return nil }
            return RealPath.of(path)
        }
    }

    /// What the loader meets at `path`, or nil when it searches on or the entry is not the scan's to judge.
    func entry(at path: String) -> Finding? {
        guard !roots.isEmpty, let entry = FileStatus.ofLink(path),
              let directory = RealPath.of(PathText.directory(of: path)), inside(directory) else { return nil }
        var kind = entry.kind
        if kind == .symbolicLink {
            do throws(FileError) {
                kind = try FileStatus.following(path).kind
            } catch {
                // A dangling link is nothing; a loop or a file used as a directory ends the search.
                return error.isMissing || error.isPermission ? nil : .unopenable
            }
            guard let target = RealPath.of(path), inside(target) else { return nil }
        }
        var bytes: [UInt8] = []
        if kind == .regular {
            do throws(FileError) {
                bytes = try OpenFile(path).read(count: 16, at: 0)
            } catch {
                return error.isPermission ? nil : .unopenable
            }
        }
        // An ELF file the walk could not read (nil here): its warning leaves it unjudged, and
        // whether the loader skips it (another class) or stops is not known.
        return LoaderCandidate.refusal(kind: kind, prefix: bytes).map { .refused($0) }
    }

    /// The names in `directory` that look like libraries (`*.so`, `*.so.N…`, `*.node`), when it lies
    /// inside the scanned directories: what a library loaded from the image may meet there.
    func libraryNames(in directory: String) -> [String] {
        guard !roots.isEmpty, let real = RealPath.of(directory), inside(real),
              let names = try? Directory.names(directory) else { return [] }
        return names.filter(ForeignBuild.isNamedAsNativeLibrary)
    }

    private func inside(_ real: String) -> Bool {
        roots.contains { root in real == root || real.hasPrefix(root == "/" ? "/" : root + "/") }
    }
}
