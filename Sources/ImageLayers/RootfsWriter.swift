// Applies layer changesets (OCI image spec, "Applying Changesets") into one destination
// directory. Every file system call goes through a descriptor of a directory already inside the
// destination (openat/mkdirat/unlinkat/linkat/symlinkat with O_NOFOLLOW), so no entry can be
// written through a symbolic link to somewhere else; parents are resolved component by component.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Domain
import POSIXFiles

/// Writes layers into `destination`. Single-threaded; one per unpack.
final class RootfsWriter {
    let destination: String
    private let rootFD: Int32
    let limits: UnpackLimits
    private(set) var bytesWritten: UInt64 = 0
    private(set) var entryCount = 0
    private(set) var skipped: [SkippedEntry] = []
    /// Final mode/owner of each directory entry met, applied once all layers are in
    /// (directories stay writable while layers are applied).
    private var directoryAttributes: [String: (permissions: UInt32, uid: Int64, gid: Int64)] = [:]
    /// Root can set owners; anyone else leaves them and keeps the tree readable by its owner.
    private let privileged: Bool
    private var layerIndex = 0
    private var layerLabel = ""
    /// Every path (and each of its ancestors) the current layer wrote: opaque directories and
    /// whiteouts hide only what lower layers put there.
    private var thisLayer: Set<String> = []
    /// Per layer, the regular files and links it wrote, by the path they were written at below
    /// the destination: every symbolic link on the way followed as it was when the layer was
    /// applied (`bin/app` through a lower layer's `bin -> usr/bin` is `usr/bin/app`), so they
    /// name the files as a scan of the finished tree does.
    private(set) var layerFiles: [Set<String>] = []
    /// Regular files written with the setuid or setgid bit (which the tree does not keep), by
    /// their path below the destination, as long as no later entry replaced them.
    private(set) var setIDFiles: Set<String> = []
    /// The empty files standing in for devices, FIFOs, sockets and unknown entries, by their
    /// path below the destination, as long as no later entry replaced them.
    private(set) var standIns: Set<String> = []

    static let maxPathBytes = 4096
    static let maxComponents = 256
    static let maxSymlinkHops = 40

    init(destination: String, limits: UnpackLimits) throws(ImageLayersError) {
        let fd = open(destination, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ImageLayersError(.destination, path: destination, detail: "cannot open the destination directory: \(errnoText())")
        }
        let existing: [String]
        do {
            existing = try Self.list(fd, path: destination)
        } catch {
            close(fd)
            throw error
        }
        guard existing.isEmpty else {
            close(fd)
            throw ImageLayersError(.destination, path: destination, detail: "the destination is not empty (\(existing.count) entries)")
        }
        self.destination = destination
        self.rootFD = fd
        self.limits = limits
        self.privileged = geteuid() == 0
    }

    deinit {
        close(rootFD)
    }

    // MARK: - Layers

    /// Applies one layer file (tar, optionally compressed). `label` names it in errors.
    func apply(layerAt path: String, label: String, index: Int) throws(ImageLayersError) {
        layerIndex = index
        layerLabel = label
        thisLayer = []
        while layerFiles.count <= index { layerFiles.append([]) }
        let reader = try ArchiveReader(path: path, format: .tar)
        while let header = try reader.nextHeader() {
            entryCount += 1
            guard entryCount <= limits.maxEntries else {
                throw ImageLayersError(.limitExceeded, path: label, detail: "more than \(limits.maxEntries) entries in the image")
            }
            try applyEntry(header, reader: reader)
        }
    }

    /// Sets the directories' final modes (deepest first) and owners.
    func finish() throws(ImageLayersError) {
        let paths = directoryAttributes.keys.sorted { lhs, rhs in
            let l = lhs.utf8.count(where: { $0 == UInt8(ascii: "/") })
            let r = rhs.utf8.count(where: { $0 == UInt8(ascii: "/") })
            return l != r ? l > r : lhs < rhs
        }
        for path in paths {
            guard let attributes = directoryAttributes[path] else { continue }
            let components = path.split(separator: "/").map(String.init)
            guard let name = components.last,
                  let parent = try? openDirectory(components.dropLast(), create: false, entry: path)
            else { continue }
            defer { closeIfOwned(parent) }
            let fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            if privileged {
                _ = fchown(fd, uid_t(clamping: attributes.uid), gid_t(clamping: attributes.gid))
            }
            _ = fchmod(fd, mode_t(sanitized(attributes.permissions, directory: true)))
        }
    }

    /// Removes everything written so far (after an error), leaving the destination empty.
    func clear() {
        guard let names = try? Self.list(rootFD, path: destination) else { return }
        for name in names { try? removeTree(rootFD, name, path: name, depth: 0) }
    }

