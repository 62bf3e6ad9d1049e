import Foundation
extension DockerfileInstall {
    /// The requirements files the Dockerfile's pip installs read (`pip install -r
    /// requirements-prod.txt`), found in the build context: the path as written, or with its
    /// leading directories dropped (`/app/requirements.txt` copied from `requirements.txt`), under
    /// the Dockerfile's directory or a project directory; else the one file of that name there.
    /// They are read as lockfiles given by path. One not found, or found twice, is not judged.
    public static func requirementFiles(_ installs: [DockerfileInstall], dockerfile: String, paths: [String]) -> (found: [String], missing: [(install: DockerfileInstall, why: String)]) {
        var contexts = [PathText.directory(of: dockerfile)]
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { contexts.append(path) }
        }
        var found: [String] = []
        var missing: [(DockerfileInstall, String)] = []
        for install in installs where install.ecosystem == .pypi {
            for written in install.requirementFiles {
                let components = written.split(separator: "/").filter { $0 != "." }.map(String.init)
                let suffixes = components.indices.map { components[$0...].joined(separator: "/") }
                let direct = contexts.lazy.flatMap { context in suffixes.lazy.map { PathText.join(context, $0) } }
                    .first { FileManager.default.fileExists(atPath: $0) }
                if let direct {
                    found.append(direct)
                    continue
                }
                let named = Set(contexts.flatMap { Self.files(named: components.last ?? written, under: $0) })
                switch named.count {
                case 1: found.append(named.first!)
                case 0: missing.append((install, "it installs from \(written), which is not in the build context (\(contexts.joined(separator: ", "))): give that file as a path"))
                default: missing.append((install, "it installs from \(written), and \(named.count) files of that name are in the build context (\(named.sorted().joined(separator: ", "))): give the one it installs as a path"))
                }
            }
            if !install.inlinePackages.isEmpty {
                missing.append((install, "it installs \(install.inlinePackages.joined(separator: " ")), which no lockfile or requirements file pins: move them into the requirements file it installs"))
            }
        }
        return (found, missing)
    }

    /// Files named `name` under `directory` (four levels deep; dependency and VCS trees skipped).
    static func files(named name: String, under directory: String, depth: Int = 4) -> [String] {
        guard depth > 0, let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var found: [String] = []
        for entry in entries.sorted() where ![".git", "node_modules", ".venv", "venv", "__pycache__", ".tox"].contains(entry) {
            let path = PathText.join(directory, entry)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                found += files(named: name, under: path, depth: depth - 1)
            } else if entry == name {
                found.append(path)
            }
        }
        return found
    }
}
