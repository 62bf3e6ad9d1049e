import Dispatch
import ELFInspection
import Foundation
import POSIXFiles

/// A Yarn Plug'n'Play install (`nodeLinker: pnp`, Yarn 2+'s default): no `node_modules`. The PnP
/// state lists where each package is: in its cache zip, or unplugged to `.yarn/unplugged/` (the
/// packages that hold `.node` files, run build scripts, ask for `preferUnplugged`, and, since
/// Yarn 3.2, every package with `conditions`; the walk reads those as any `node_modules`).
///
/// What this adds to a scan is what lies in the zips, wherever they are: each zipped package's
/// `package.json` (so the platform families and their `optionalDependencies` are known) and
/// every ELF member, named `zip!/node_modules/…` (and a macOS or Windows build, or a `.node`
/// `require()` cannot load, told as on disk).
///
/// An unplugged location that is not on disk is, for a package with `conditions` in the
/// `yarn.lock` beside the state, a platform package for another machine (Yarn writes its path
/// and never creates it); when no such platform package is unplugged here at all (a
/// zero-install checkout before `yarn install`), which one each image installs is judged from
/// that `yarn.lock`. Any other package not on disk is judged from its cache zip when that zip
/// holds what Yarn would unplug (no build script), and is otherwise not judged.
enum YarnPnPInstall {
    /// What a scan takes from the PnP installs it found.
    struct Reading {
        /// What the walk would have found had the zipped packages been files: their manifests,
        /// ELF members, builds for other systems, LFS pointers, warnings, and the zips the walk
        /// did not look at (a global cache outside the scanned directory) as files examined.
        var found = WalkResult()
        /// The `yarn.lock` files that decide, per image, which platform packages are installed:
        /// none of those the state unplugs is on disk.
        var lockfilesDecidingPlatformPackages: [String] = []

        mutating func add(_ other: Reading) {
            found.merge(other.found)
            lockfilesDecidingPlatformPackages += other.lockfilesDecidingPlatformPackages
        }
    }

    /// The PnP state files among the walk's manifests (one per directory, `.pnp.cjs` first;
    /// never one inside `node_modules` or `.yarn` below a scanned root, which belong to
    /// packages), read.
    static func read(_ files: [FoundFile], roots: [String]) -> Reading {
        let normalizedRoots = Set(roots.map(PathText.normalize))
        var byDirectory: [String: [FoundFile]] = [:]
        for file in files where YarnPnPState.fileNames.contains(PathText.fileName(of: file.displayPath)) {
            let directory = PathText.directory(of: file.displayPath)
            let normalized = PathText.normalize(directory)
            let below = normalizedRoots.compactMap { PathText.relative(normalized, to: $0) }.min { $0.count < $1.count } ?? normalized
            let parts = below.split(separator: "/")
            if parts.contains("node_modules") || parts.contains(".yarn") { continue }
            byDirectory[directory, default: []].append(file)
        }
        var reading = Reading()
        for (directory, found) in byDirectory.sorted(by: { $0.key < $1.key }) {
            reading.add(read(directory: directory, files: found, roots: normalizedRoots))
        }
        for root in roots where !byDirectory.keys.contains(where: { PathText.normalize($0) == PathText.normalize(root) }) {
            if let warning = workspaceOfAnotherProject(root) { reading.found.warnings.append(warning) }
        }
        return reading
    }

    /// A scanned directory that is one workspace of a Plug'n'Play project whose state lies in
    /// a directory above it (a `package.json`, no `node_modules` but tools' dot-folders, no state
    /// of its own): the packages it loads are that project's, and they are not judged from here.
    private static func workspaceOfAnotherProject(_ root: String) -> ScanWarning? {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        // Under Plug'n'Play a workspace's node_modules holds at most tools' caches
        // (`.cache`, `.vite`): Yarn keeps dot-folders there, and installs nothing in it.
        let modules = PathText.join(root, "node_modules")
        guard manager.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue,
              manager.fileExists(atPath: PathText.join(root, "package.json")),
              !manager.fileExists(atPath: modules) || ((try? Directory.names(modules)) ?? []).allSatisfy({ $0.hasPrefix(".") }),
              var directory = URL(fileURLWithPath: root).resolvingSymlinksInPath().path as String? else { return nil }
        for _ in 0..<64 {
            let parent = PathText.directory(of: directory)
            guard parent != directory else { return nil }
            directory = parent
            for name in [".pnp.cjs", ".pnp.js"] where manager.fileExists(atPath: PathText.join(directory, name)) {
                return ScanWarning(
                    path: root,
                    message: "a workspace of the Yarn Plug'n'Play project in \(directory) (its \(name)): the packages it loads are "
                        + "installed there and not judged from here; scan \(directory)",
                    effect: .unjudged)
            }
        }
        return nil
    }