    // MARK: - One entry

    private func applyEntry(_ header: ArchiveEntryHeader, reader: borrowing ArchiveReader) throws(ImageLayersError) {
        guard let name = String(validating: header.pathBytes, as: UTF8.self) else {
            throw undecodable(header.pathBytes, what: "name")
        }
        // "/" alone (umoci insert writes it) is the root directory itself, like "./".
        if header.kind == .directory && name.allSatisfy({ $0 == "/" }) { return }
        let components = try normalize(name, entry: name, what: "path")
        guard let last = components.last else { return }  // "./": the root itself
        let relative = components.joined(separator: "/")
        let parentComponents = components.dropLast()

        if last.hasPrefix(".wh.") {
            try applyWhiteout(last, parentComponents: parentComponents, entry: name)
            return
        }

        let special: SkippedEntry.Reason?
        switch header.kind {
        case .characterDevice: special = .characterDevice
        case .blockDevice: special = .blockDevice
        case .fifo: special = .fifo
        case .socket: special = .socket
        case .unknown: special = .unknownType
        case .regular, .directory, .symlink, .hardlink: special = nil
        }

        var prefix = ""
        for component in components {
            prefix = prefix.isEmpty ? component : prefix + "/" + component
            thisLayer.insert(prefix)
        }
        guard let (parent, resolvedParent) = try openResolvedDirectory(parentComponents, create: true, entry: name) else { return }
        defer { closeIfOwned(parent) }
        let written = (resolvedParent + [last]).joined(separator: "/")
        switch header.kind {
        case .regular, .symlink, .hardlink: layerFiles[layerIndex].insert(written)
        default: break
        }
        if header.kind == .regular && header.permissions & 0o6000 != 0 {
            setIDFiles.insert(written)
        } else {
            setIDFiles.remove(written)
        }
        if special != nil { standIns.insert(written) } else { standIns.remove(written) }

        if let special {
            // The entry replaces what lower layers put there, as any entry does; an empty file
            // stands in for it (devices and FIFOs are never created), so that nothing reads the
            // lower file there and the loader model stops at it as glibc does (a FIFO blocks,
            // /dev/null is "file too short", an overlay whiteout device at worst makes it search on).
            try removeExisting(parent, last, entry: name, keepDirectory: false)
            let fd = openat(parent, last, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(sanitized(0, directory: false)))
            guard fd >= 0 else { throw failure(name, "cannot create the empty file standing in for a \(special.rawValue): \(errnoText())") }
            close(fd)
            skip(name, special)
            return
        }

        switch header.kind {
        case .directory:
            if try !removeExisting(parent, last, entry: name, keepDirectory: true) {
                guard mkdirat(parent, last, 0o755) == 0 else {
                    throw failure(name, "cannot create directory: \(errnoText())")
                }
            }
            directoryAttributes[relative] = (header.permissions, header.uid, header.gid)

        case .regular:
            try writeRegularFile(header, into: parent, name: last, entry: name, reader: reader)

        case .symlink:
            guard let target = String(validating: header.linkBytes ?? [], as: UTF8.self) else {
                throw undecodable(header.linkBytes ?? [], what: "symbolic link target", entry: name)
            }
            guard !target.isEmpty else {
                skip(name, .emptySymlinkTarget)
                return
            }
            try removeExisting(parent, last, entry: name, keepDirectory: false)
            guard symlinkat(target, parent, last) == 0 else {
                throw failure(name, "cannot create symbolic link: \(errnoText())")
            }
            if privileged {
                _ = fchownat(parent, last, uid_t(clamping: header.uid), gid_t(clamping: header.gid), AT_SYMLINK_NOFOLLOW)
            }

        case .hardlink:
            guard let targetName = String(validating: header.linkBytes ?? [], as: UTF8.self) else {
                throw undecodable(header.linkBytes ?? [], what: "hard link target", entry: name)
            }
            let target = try normalize(targetName, entry: name, what: "hard link target")
            guard let targetLast = target.last else {
                throw ImageLayersError(.malformed, path: entryPath(name), detail: "hard link to the root directory")
            }
            if target == components {
                skip(name, .selfHardLink)
                return
            }
            guard let targetParent = try openDirectory(target.dropLast(), create: false, entry: name) else {
                throw ImageLayersError(.malformed, path: entryPath(name), detail: "hard link target \(targetName) does not exist")
            }
            defer { closeIfOwned(targetParent) }
            var info = stat()
            guard fstatat(targetParent, targetLast, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                throw ImageLayersError(.malformed, path: entryPath(name), detail: "hard link target \(targetName) does not exist")
            }
            guard (info.st_mode & S_IFMT) != S_IFDIR else {
                throw ImageLayersError(.malformed, path: entryPath(name), detail: "hard link to a directory (\(targetName))")
            }
            try removeExisting(parent, last, entry: name, keepDirectory: false)
            // Flags 0: a symbolic link target is linked itself, never followed.
            guard linkat(targetParent, targetLast, parent, last, 0) == 0 else {
                throw failure(name, "cannot create hard link to \(targetName): \(errnoText())")
            }

        default:
            break
        }
    }

