import ELFInspection
import Foundation

/// One of Yarn's cache zips (`node_modules/<name>/…` of one package), read in memory as a wheel
/// is: never extracted, every member bounded.
enum YarnCacheZip {
    /// The zip at `real`, shown as `display`: the `package.json` of each package folder in it,
    /// its ELF members under those folders (`display!/node_modules/…`), and its members named as
    /// native libraries that are not ELF, told as the same file on disk is.
    static func read(real: String, display: String, packages: Set<String>) -> YarnPnPInstall.Reading {
        var reading = YarnPnPInstall.Reading()
        func inPackage(_ member: String) -> Bool { packages.contains { member.hasPrefix($0 + "/") } }
        do throws(WheelReader.ReadError) {
            let mapping = try MappedArchive(path: real)
            defer { mapping.unmap() }
            let directory = try WheelReader.directory(of: mapping.bytes)
            for package in packages.sorted() {
                let name = package + "/package.json"
                guard let entry = directory.entries.first(where: { $0.path == name }) else { continue }
                do {
                    let bytes = try WheelReader.bytes(of: entry, in: mapping.bytes)
                    reading.found.manifests.append(FoundFile(displayPath: display + "!/" + name, fileSystemPath: real, contents: bytes))
                } catch {
                    reading.found.warnings.append(ScanWarning(path: display + "!/" + name, message: "cannot be read: \(error)"))
                }
            }
            // Members named as native libraries that are not ELF (the member read below passes
            // over them); a member that cannot be read is reported there.
            for entry in directory.entries where !entry.isDirectory && inPackage(entry.path)
                && ForeignBuild.isNamedAsNativeLibrary(PathText.fileName(of: entry.path)) {
                guard let data = try? WheelReader.memberData(entry, in: mapping.bytes) else { continue }
                let compressed = UnsafeRawBufferPointer(rebasing: mapping.bytes[data])
                guard let head = entry.method == 0 ? Array(compressed.prefix(64)) : try? Inflater.prefix(compressed, limit: 64),
                      !head.starts(with: WheelReader.elfMagic) else { continue }
                head.withUnsafeBytes { bytes in
                    reading.found.recordNotELF(path: display + "!/" + entry.path, foreign: ForeignExecutable(prefix: bytes),
                                               content: NonELFContent(prefix: bytes))
                }
            }
            let read = WheelReader.read(mapping.bytes, directory: directory, wheel: display)
            for result in read.results {
                switch result {
                case .success(let artifact):
                    if inPackage(String(artifact.path.dropFirst(display.count + 2))) { reading.found.artifacts.append(artifact) }
                case .failure(let error):
                    reading.found.warnings.append(ScanWarning(path: display, message: error.detail, effect: .unjudged))
                }
            }
            reading.found.warnings += read.contents.unjudged.map { ScanWarning(path: display, message: $0, effect: .unjudged) }
            reading.found.warnings += read.contents.warnings.map { ScanWarning(path: display, message: $0) }
        } catch {
            switch error {
            case .unreadable(let detail):
                reading.found.warnings.append(ScanWarning(path: display, message: "Yarn cache zip not read: \(detail); its packages are not judged",
                                                          effect: .unjudged))
            }
        }
        return reading
    }

    /// The cache zip of a package whose unplugged folder (`real`, `…/<folder>/node_modules/<name>`)
    /// is missing (a zero-install checkout): the folder's name without its hash
    /// (`left-pad-npm-1.3.0-<hash>` → `left-pad-npm-1.3.0`) starts exactly one zip's name
    /// (`…-<hash>-<cache key>.zip`) in `caches` (the folders the state's other zips lie in, as
    /// opened → as shown).
    static func find(unplugged real: String, caches: [String: String]) -> (real: String, display: String, member: String)? {
        let parts = real.split(separator: "/").map(String.init)
        guard let modules = parts.lastIndex(of: "node_modules"), modules >= 1 else { return nil }
        let folder = parts[modules - 1]
        guard let dash = folder.lastIndex(of: "-") else { return nil }
        let slug = String(folder[..<dash]) + "-"
        let member = parts[modules...].joined(separator: "/")
        var candidates: [(real: String, display: String)] = []
        for (cache, shown) in caches.sorted(by: { $0.key < $1.key }) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []
            for name in names.sorted() where name.hasPrefix(slug) && name.hasSuffix(".zip") {
                let rest = name.dropFirst(slug.count).dropLast(4).split(separator: "-", omittingEmptySubsequences: false)
                if rest.count == 2, rest.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber } }) {
                    candidates.append((PathText.join(cache, name), PathText.join(shown, name)))
                }
            }
        }
        guard candidates.count == 1, let found = candidates.first else { return nil }
        return (found.real, found.display, member)
    }

    /// A package whose `package.json` (in its zip) names an install script or that has a
    /// `binding.gyp`: what Yarn unplugs for it is built at install, not what the zip holds.
    static func runsBuildScripts(zip: String, member: String) -> Bool {
        guard let mapping = try? MappedArchive(path: zip) else { return true }
        defer { mapping.unmap() }
        guard let directory = try? WheelReader.directory(of: mapping.bytes) else { return true }
        if directory.entries.contains(where: { $0.path == member + "/binding.gyp" }) { return true }
        guard let entry = directory.entries.first(where: { $0.path == member + "/package.json" }),
              let bytes = try? WheelReader.bytes(of: entry, in: mapping.bytes),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return true }
        let scripts = object["scripts"] as? [String: Any] ?? [:]
        return ["preinstall", "install", "postinstall"].contains { scripts[$0] != nil }
    }
}
