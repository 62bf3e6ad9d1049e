import Dispatch
import ELFInspection
import Foundation

/// A Yarn Plug'n'Play install (`nodeLinker: pnp`, Yarn 2+'s default): no `node_modules`; each
/// package stays in its cache zip, and Yarn unplugs to `.yarn/unplugged/` only the packages that
/// hold `.node` files, build scripts or `preferUnplugged` (the walk reads those as any
/// `node_modules`). The PnP state lists where every package is; what this adds to a scan is
/// what lies in the zips: each zipped package's `package.json` (so the platform families and
/// their `optionalDependencies` are known) and every ELF member, named `zip!/node_modules/…`.
///
/// A state whose packages are not on this machine (a zero-install checkout before
/// `yarn install` unplugged anything, a global cache elsewhere) is not an install here: its
/// `yarn.lock` is judged instead when it is beside it in a scanned directory, otherwise the
/// packages are not judged.
enum YarnPnPInstall {
    /// What a scan takes from the PnP installs it found.
    struct Reading {
        var artifacts: [Artifact] = []
        var manifests: [FoundFile] = []
        var warnings: [ScanWarning] = []
        /// Zipped members named as native libraries that hold a macOS or Windows build.
        var foreignBuilds: [ForeignBuild] = []
        /// Zips read that the walk did not look at (a global cache outside the scanned directory).
        var examined = 0
    }

    /// The PnP state files among the walk's manifests (one per directory, `.pnp.cjs` first;
    /// never one inside `node_modules` or `.yarn`, which belong to packages), read.
    static func read(_ files: [FoundFile], roots: [String]) -> Reading {
        var byDirectory: [String: [FoundFile]] = [:]
        for file in files where YarnPnPState.fileNames.contains(PathText.fileName(of: file.displayPath)) {
            let directory = PathText.directory(of: file.displayPath)
            let parts = PathText.normalize(directory).split(separator: "/")
            if parts.contains("node_modules") || parts.contains(".yarn") { continue }
            byDirectory[directory, default: []].append(file)
        }
        var reading = Reading()
        let normalizedRoots = Set(roots.map(PathText.normalize))
        for (directory, found) in byDirectory.sorted(by: { $0.key < $1.key }) {
            read(directory: directory, files: found, roots: normalizedRoots, into: &reading)
        }
        return reading
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

    private static func read(directory: String, files: [FoundFile], roots: Set<String>, into reading: inout Reading) {
        let isRoot = roots.contains(PathText.normalize(directory))
        let ordered = YarnPnPState.fileNames.compactMap { name in files.first { PathText.fileName(of: $0.displayPath) == name } }
        guard let stateFile = ordered.first else { return }
        let state: YarnPnPState
        do throws(YarnPnPState.ParseError) {
            state = try readState(ordered)
        } catch {
            reading.warnings.append(ScanWarning(
                path: stateFile.displayPath,
                message: "Yarn Plug'n'Play state not read (\(error.detail)): the packages it installs are not judged",
                effect: .unjudged))
            return
        }
        let realDirectory = PathText.directory(of: stateFile.fileSystemPath)
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
        let missing = locations.filter { !FileManager.default.fileExists(atPath: $0.real) }
        if !missing.isEmpty {
            let example = missing.prefix(3).map { "\($0.package.name) (\($0.display))" }.joined(separator: ", ")
            let count = "\(missing.count) of the \(locations.count) packages it installs \(missing.count == 1 ? "is" : "are") not on this machine: \(example)\(missing.count > 3 ? " …" : "")"
            let unpluggedPresent = locations.contains { $0.member == nil && FileManager.default.fileExists(atPath: $0.real) }
            if !unpluggedPresent {
                // Nothing Yarn unplugged is here: the install has not run on this machine.
                if isRoot && FileManager.default.fileExists(atPath: PathText.join(realDirectory, "yarn.lock")) {
                    reading.warnings.append(ScanWarning(
                        path: stateFile.displayPath,
                        message: "Yarn Plug'n'Play install not done here (\(count)); judged from yarn.lock beside it"))
                } else {
                    reading.warnings.append(ScanWarning(
                        path: stateFile.displayPath,
                        message: "Yarn Plug'n'Play install not done here (\(count)); run yarn install, or scan the directory with its yarn.lock",
                        effect: .unjudged))
                }
                return
            }
            reading.warnings.append(ScanWarning(
                path: stateFile.displayPath, message: "\(count); run yarn install", effect: .unjudged))
        }
        // Each zip once (a package and its virtual aliases share one).
        var zips: [String: (display: String, walked: Bool, members: Set<String>)] = [:]
        for location in locations where location.member != nil && FileManager.default.fileExists(atPath: location.real) {
            zips[location.real, default: (location.display, location.insideProject, [])].members.insert(location.member ?? "")
        }
        let jobs = zips.sorted { $0.key < $1.key }
        let slots = Slots<Reading>(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            let (real, zip) = jobs[index]
            var part = readZip(real: real, display: zip.display, packages: zip.members)
            part.examined = zip.walked ? 0 : 1
            slots.store(part, at: index)
        }
        for case let part? in slots.values() {
            reading.artifacts += part.artifacts
            reading.manifests += part.manifests
            reading.warnings += part.warnings
            reading.foreignBuilds += part.foreignBuilds
            reading.examined += part.examined
        }
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
            let held = roots.contains { root in
                root == "." ? !display.hasPrefix("../") && display != ".." && !display.hasPrefix("/")
                    : display == root || display.hasPrefix(root == "/" ? "/" : root + "/")
            }
            if !held { outside.insert("\(package.name) (\(display))") }
        }
        guard !outside.isEmpty else { return }
        let names = outside.sorted()
        let one = names.count == 1
        reading.warnings.append(ScanWarning(
            path: stateFile.displayPath,
            message: "\(one ? "a package it lists lies" : "\(names.count) packages it lists lie") outside the scanned directory (portal:, link:, "
                + "an unplugged folder elsewhere): \(names.prefix(3).joined(separator: ", "))\(names.count > 3 ? " …" : ""); "
                + "what \(one ? "it loads" : "they load") is not judged unless a path given holds \(one ? "it" : "them")",
            effect: .unjudged))
    }

