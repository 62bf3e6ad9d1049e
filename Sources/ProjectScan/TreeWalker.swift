#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A regular file the walk found, with the path to show the user and the path to open.
public struct FoundFile: Sendable, Hashable {
    public var displayPath: String
    public var fileSystemPath: String
}

/// Walks files and directories without leaving the scanned root.
///
/// - Symbolic links are never followed out of the root. Links inside the root need
///   no following: their targets are walked under their own names. Every link is
///   recorded as an alias so the library resolver can use the names it adds.
/// - Directory loops (bind mounts, hard-linked directories) are cut by device and inode.
/// - FIFOs, sockets and device nodes are never opened.
struct TreeWalker {
    private(set) var files: [FoundFile] = []
    private(set) var warnings: [ScanWarning] = []
    /// Symbolic links inside the root: display path → display path of the target.
    private(set) var aliases: [String: String] = [:]
    private var visitedDirectories: Set<DirectoryID> = []

    private struct DirectoryID: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// Walks one command-line path. Throws when the path itself cannot be used.
    mutating func walk(root displayRoot: String) throws(ScanError) {
        var info = stat()
        guard stat(displayRoot, &info) == 0 else {
            let code = errno
            if code == ENOENT {
                throw ScanError(kind: .missingPath, path: displayRoot, detail: "no such file or directory")
            }
            throw ScanError(kind: .unreadablePath, path: displayRoot, detail: String(cString: strerror(code)))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            files.append(FoundFile(displayPath: displayRoot, fileSystemPath: displayRoot))
        case S_IFDIR:
            guard let resolved = realpath(displayRoot, nil) else {
                throw ScanError(kind: .unreadablePath, path: displayRoot, detail: String(cString: strerror(errno)))
            }
            let realRoot = String(cString: resolved)
            free(resolved)
            var display = displayRoot
            while display.count > 1 && display.hasSuffix("/") { display.removeLast() }
            visitedDirectories.insert(DirectoryID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
            walkDirectory(display: display, real: realRoot, realRoot: realRoot, displayRoot: display)
        default:
            // A FIFO, socket or device named on the command line: never opened.
            warnings.append(ScanWarning(path: displayRoot, message: "not a regular file or directory; skipped"))
        }
    }

    private mutating func walkDirectory(display: String, real: String, realRoot: String, displayRoot: String) {
        guard let directory = opendir(real) else {
            warnings.append(ScanWarning(path: display, message: "cannot read directory: \(String(cString: strerror(errno)))"))
            return
        }
        var entries: [(name: String, type: UInt8)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            entries.append((name, entry.pointee.d_type))
        }
        closedir(directory)
        entries.sort { $0.name < $1.name }

        for (name, type) in entries {
            let childDisplay = display == "/" ? "/" + name : display + "/" + name
            let childReal = real == "/" ? "/" + name : real + "/" + name
            var kind = type
            if kind == UInt8(DT_UNKNOWN) {
                var info = stat()
                guard lstat(childReal, &info) == 0 else { continue }
                kind = Self.direntType(info.st_mode)
            }
            switch kind {
            case UInt8(DT_REG):
                files.append(FoundFile(displayPath: childDisplay, fileSystemPath: childReal))
            case UInt8(DT_DIR):
                var info = stat()
                guard lstat(childReal, &info) == 0 else { continue }
                let id = DirectoryID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
                guard visitedDirectories.insert(id).inserted else {
                    warnings.append(ScanWarning(path: childDisplay, message: "directory loop; not walked again"))
                    continue
                }
                walkDirectory(display: childDisplay, real: childReal, realRoot: realRoot, displayRoot: displayRoot)
            case UInt8(DT_LNK):
                recordLink(display: childDisplay, real: childReal, realRoot: realRoot, displayRoot: displayRoot)
            default:
                continue  // FIFO, socket, character or block device: never opened.
            }
        }
    }

    private mutating func recordLink(display: String, real: String, realRoot: String, displayRoot: String) {
        guard let resolved = realpath(real, nil) else {
            if errno == ELOOP {
                warnings.append(ScanWarning(path: display, message: "symbolic link loop; not followed"))
            }
            return  // A dangling link names nothing to scan.
        }
        let target = String(cString: resolved)
        free(resolved)
        let prefix = realRoot == "/" ? "/" : realRoot + "/"
        guard target == realRoot || target.hasPrefix(prefix) else { return }  // outside the root: not followed
        let relative = target == realRoot ? "" : String(target.dropFirst(prefix.count))
        aliases[display] = relative.isEmpty ? displayRoot : (displayRoot == "/" ? "/" : displayRoot + "/") + relative
    }

    private static func direntType(_ mode: mode_t) -> UInt8 {
        switch mode & S_IFMT {
        case S_IFREG: return UInt8(DT_REG)
        case S_IFDIR: return UInt8(DT_DIR)
        case S_IFLNK: return UInt8(DT_LNK)
        default: return UInt8(DT_FIFO)
        }
    }
}