    private func writeRegularFile(
        _ header: ArchiveEntryHeader, into parent: Int32, name: String, entry: String,
        reader: borrowing ArchiveReader
    ) throws(ImageLayersError) {
        guard let declared = header.size, declared >= 0 else {
            throw ImageLayersError(.malformed, path: entryPath(entry), detail: "regular file without a size")
        }
        let size = UInt64(declared)
        guard size <= limits.maxBytes - min(bytesWritten, limits.maxBytes) else {
            throw ImageLayersError(
                .limitExceeded, path: entryPath(entry),
                detail: "writing \(size) more bytes would pass the limit of \(limits.maxBytes) bytes")
        }
        try removeExisting(parent, name, entry: entry, keepDirectory: false)
        let fd = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure(entry, "cannot create file: \(errnoText())") }
        defer { close(fd) }
        bytesWritten += size
        let label = entryPath(entry)
        try reader.readData { (block, offset) throws(ImageLayersError) in
            guard UInt64(offset) + UInt64(block.count) <= size else {
                throw ImageLayersError(.malformed, path: label, detail: "entry data runs past its declared size \(size)")
            }
            if let code = FileWrite.all(block, to: fd, at: Int64(offset)) {
                throw ImageLayersError(.destination, path: label, detail: "cannot write: \(String(cString: strerror(code)))")
            }
        }
        guard ftruncate(fd, off_t(declared)) == 0 else { throw failure(entry, "cannot size file: \(errnoText())") }
        if privileged {
            _ = fchown(fd, uid_t(clamping: header.uid), gid_t(clamping: header.gid))
        }
        guard fchmod(fd, mode_t(sanitized(header.permissions, directory: false))) == 0 else {
            throw failure(entry, "cannot set mode: \(errnoText())")
        }
    }

    /// `.wh.<name>` removes `<name>` from lower layers; `.wh..wh..opq` empties its directory of
    /// everything lower layers put there. Other `.wh..wh.` names are AUFS bookkeeping: skipped.
    private func applyWhiteout(_ last: String, parentComponents: ArraySlice<String>, entry: String) throws(ImageLayersError) {
        let parentPath = parentComponents.joined(separator: "/")
        if last == ".wh..wh..opq" {
            var prefix = ""
            for component in parentComponents {
                prefix = prefix.isEmpty ? component : prefix + "/" + component
                thisLayer.insert(prefix)
            }
            guard let directory = try openDirectory(parentComponents, create: true, entry: entry) else { return }
            defer { closeIfOwned(directory) }
            try prune(directory, path: parentPath, depth: 0)
            return
        }
        if last.hasPrefix(".wh..wh.") {
            skip(entry, .unknownWhiteout)
            return
        }
        let target = String(last.dropFirst(4))
        guard !target.isEmpty, target != "." else {
            throw ImageLayersError(.malformed, path: entryPath(entry), detail: "whiteout without a name")
        }
        guard target != ".." else {
            throw ImageLayersError(.unsafeEntry, path: entryPath(entry), detail: "whiteout of '..' would delete outside its directory")
        }
        guard let parent = try openDirectory(parentComponents, create: false, entry: entry) else { return }
        defer { closeIfOwned(parent) }
        let targetPath = parentPath.isEmpty ? target : parentPath + "/" + target
        if thisLayer.contains(targetPath) {
            // The same layer wrote it: only what lower layers left under it goes.
            let fd = openat(parent, target, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if fd >= 0 {
                defer { close(fd) }
                try prune(fd, path: targetPath, depth: 0)
            }
        } else {
            try removeTree(parent, target, path: targetPath, depth: 0)
        }
    }

    /// Removes every child of a directory that the current layer did not write.
    private func prune(_ directory: Int32, path: String, depth: Int) throws(ImageLayersError) {
        guard depth < Self.maxComponents else {
            throw ImageLayersError(.limitExceeded, path: entryPath(path), detail: "directories nested too deeply")
        }
        for child in try Self.list(directory, path: path) {
            let childPath = path.isEmpty ? child : path + "/" + child
            if thisLayer.contains(childPath) {
                let fd = openat(directory, child, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if fd >= 0 {
                    defer { close(fd) }
                    try prune(fd, path: childPath, depth: depth + 1)
                }
            } else {
                try removeTree(directory, child, path: childPath, depth: 0)
            }
        }
    }

    // MARK: - Paths

    /// Splits an archive path into components; refuses absolute paths and `..`.
    private func normalize(_ name: String, entry: String, what: String) throws(ImageLayersError) -> [String] {
        if name.hasPrefix("/") {
            throw ImageLayersError(.unsafeEntry, path: entryPath(entry), detail: "absolute \(what) \(name)")
        }
        guard name.utf8.count <= Self.maxPathBytes else {
            throw ImageLayersError(.malformed, path: entryPath(entry), detail: "\(what) longer than \(Self.maxPathBytes) bytes")
        }
        let components = name.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
        if components.contains("..") {
            throw ImageLayersError(.unsafeEntry, path: entryPath(entry), detail: "\(what) \(name) contains '..'")
        }
        guard components.count <= Self.maxComponents, components.allSatisfy({ $0.utf8.count <= 255 }) else {
            throw ImageLayersError(.malformed, path: entryPath(entry), detail: "\(what) \(name) is too deep or has a name too long")
        }
        return components
    }

    /// Opens the directory `components` names, inside the destination. Symbolic links met on
    /// the way are followed only while they stay inside: a relative target is resolved from the
    /// link's directory, an absolute one or one climbing above the destination is an error.
    /// Missing directories are created when `create`, otherwise the result is nil.
    /// The returned descriptor is `rootFD` itself or one the caller closes (`closeIfOwned`).
    private func openDirectory(
        _ components: ArraySlice<String>, create: Bool, entry: String
    ) throws(ImageLayersError) -> Int32? {
        try openResolvedDirectory(components, create: create, entry: entry)?.descriptor
    }

    /// `openDirectory`, with the path (components below the destination) the directory was
    /// reached by once every symbolic link on the way was followed.
    private func openResolvedDirectory(
        _ components: ArraySlice<String>, create: Bool, entry: String
    ) throws(ImageLayersError) -> (descriptor: Int32, path: [String])? {
        var opened: [Int32] = []
        var names: [String] = []
        defer { for fd in opened { close(fd) } }
        var pending = Array(components.reversed())
        var hops = 0
        while let component = pending.popLast() {
            if component.isEmpty || component == "." { continue }
            if component == ".." {
                guard let fd = opened.popLast() else {
                    throw ImageLayersError(
                        .unsafeEntry, path: entryPath(entry),
                        detail: "a symbolic link on its path leads above the destination")
                }
                close(fd)
                names.removeLast()
                continue
            }
            let current = opened.last ?? rootFD
            var fd = openat(current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if fd < 0 {
                let code = errno
                if code == ENOENT {
                    guard create else { return nil }
                    guard mkdirat(current, component, 0o755) == 0 || errno == EEXIST else {
                        throw failure(entry, "cannot create directory \((names + [component]).joined(separator: "/")): \(errnoText())")
                    }
                    fd = openat(current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    guard fd >= 0 else { throw failure(entry, "cannot open a directory it created: \(errnoText())") }
                } else if code == ELOOP || code == ENOTDIR {
                    var info = stat()
                    guard fstatat(current, component, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                        throw failure(entry, "cannot inspect \(component): \(errnoText())")
                    }
                    let linkPath = (names + [component]).joined(separator: "/")
                    guard (info.st_mode & S_IFMT) == S_IFLNK else {
                        throw ImageLayersError(.malformed, path: entryPath(entry), detail: "\(linkPath) is not a directory")
                    }
                    hops += 1
                    guard hops <= Self.maxSymlinkHops else {
                        throw ImageLayersError(.unsafeEntry, path: entryPath(entry), detail: "too many symbolic links on its path")
                    }
                    let target = try readLink(current, component, entry: entry)
                    if target.hasPrefix("/") || target.isEmpty {
                        throw ImageLayersError(
                            .unsafeEntry, path: entryPath(entry),
                            detail: "would be written through symbolic link \(linkPath) -> \(target), which points outside the destination")
                    }
                    pending.append(contentsOf: target.split(separator: "/").map(String.init).reversed())
                    continue
                } else {
                    throw failure(entry, "cannot open directory \(component): \(errnoText())")
                }
            }
            opened.append(fd)
            names.append(component)
        }
        if let fd = opened.popLast() { return (fd, names) }
        return (rootFD, [])
    }

    private func readLink(_ directory: Int32, _ name: String, entry: String) throws(ImageLayersError) -> String {
        var buffer = [UInt8](repeating: 0, count: Self.maxPathBytes + 1)
        let count = buffer.withUnsafeMutableBufferPointer { pointer in
            pointer.withMemoryRebound(to: CChar.self) { readlinkat(directory, name, $0.baseAddress!, $0.count) }
        }
        guard count >= 0, count <= Self.maxPathBytes else {
            throw failure(entry, "cannot read symbolic link \(name): \(errnoText())")
        }
        guard let target = String(validating: buffer[0..<count], as: UTF8.self) else {
            throw ImageLayersError(.unsafeEntry, path: entryPath(entry), detail: "symbolic link \(name) on its path has an undecodable target")
        }
        return target
    }

    private func closeIfOwned(_ fd: Int32) {
        if fd != rootFD { close(fd) }
    }

    /// Clears the way for a new entry `name`. Returns true when a directory is there and
    /// `keepDirectory` asked to keep it.
    @discardableResult
    private func removeExisting(_ parent: Int32, _ name: String, entry: String, keepDirectory: Bool) throws(ImageLayersError) -> Bool {
        var info = stat()
        guard fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT { return false }
            throw failure(entry, "cannot inspect the existing entry: \(errnoText())")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            if keepDirectory { return true }
            try removeTree(parent, name, path: entry, depth: 0)
        } else if unlinkat(parent, name, 0) != 0 {
            throw failure(entry, "cannot replace the existing entry: \(errnoText())")
        }
        return false
    }

    /// Deletes `name` under `parent` and, for a directory, everything in it; never follows links.
    private func removeTree(_ parent: Int32, _ name: String, path: String, depth: Int) throws(ImageLayersError) {
        guard depth < Self.maxComponents * 2 else {
            throw ImageLayersError(.limitExceeded, path: entryPath(path), detail: "directories nested too deeply to remove")
        }
        var info = stat()
        guard fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT { return }
            throw failure(path, "cannot inspect: \(errnoText())")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            guard unlinkat(parent, name, 0) == 0 || errno == ENOENT else { throw failure(path, "cannot remove: \(errnoText())") }
            return
        }
        var fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0, errno == EACCES {
            _ = fchmodat(parent, name, 0o700, 0)
            fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        }
        guard fd >= 0 else { throw failure(path, "cannot open directory to remove it: \(errnoText())") }
        if !privileged { _ = fchmod(fd, 0o700) }
        do {
            defer { close(fd) }
            for child in try Self.list(fd, path: path) {
                try removeTree(fd, child, path: path + "/" + child, depth: depth + 1)
            }
        }
        guard unlinkat(parent, name, AT_REMOVEDIR) == 0 else { throw failure(path, "cannot remove directory: \(errnoText())") }
    }

    /// Names in a directory, without "." and "..".
    private static func list(_ directory: Int32, path: String) throws(ImageLayersError) -> [String] {
        let copy = dup(directory)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            throw ImageLayersError(.destination, path: path, detail: "cannot list directory: \(errnoText())")
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    // MARK: - Helpers

    /// Drops setuid and setgid; keeps the sticky bit. Without root, the owner keeps read and
    /// write (and search on directories) so the tree stays readable and removable.
    private func sanitized(_ permissions: UInt32, directory: Bool) -> UInt32 {
        var mode = permissions & 0o1777
        if !privileged { mode |= directory ? 0o700 : 0o600 }
        return mode
    }

    private func skip(_ path: String, _ reason: SkippedEntry.Reason) {
        skipped.append(SkippedEntry(layer: layerIndex, path: path, reason: reason))
    }

    private func entryPath(_ entry: String) -> String { "\(layerLabel)!/\(entry)" }

    /// A name or link target that is not valid UTF-8: the tree cannot be laid out as the image
    /// has it (every path here is a Swift string), and skipping the entry would leave the lower
    /// layer's file in its place or hide a program, so the image is not judged.
    private func undecodable(_ bytes: [UInt8], what: String, entry: String? = nil) -> ImageLayersError {
        let shown = EscapedName.of(bytes)
        let subject = entry == nil ? "the entry's \(what)" : "its \(what) \(shown)"
        return ImageLayersError(
            .unsupported, path: entryPath(entry ?? shown),
            detail: "\(subject) is not valid UTF-8; basefit cannot lay the image out as it is and does not judge it (rename it in the image)")
    }

    private func failure(_ entry: String, _ detail: String) -> ImageLayersError {
        ImageLayersError(.destination, path: entryPath(entry), detail: detail)
    }
}

private func errnoText() -> String { String(cString: strerror(errno)) }