    /// The state of the first file that holds one; a loader in split mode sends the read on
    /// to `.pnp.data.json`.
    private static func readState(_ files: [FoundFile]) throws(YarnPnPState.ParseError) -> YarnPnPState {
        var lastError = YarnPnPState.ParseError(detail: "no state file")
        for file in files {
            let name = PathText.fileName(of: file.displayPath)
            let data: Data
            do {
                let attributes = try FileManager.default.attributesOfItem(atPath: file.fileSystemPath)
                if let size = attributes[.size] as? Int, size > YarnPnPState.sizeLimit {
                    throw YarnPnPState.ParseError(detail: "\(name) is larger than \(YarnPnPState.sizeLimit) bytes")
                }
                data = try Data(contentsOf: URL(fileURLWithPath: file.fileSystemPath))
            } catch let error as YarnPnPState.ParseError {
                throw error
            } catch {
                throw YarnPnPState.ParseError(detail: "\(name) cannot be read: \(error.localizedDescription)")
            }
            do throws(YarnPnPState.ParseError) {
                return try YarnPnPState.parse(String(decoding: data, as: UTF8.self), fileName: name)
            } catch where error.isSplitState {
                lastError = YarnPnPState.ParseError(detail: "\(name) keeps its state in .pnp.data.json, which is missing")
                continue
            } catch {
                throw YarnPnPState.ParseError(detail: "\(name): \(error.detail)")
            }
        }
        throw lastError
    }

    /// One cache zip: the `package.json` of each package folder in it, and its ELF members
    /// under those folders.
    private static func readZip(real: String, display: String, packages: Set<String>) -> Reading {
        var reading = Reading()
        func inPackage(_ member: String) -> Bool { packages.contains { member.hasPrefix($0 + "/") } }
        do throws(WheelReader.ReadError) {
            let mapping = try MappedArchive(path: real)
            defer { mapping.unmap() }
            let directory = try WheelReader.directory(of: mapping.bytes)
            for package in packages.sorted() {
                let name = package + "/package.json"
                guard let entry = directory.entries.first(where: { $0.path == name }) else { continue }
                do {
                    let data = try WheelReader.memberData(entry, in: mapping.bytes)
                    let bytes = try Inflater.inflate(UnsafeRawBufferPointer(rebasing: mapping.bytes[data]), method: entry.method,
                                                     declaredSize: Int(entry.uncompressedSize), crc32: entry.crc32, magic: nil)
                    reading.manifests.append(FoundFile(displayPath: display + "!/" + name, fileSystemPath: real, contents: bytes))
                } catch {
                    reading.warnings.append(ScanWarning(path: display + "!/" + name, message: "cannot be read: \(error)"))
                }
            }
            // A macOS or Windows build zipped where the Linux one belongs (not ELF, so the
            // member read below passes over it): judged as the same file on disk is.
            for entry in directory.entries where !entry.isDirectory && inPackage(entry.path)
                && ForeignBuild.isNamedAsNativeLibrary(PathText.fileName(of: entry.path)) {
                guard let data = try? WheelReader.memberData(entry, in: mapping.bytes),
                      let bytes = try? Inflater.inflate(UnsafeRawBufferPointer(rebasing: mapping.bytes[data]), method: entry.method,
                                                        declaredSize: Int(entry.uncompressedSize), crc32: entry.crc32, magic: nil),
                      let format = bytes.withUnsafeBytes({ ForeignExecutable(prefix: $0) }) else { continue }
                reading.foreignBuilds.append(ForeignBuild(path: display + "!/" + entry.path, format: format))
            }
            let read = try WheelReader.read(mapping.bytes, wheel: display)
            for result in read.results {
                switch result {
                case .success(let artifact):
                    if inPackage(String(artifact.path.dropFirst(display.count + 2))) { reading.artifacts.append(artifact) }
                case .failure(let error):
                    reading.warnings.append(ScanWarning(path: display, message: error.detail, effect: .unjudged))
                }
            }
            reading.warnings += read.contents.unjudged.map { ScanWarning(path: display, message: $0, effect: .unjudged) }
            reading.warnings += read.contents.warnings.map { ScanWarning(path: display, message: $0) }
        } catch {
            switch error {
            case .unreadable(let detail):
                reading.warnings.append(ScanWarning(path: display, message: "Yarn cache zip not read: \(detail); its packages are not judged", effect: .unjudged))
            }
        }
        return reading
    }
}
