#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The one gateway to the POSIX file calls basefit makes outside its hot paths (the
/// tree walker and the layer writer keep their own tuned loops): open, fstat, pread,
/// lstat, readdir, rename. Every failure is a typed `FileError` naming the path, the
/// call and errno's text; descriptors close themselves.
public struct FileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var code: Int32

    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    /// errno's text (`No such file or directory`).
    public var reason: String { String(cString: strerror(code)) }

    public var description: String { "\(path): cannot \(operation) (\(reason))" }
}

/// What `fstat`/`lstat` say about a file.
public struct FileStatus: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case regular, directory, symbolicLink, other }

    public var kind: Kind
    public var size: Int64

    init(_ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        default: kind = .other
        }
        size = Int64(info.st_size)
    }

    /// The entry itself, not what a symbolic link points at; nil when it does not exist.
    public static func ofLink(_ path: String) -> FileStatus? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return FileStatus(info)
    }

    /// What `path` names once every symbolic link is followed, as `open` would follow them; the
    /// error says why not (`ENOENT` for a dangling link, `ELOOP`, `ENOTDIR` …).
    public static func following(_ path: String) throws(FileError) -> FileStatus {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileError(path: path, operation: "stat", code: errno) }
        return FileStatus(info)
    }
}

/// `realpath`: the absolute path with every link, `.` and `..` resolved; nil when some part of
/// it does not exist or cannot be read.
public enum RealPath {
    public static func of(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

extension FileError {
    /// The error number of "no such file or directory", for callers without the C names.
    public var isMissing: Bool { code == ENOENT }
    /// `EACCES`: a search the loader passes over.
    public var isPermission: Bool { code == EACCES }
}

/// An open file descriptor, closed when the value goes away.
public struct OpenFile: ~Copyable {
    public let path: String
    private let descriptor: Int32

    public enum Options: Sendable {
        /// Read only.
        case read
        /// Read only, refusing a symbolic link and never blocking on a FIFO.
        case readNoFollow
    }

    public init(_ path: String, _ options: Options = .read) throws(FileError) {
        var flags = O_RDONLY | O_CLOEXEC | O_NOCTTY
        if case .readNoFollow = options { flags |= O_NOFOLLOW | O_NONBLOCK }
        let descriptor = open(path, flags)
        guard descriptor >= 0 else { throw FileError(path: path, operation: "open", code: errno) }
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    public func status() throws(FileError) -> FileStatus {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileError(path: path, operation: "stat", code: errno) }
        return FileStatus(info)
    }

    /// Up to `count` bytes from `offset` (fewer at the end of the file), retrying EINTR.
    public func read(count: Int, at offset: Int64) throws(FileError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
            }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw FileError(path: path, operation: "read", code: errno) }
            if got == 0 { break }
            filled += got
        }
        return Array(bytes.prefix(filled))
    }

    /// The whole file (a pipe too), refusing more than `limit` bytes: nil when it is larger.
    public func readAll(limit: Int) throws(FileError) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw FileError(path: path, operation: "read", code: errno) }
            if got == 0 { return bytes }
            bytes += chunk[0..<got]
            if bytes.count > limit { return nil }
        }
    }
}

public enum Directory {
    /// The names in a directory (not `.` and `..`), in the order readdir gives them.
    public static func names(_ path: String) throws(FileError) -> [String] {
        guard let directory = opendir(path) else { throw FileError(path: path, operation: "read the directory", code: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

public enum FileRename {
    /// rename(2): atomic within one file system.
    public static func replace(_ source: String, with destination: String) throws(FileError) {
        guard rename(source, destination) == 0 else { throw FileError(path: destination, operation: "move \(source) into place", code: errno) }
    }
}

public enum FileWrite {
    /// Writes all of `bytes` to `descriptor` — with pwrite(2) from `offset` when given, else
    /// write(2) — retrying short writes and EINTR. Nil when everything was written, else the
    /// errno of the failed call (the caller names the file in its own error).
    public static func all(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, at offset: Int64? = nil) -> Int32? {
        var done = 0
        while done < bytes.count {
            let wrote = offset.map { pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t($0) + off_t(done)) }
                ?? write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if wrote < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += wrote
        }
        return nil
    }
}