    private struct Location {
        var package: YarnPnPState.Package
        /// As shown (`./.yarn/cache/x.zip`) and as opened.
        var display: String
        var real: String
        /// For a package in a zip: its folder inside (`node_modules/@scope/name`).
        var member: String?
        /// Under the directory of the state file (walked with it), not in a global cache.
        var insideProject: Bool
    }

    private static func read(directory: String, files: [FoundFile], roots: Set<String>) -> Reading {
        var reading = Reading()
        let ordered = YarnPnPState.fileNames.compactMap { name in files.first { PathText.fileName(of: $0.displayPath) == name } }
        guard let stateFile = ordered.first else { return reading }
        let realDirectory = PathText.directory(of: stateFile.fileSystemPath)
        let state: YarnPnPState
        do throws(YarnPnPState.ParseError) {
            state = try readState(ordered, realDirectory: realDirectory)
        } catch {
            reading.found.warnings.append(ScanWarning(
                path: stateFile.displayPath,
                message: "Yarn Plug'n'Play state not read (\(error.detail)): the packages it installs are not judged",
                effect: .unjudged))
            return reading
        }
        var locations: [Location] = []
        for package in state.packages where package.isHard {
            let (path, member) = place(of: package)
            let display = path.hasPrefix("/") ? path : PathText.normalize(PathText.join(directory, path))
            let shown = directory == "." && !display.hasPrefix("/") && !display.hasPrefix("../") ? "./" + display : display
            let insideProject = !path.hasPrefix("/") && path != ".." && !path.hasPrefix("../")
            locations.append(Location(package: package, display: shown, real: PathText.join(realDirectory, path), member: member,
                                      insideProject: insideProject))
        }
        linksOut(state, directory: directory, roots: roots, stateFile: stateFile, into: &reading)

        // What yarn.lock says of each package: the conditions Yarn unplugs it under for one machine.
        let lockfile = PathText.join(realDirectory, "yarn.lock")
        let locked = YarnLockConditions(lockfile: lockfile)
        let exists = { (location: Location) in FileManager.default.fileExists(atPath: location.real) }
        var zips: [String: (display: String, walked: Bool, members: Set<String>)] = [:]
        func addZip(_ real: String, display: String, walked: Bool, member: String) {
            zips[real, default: (display, walked, [])].members.insert(member)
        }
        var missing: [Location] = []
        var missingPlatform: [Location] = []
        var platformHere = false
        var notUnplugged: [Location] = []
        for location in locations {
            let condition = locked.condition(of: location.package)
            if exists(location) {
                if let member = location.member { addZip(location.real, display: location.display, walked: location.insideProject, member: member) }
                if condition != nil { platformHere = true }
                continue
            }
            switch condition {
            case let condition? where !condition.allowsLinux:
                continue  // fsevents: never installed on a Linux image
            case let condition? where condition.optional:
                missingPlatform.append(location)  // one of a family's platform packages, for this machine or another
            default:
                // No conditions, or a package every Linux install needs (os=linux, not optional).
                if location.member == nil { notUnplugged.append(location) } else { missing.append(location) }
            }
        }
        // Not unplugged here: the content Yarn would unplug, from its cache zip beside the others.
        let caches = Dictionary(zips.map { (PathText.directory(of: $0.key), PathText.directory(of: $0.value.display)) }) { first, _ in first }
        for location in notUnplugged {
            if let zip = YarnCacheZip.find(unplugged: location.real, caches: caches), !YarnCacheZip.runsBuildScripts(zip: zip.real, member: zip.member) {
                addZip(zip.real, display: zip.display, walked: location.insideProject, member: zip.member)
            } else {
                missing.append(location)
            }
        }
        if !missing.isEmpty {
            let names = missing.map { "\($0.package.name) (\($0.display))" }
            reading.found.warnings.append(ScanWarning(
                path: stateFile.displayPath,
                message: "\(missing.count) of the \(locations.count) packages it installs \(missing.count == 1 ? "is" : "are") not on this machine "
                    + "(a package Yarn builds at install is judged once built): \(names.prefix(3).joined(separator: ", "))\(names.count > 3 ? " …" : ""); run yarn install",
                effect: .unjudged))
        }
        if !missingPlatform.isEmpty && !platformHere {
            let names = missingPlatform.map(\.package.name).sorted()
            let listed = "\(names.prefix(3).joined(separator: ", "))\(names.count > 3 ? " …" : "")"
            if roots.contains(PathText.normalize(directory)) {
                reading.lockfilesDecidingPlatformPackages.append(PathText.join(directory, "yarn.lock"))
                reading.found.warnings.append(ScanWarning(
                    path: stateFile.displayPath,
                    message: "none of the platform packages it unplugs is here (\(listed)): yarn install has not run on this machine; "
                        + "which of them each image installs is judged from yarn.lock beside it"))
            } else {
                reading.found.warnings.append(ScanWarning(
                    path: stateFile.displayPath,
                    message: "none of the platform packages it unplugs is here (\(listed)): run yarn install, or scan \(directory) itself "
                        + "(its yarn.lock then decides them per image)",
                    effect: .unjudged))
            }
        }

        // Each zip once (a package and its virtual aliases share one).
        let jobs = zips.sorted { $0.key < $1.key }
        let slots = Slots<Reading>(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            let (real, zip) = jobs[index]
            var part = YarnCacheZip.read(real: real, display: zip.display, packages: zip.members)
            part.found.examined = zip.walked ? 0 : 1
            slots.store(part, at: index)
        }
        for case let part? in slots.values() { reading.add(part) }
        return reading
    }

