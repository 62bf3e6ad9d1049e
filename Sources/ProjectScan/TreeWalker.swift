import ELFInspection
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Walks files and directories on all cores without leaving the scanned root, and
/// inspects each regular file where it stands (one `openat` and one small read
/// rejects a non-ELF file; nothing else is kept of it).
///
/// - Symbolic links are never followed out of the root. Links inside the root need
///   no following: their targets are walked under their own names. Every link is
///   recorded as an alias so the library resolver can use the names it adds.
/// - Directory loops (bind mounts) are cut by device and inode.
/// - FIFOs, sockets and device nodes are never opened.
struct TreeWalker {
    private struct Job: Sendable {
        var display: String
        var real: String
        var realRoot: String
        var displayRoot: String
    }

    private struct DirectoryID: Hashable, Sendable {
        var device: UInt64
        var inode: UInt64
    }

    /// Directories waiting to be read, shared by the workers.
    private final class WorkQueue: @unchecked Sendable {
        private let condition = NSCondition()
        private var jobs: [Job] = []
        private var active = 0
        private var visited: Set<DirectoryID> = []

        func push(_ job: Job) {
            condition.lock()
            jobs.append(job)
            condition.signal()
            condition.unlock()
        }

        /// The next directory, or nil once every worker is idle and nothing is queued.
        func next() -> Job? {
            condition.lock()
            defer { condition.unlock() }
            while jobs.isEmpty {
                if active == 0 { return nil }
                condition.wait()
            }
            active += 1
            return jobs.removeLast()
        }

        func finished() {
            condition.lock()
            active -= 1
            if active == 0 && jobs.isEmpty { condition.broadcast() }
            condition.unlock()
        }

        /// Whether a directory was queued.
        var hasWork: Bool {
            condition.lock()
            defer { condition.unlock() }
            return !jobs.isEmpty
        }

        /// True the first time a directory is seen.
        func visit(_ id: DirectoryID) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            return visited.insert(id).inserted
        }
    }

    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var result = WalkResult()

        func merge(_ other: WalkResult) {
            lock.lock()
            result.merge(other)
            lock.unlock()
        }

        var value: WalkResult {
            lock.lock()
            defer { lock.unlock() }
            return result
        }
    }

    static let nodeOptions = NodeAddon.inspectionOptions
    /// Any other file: a library an addon loads may call Node-API itself (a Node without the
    /// function refuses it as it would the addon).
    static let fileOptions = InspectionOptions(nodeAPIFunctions: true)

    /// One worker per core; BASEFIT_WORKERS overrides (benchmarking). Asked only when a
    /// directory is walked: the processor count reads the cgroup's files, which a scan of
    /// named files does not need.
    static var defaultWorkers: Int {
        if let text = getenv("BASEFIT_WORKERS").map({ String(cString: $0) }), let value = Int(text), value > 0 { return min(value, 64) }
        return ProcessInfo.processInfo.activeProcessorCount
    }

    /// Walks the command-line paths. Throws when a path itself cannot be used.
    static func walk(
        _ roots: [String], workers: Int? = nil, progress: Scanner.Progress? = nil
    ) throws(ScanError) -> WalkResult {
        let queue = WorkQueue()
        var direct = WalkResult()
        for root in roots {
            var info = stat()
            guard stat(root, &info) == 0 else {
                let code = errno
                if code == ENOENT && root.contains("\u{FFFD}") {
                    // The shell passed bytes that are not UTF-8; the arguments arrive repaired.
                    throw ScanError(kind: .missingPath, path: root,
                                    detail: "no such file or directory (the path is not valid UTF-8 and cannot be passed as an argument; scan the directory that holds it)")
                }
                if code == ENOENT { throw ScanError(kind: .missingPath, path: root, detail: "no such file or directory") }
                throw ScanError(kind: .unreadablePath, path: root, detail: String(cString: strerror(code)))
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                handleFile(directory: AT_FDCWD, name: root, parentDisplay: nil, parentReal: nil, into: &direct)
            case S_IFDIR:
                guard let resolved = realpath(root, nil) else {
                    throw ScanError(kind: .unreadablePath, path: root, detail: String(cString: strerror(errno)))
                }
                let realRoot = String(cString: resolved)
                free(resolved)
                var display = root
                while display.count > 1 && display.hasSuffix("/") { display.removeLast() }
                if queue.visit(DirectoryID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))) {
                    queue.push(Job(display: display, real: realRoot, realRoot: realRoot, displayRoot: display))
                }
            default:
                direct.warnings.append(ScanWarning(path: root, message: "not a regular file or directory; skipped"))
            }
        }
        guard queue.hasWork else {
            // Only files were named: no directory to walk, no workers to start.
            direct.warnings.sort { ($0.path, $0.message) < ($1.path, $1.message) }
            return direct
        }
        let results = Results()
        results.merge(direct)
        let counter = ProgressCounter()
        DispatchQueue.concurrentPerform(iterations: max(1, workers ?? defaultWorkers)) { _ in
            var local = WalkResult()
            while let job = queue.next() {
                let before = (local.examined, local.artifacts.count)
                readDirectory(job, queue: queue, into: &local)
                queue.finished()
                if let progress {
                    let (done, elf) = counter.add(files: local.examined - before.0, elf: local.artifacts.count - before.1)
                    progress(done, elf, 0)
                }
            }
            results.merge(local)
        }
        var result = results.value
        // A link out of its root whose target another scanned root holds is judged there.
        let realRoots = roots.compactMap { root -> String? in
            guard let resolved = realpath(root, nil) else { return nil }
            defer { free(resolved) }
            return String(cString: resolved)
        }
        // Links into one outer node_modules (a pnpm workspace package's dependencies, all in the
        // workspace's store) are told once, naming that directory.
        var groups: [String: [(display: String, target: String)]] = [:]
        for (display, target) in result.linksOut.sorted(by: { $0.key < $1.key })
        where !realRoots.contains(where: { target == $0 || target.hasPrefix($0 == "/" ? "/" : $0 + "/") }) {
            let store = target.range(of: "/node_modules/").map { String(target[..<$0.lowerBound]) + "/node_modules" } ?? target
            groups[store, default: []].append((display, target))
        }
        for (store, links) in groups.sorted(by: { $0.key < $1.key }) {
            let first = links[0]
            let message = links.count == 1 && store == first.target
                ? "a link out of the scanned directory (to \(first.target)): not followed, so what it holds is not judged; scan \(first.target) too (give it as another path), or judge without it with --allow-unjudged"
                : "\(links.count == 1 ? "a link" : "\(links.count) links") out of the scanned directory into \(store) (to \(first.target)\(links.count > 1 ? " …" : "")): "
                    + "not followed, so what \(links.count == 1 ? "it holds" : "they hold") is not judged; scan \(store) too (give it as another path), or judge without it with --allow-unjudged"
            result.warnings.append(ScanWarning(path: first.display, message: message, effect: .unjudged))
        }
        result.warnings.sort { ($0.path, $0.message) < ($1.path, $1.message) }
        return result
    }

    private static func readDirectory(_ job: Job, queue: WorkQueue, into result: inout WalkResult) {
        guard let directory = opendir(job.real) else {
            result.warnings.append(ScanWarning(path: job.display, message: "cannot read directory: \(String(cString: strerror(errno)))", effect: .unjudged))
            return
        }
        defer { closedir(directory) }
        let descriptor = dirfd(directory)
        while let entry = readdir(directory) {
            let decoded = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(validating: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if decoded == "." || decoded == ".." { continue }
            guard let kind = entryKind(entry, directory: descriptor) else { continue }  // vanished
            guard let name = decoded else {
                let rawName = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix(while: { $0 != 0 })) }
                handleUndecodableName(rawName, kind: kind, directory: descriptor, parentDisplay: job.display, into: &result)
                continue
            }
            switch kind {
            case UInt8(DT_REG):
                handleFile(directory: descriptor, name: name, parentDisplay: job.display, parentReal: job.real, into: &result)
            case UInt8(DT_DIR):
                var info = stat()
                let display = join(job.display, name)
                guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                    result.warnings.append(ScanWarning(path: display, message: "cannot read directory: \(String(cString: strerror(errno)))", effect: .unjudged))
                    continue
                }
                guard queue.visit(DirectoryID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))) else {
                    result.warnings.append(ScanWarning(path: display, message: "directory loop; not walked again"))
                    continue
                }
                queue.push(Job(display: display, real: join(job.real, name), realRoot: job.realRoot, displayRoot: job.displayRoot))
            case UInt8(DT_LNK):
                recordLink(display: join(job.display, name), real: join(job.real, name), realRoot: job.realRoot,
                           displayRoot: job.displayRoot, into: &result)
            default:
                continue  // FIFO, socket, character or block device: never opened.
            }
        }
    }

    /// The entry's type from readdir, or from `fstatat` on file systems that do not
    /// fill it in; nil when the entry is gone.
    private static func entryKind(_ entry: UnsafeMutablePointer<dirent>, directory: Int32) -> UInt8? {
        let kind = entry.pointee.d_type
        guard kind == UInt8(DT_UNKNOWN) else { return kind }
        var info = stat()
        let status = withUnsafePointer(to: &entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                fstatat(directory, $0, &info, AT_SYMLINK_NOFOLLOW)
            }
        }
        return status == 0 ? direntType(info.st_mode) : nil
    }

    /// A name that is not valid UTF-8 cannot be carried in a path string: a regular
    /// file is still inspected as ELF (opened by its raw bytes); anything else is
    /// reported, never skipped silently. The name is shown with `\xNN` escapes.
    private static func handleUndecodableName(
        _ rawName: [UInt8], kind: UInt8, directory: Int32, parentDisplay: String, into result: inout WalkResult
    ) {
        let display = join(parentDisplay, PathText.escaped(rawName))
        let lossy = String(decoding: rawName, as: UTF8.self)
        switch kind {
        case UInt8(DT_REG) where lossy.hasSuffix(".whl"):
            result.examined += 1
            result.warnings.append(ScanWarning(path: display, message: "file name is not valid UTF-8; not read as a wheel (rename it)",
                                               effect: .unjudged))
        case UInt8(DT_REG) where isManifest(lossy, parent: ""):
            result.examined += 1
            result.warnings.append(ScanWarning(path: display, message: "file name is not valid UTF-8; not read as a manifest (rename it)"))
        case UInt8(DT_REG):
            do {
                let facts = try ELFInspector.inspect(directory: directory, rawName: rawName, path: display,
                                                     options: lossy.hasSuffix(".node") ? nodeOptions : fileOptions)
                result.examined += 1
                result.artifacts.append(Artifact(path: display, facts: facts))
            } catch {
                record(error, into: &result)
            }
        case UInt8(DT_DIR):
            result.warnings.append(ScanWarning(path: display, message: "directory name is not valid UTF-8; its contents were not scanned (rename it)", effect: .unjudged))
        case UInt8(DT_LNK):
            result.warnings.append(ScanWarning(path: display, message: "link name is not valid UTF-8; not followed (rename it)"))
        default:
            break  // FIFO, socket, device: never opened, whatever the name.
        }
    }

    /// Keeps manifests and wheels for later passes and inspects everything else as ELF.
    /// Paths are only built for files that are kept or warned about: most files are
    /// neither, and a path per file is the walk's main allocation.
    private static func handleFile(
        directory: Int32, name: String, parentDisplay: String?, parentReal: String?, into result: inout WalkResult
    ) {
        func display() -> String { parentDisplay.map { join($0, name) } ?? name }
        func real() -> String { parentReal.map { join($0, name) } ?? name }
        let fileName = parentDisplay == nil ? PathText.fileName(of: name) : name
        if isManifest(fileName, parent: parentDisplay.map { PathText.fileName(of: $0) } ?? PathText.fileName(of: PathText.directory(of: name))) {
            result.manifests.append(FoundFile(displayPath: display(), fileSystemPath: real()))
        }
        if fileName.hasSuffix(".whl") {
            result.examined += 1
            result.wheels.append(FoundFile(displayPath: display(), fileSystemPath: real()))
            return
        }
        let options = fileName.hasSuffix(".node") ? nodeOptions : fileOptions
        do {
            let facts = directory == AT_FDCWD
                ? try ELFInspector.inspect(path: name, options: options)
                : try ELFInspector.inspect(directory: directory, name: name, path: name, options: options)
            result.examined += 1
            result.artifacts.append(Artifact(path: display(), facts: facts))
        } catch {
            var error = error
            error.path = display()
            record(error, into: &result)
        }
    }

    private static func record(_ error: ELFError, into result: inout WalkResult) {
        switch error.kind {
        case .notELF:
            result.examined += 1
            result.recordNotELF(path: error.path, foreign: error.foreign, content: error.content)
        case .malformed, .unsupported, .incomplete:
            result.examined += 1
            result.warnings.append(ScanWarning(path: error.path, message: Scanner.message(for: error), effect: .unjudged))
        case .unreadable:
            result.warnings.append(ScanWarning(path: error.path, message: "cannot read: \(error.detail)", effect: .unjudged))
        }
    }

    private static func isManifest(_ name: String, parent: String) -> Bool {
        switch name {
        case "package.json", ".nvmrc", ".node-version", "pyvenv.cfg", ".pnp.cjs", ".pnp.js", ".pnp.data.json": return true
        case "RECORD", "WHEEL": return parent.hasSuffix(".dist-info")
        default: return false
        }
    }

    private static func recordLink(display: String, real: String, realRoot: String, displayRoot: String, into result: inout WalkResult) {
        guard let resolved = realpath(real, nil) else {
            if errno == ELOOP {
                result.warnings.append(ScanWarning(path: display, message: "symbolic link loop; not followed"))
            } else if ModuleFile.isAddonName(display) {
                // A dangling link names nothing to scan, but require() of an addon there fails.
                result.warnings.append(ScanWarning(path: display, message: "a symbolic link to nothing, named as a Node addon: require() loads it on no image", effect: .unjudged))
            }
            return
        }
        let target = String(cString: resolved)
        free(resolved)
        let prefix = realRoot == "/" ? "/" : realRoot + "/"
        guard target == realRoot || target.hasPrefix(prefix) else {
            // Outside the root: not followed. In node_modules a link to a directory (a workspace
            // package, `npm link`) or to an addon may be native code the app loads.
            if display.hasPrefix("node_modules/") || display.contains("/node_modules/") || display == "node_modules" || display.hasSuffix("/node_modules") {
                var info = stat()
                if ModuleFile.isAddonName(target) || (stat(target, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR) {
                    result.linksOut[display] = target
                }
            }
            return
        }
        let relative = target == realRoot ? "" : String(target.dropFirst(prefix.count))
        result.aliases[display] = relative.isEmpty ? displayRoot : join(displayRoot, relative)
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory == "/" ? "/" + name : directory + "/" + name
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