    /// A package's location made plain (`__virtual__` resolved), relative to the state file's
    /// directory: the zip and the package's folder inside it, or a directory.
    private static func place(of package: YarnPnPState.Package) -> (path: String, member: String?) {
        let plain = PathText.normalize(YarnPnPState.resolvingVirtual(package.location))
        let parts = plain.split(separator: "/", omittingEmptySubsequences: false)
        guard let zip = parts.firstIndex(where: { $0.hasSuffix(".zip") }), zip + 1 < parts.count else { return (plain, nil) }
        return (parts[...zip].joined(separator: "/"), parts[(zip + 1)...].filter { !$0.isEmpty }.joined(separator: "/"))
    }

    /// Packages in directories outside the scanned ones: `portal:` and `link:` dependencies, a
    /// `pnpUnpluggedFolder` elsewhere. The code they load is another directory's, not judged
    /// unless a path given holds it (as a link out of `node_modules`). Workspaces and unplugged
    /// packages inside the project are walked as any directory; zips are read wherever they are.
    private static func linksOut(_ state: YarnPnPState, directory: String, roots: Set<String>, stateFile: FoundFile,
                                 into reading: inout Reading) {
        var outside: Set<String> = []
        for package in state.packages {
            let (path, member) = place(of: package)
            guard member == nil else { continue }
            let display = PathText.normalize(PathText.join(directory, path))
            if !roots.contains(where: { PathText.relative(display, to: $0) != nil }) { outside.insert("\(package.name) (\(display))") }
        }
        guard !outside.isEmpty else { return }
        let names = outside.sorted()
        let one = names.count == 1
        reading.found.warnings.append(ScanWarning(
            path: stateFile.displayPath,
            message: "\(one ? "a package it lists lies" : "\(names.count) packages it lists lie") outside the scanned directory (portal:, link:, "
                + "an unplugged folder elsewhere): \(names.prefix(3).joined(separator: ", "))\(names.count > 3 ? " …" : ""); "
                + "what \(one ? "it loads" : "they load") is not judged unless a path given holds \(one ? "it" : "them")",
            effect: .unjudged))
    }

    /// The state of the first file that holds one; a loader in split mode sends the read on
    /// to the data file it names (`.pnp.data.json` unless it says otherwise).
    private static func readState(_ files: [FoundFile], realDirectory: String) throws(YarnPnPState.ParseError) -> YarnPnPState {
        func load(_ path: String, name: String) throws(YarnPnPState.ParseError) -> String {
            let bytes: [UInt8]?
            do {
                let file = try OpenFile(path)
                guard try file.status().kind == .regular else { throw YarnPnPState.ParseError(detail: "\(name) is not a regular file") }
                bytes = try file.readAll(limit: YarnPnPState.sizeLimit)
            } catch let error as FileError {
                throw YarnPnPState.ParseError(detail: "\(name) cannot be read: \(error.reason)")
            } catch let error as YarnPnPState.ParseError {
                throw error
            } catch {
                throw YarnPnPState.ParseError(detail: "\(name) cannot be read: \(error)")
            }
            guard let bytes else { throw YarnPnPState.ParseError(detail: "\(name) is larger than \(YarnPnPState.sizeLimit) bytes") }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard let file = files.first else { throw YarnPnPState.ParseError(detail: "no state file") }
        let name = PathText.fileName(of: file.displayPath)
        let text = try load(file.fileSystemPath, name: name)
        do throws(YarnPnPState.ParseError) {
            return try YarnPnPState.parse(text, fileName: name)
        } catch where error.isSplitState {
            let data = error.dataLocation ?? "./.pnp.data.json"
            let dataName = PathText.fileName(of: data)
            let path = data.hasPrefix("/") ? data : PathText.join(realDirectory, data)
            guard FileManager.default.fileExists(atPath: path) else {
                throw YarnPnPState.ParseError(detail: "\(name) keeps its state in \(data), which is missing")
            }
            do throws(YarnPnPState.ParseError) {
                return try YarnPnPState.parse(try load(path, name: dataName), fileName: ".pnp.data.json")
            } catch {
                throw YarnPnPState.ParseError(detail: "\(data): \(error.detail)")
            }
        } catch {
            throw YarnPnPState.ParseError(detail: "\(name): \(error.detail)")
        }
    }
}
