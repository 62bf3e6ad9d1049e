import ImageCatalog
import ELFInspection
import Domain

/// Finds CPython and Node.js in a root filesystem without executing anything:
/// interpreters by name in the usual bin directories (they must be ELF files of the
/// root), versions from the release strings compiled into them (or into the
/// libpython / libnode they link), CPython's free-threading from the `t` suffix of
/// the binary, its `lib/pythonX.Yt` directory or its `_sysconfigdata_t_` module.
struct RuntimeDetector {
    let paths: RootPath

    /// Every runtime found, those under /usr/local (where the official node and python
    /// images install theirs) and other add-on prefixes before the distribution's /usr.
    func detect() -> [DetectedRuntime] {
        (node() + python()).sorted { rank($0.path) < rank($1.path) }
    }

    private func rank(_ path: String) -> Int {
        if path.hasPrefix("/usr/local/") { return 0 }
        if path.hasPrefix("/usr/") || path.hasPrefix("/bin/") { return 2 }
        return 1
    }

    // MARK: CPython

    private static let binDirectories = ["/usr/local/bin", "/usr/bin", "/bin"]

    private func python() -> [DetectedRuntime] {
        var found: [DetectedRuntime] = []
        var seenHosts = Set<String>()
        for directory in Self.binDirectories {
            for name in paths.list(directory) {
                guard let (major, minor, suffixT) = Self.pythonName(name) else { continue }
                let inside = directory + "/" + name
                guard let host = paths.resolve(inside), seenHosts.insert(host).inserted,
                      let peek = ELFHeaderPeek(hostPath: host), peek.isLoadable else { continue }
                let line = "\(major).\(minor)"
                let prefix = directory == "/bin" ? "/usr" : String(directory.dropLast("/bin".count))
                var evidence = [inside]
                // python3.13 may be a link to python3.13t.
                let targetName = host.split(separator: "/").last.map(String.init) ?? name
                var freeThreaded = suffixT || Self.pythonName(targetName)?.2 == true
                let regularLib = prefix + "/lib/python" + line
                let threadedLib = prefix + "/lib/python" + line + "t"
                let hasRegularLib = paths.resolve(regularLib) != nil
                let hasThreadedLib = paths.resolve(threadedLib) != nil
                if !freeThreaded, hasThreadedLib, !hasRegularLib { freeThreaded = true }
                let libDirectory = freeThreaded ? threadedLib : regularLib
                if hasThreadedLib || hasRegularLib {
                    evidence.append(libDirectory)
                    if let sysconfig = paths.list(libDirectory).first(where: { $0.hasPrefix("_sysconfigdata_") && $0.hasSuffix(".py") }) {
                        if sysconfig.hasPrefix("_sysconfigdata_t_") { freeThreaded = true }
                        evidence.append(libDirectory + "/" + sysconfig)
                    }
                }
                var version: String?
                if let release = Self.pythonRelease(in: host, line: line) {
                    version = release
                } else if let (libraryInside, libraryHost) = linkedLibrary((try? ELFInspector.inspect(path: host))?.needed ?? [],
                                                                            prefix: "libpython" + line, near: prefix),
                          let release = Self.pythonRelease(in: libraryHost, line: line) {
                    version = release
                    evidence.append(libraryInside)
                }
                found.append(DetectedRuntime(
                    kind: .python, version: version ?? line, path: inside, abi: "cp\(major)\(minor)" + (freeThreaded ? "t" : ""),
                    freeThreaded: freeThreaded, moduleVersion: nil, evidence: evidence))
            }
        }
        // One entry per interpreter build: python3.11 in /usr/bin and /usr/local/bin are two.
        return found
    }

    /// `python3.11` → (3, 11, false); `python3.13t` → (3, 13, true); anything else nil.
    static func pythonName(_ name: String) -> (Int, Int, Bool)? {
        guard name.hasPrefix("python") else { return nil }
        var rest = Substring(name.dropFirst("python".count))
        let threaded = rest.hasSuffix("t")
        if threaded { rest = rest.dropLast() }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]),
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
        return (major, minor, threaded)
    }

    /// CPython's PY_VERSION (`3.11.2`, `3.14.0rc1`), a NUL-delimited string in the
    /// interpreter or libpython.
    static func pythonRelease(in host: String, line: String) -> String? {
        guard let file = MappedFile(path: host) else { return nil }
        for offset in file.offsets(of: Array((line + ".").utf8), limit: 4096) where offset > 0 {
            let bytes = file.bytes(at: offset - 1, length: 25)
            guard bytes.first == 0, let end = bytes.dropFirst().firstIndex(of: 0) else { continue }
            let text = String(decoding: bytes[1..<end], as: UTF8.self)
            if isPythonRelease(text, line: line) { return text }
        }
        return nil
    }

    /// `3.11.2`, `3.13.0a4`, `3.14.0rc1`, `3.12.1+`.
    static func isPythonRelease(_ text: String, line: String) -> Bool {
        guard text.hasPrefix(line + ".") else { return false }
        var rest = Substring(text.dropFirst(line.count + 1))
        if rest.hasSuffix("+") { rest = rest.dropLast() }
        let micro = rest.prefix(while: { $0.isASCII && $0.isNumber })
        guard !micro.isEmpty, micro.count <= 3 else { return false }
        rest = rest.dropFirst(micro.count)
        if rest.isEmpty { return true }
        for tag in ["rc", "a", "b"] where rest.hasPrefix(tag) {
            let serial = rest.dropFirst(tag.count)
            return !serial.isEmpty && serial.count <= 2 && serial.allSatisfy { $0.isASCII && $0.isNumber }
        }
        return false
    }

    // MARK: Node.js

    private static let nodeCandidates = [
        "/usr/local/bin/node", "/usr/bin/node", "/bin/node", "/nodejs/bin/node", "/usr/local/nodejs/bin/node", "/opt/nodejs/bin/node",
    ]

    private func node() -> [DetectedRuntime] {
        var found: [DetectedRuntime] = []
        var seenHosts = Set<String>()
        for inside in Self.nodeCandidates {
            guard let host = paths.resolve(inside), seenHosts.insert(host).inserted,
                  let peek = ELFHeaderPeek(hostPath: host), peek.isLoadable else { continue }
            var evidence = [inside]
            var version = Self.nodeRelease(in: host)
            var moduleVersion: Int?
            // Official builds export Node-API from the executable itself; Debian's from the
            // libnode it links. Not known (nil) when a linked libnode is not found or not read,
            // or when nothing is exported (a Node always exports Node-API: it was not seen).
            let executable = try? ELFInspector.inspect(path: host, options: InspectionOptions(exportPrefixes: InspectionOptions.nodeAPIPrefixes))
            var nodeAPIExports = executable?.exports
            if executable?.needed.contains(where: { $0.hasPrefix("libnode.so.") }) == true { nodeAPIExports = nil }
            // Debian's node is a small program linking libnode.so.<NODE_MODULE_VERSION>.
            let prefix = String(inside.dropLast("/bin/node".count))
            if let (libraryInside, libraryHost) = linkedLibrary(executable?.needed ?? [], prefix: "libnode.so.", near: prefix.isEmpty ? "/usr" : prefix) {
                moduleVersion = Int(libraryInside.split(separator: "/").last!.dropFirst("libnode.so.".count))
                if let executable, let library = Self.nodeAPIExports(of: libraryHost) {
                    nodeAPIExports = Array(Set(library + executable.exports)).sorted()
                }
                if version == nil, let release = Self.nodeRelease(in: libraryHost) {
                    version = release
                    evidence.append(libraryInside)
                }
            }
            // Official builds ship their headers next to the binary (/usr/local/include/node).
            let headerPath = (prefix.isEmpty ? "" : prefix) + "/include/node/node_version.h"
            if let header = paths.readText(headerPath).flatMap(Self.nodeVersionHeader),
               version == nil || version?.split(separator: ".").first == header.version.split(separator: ".").first {
                version = version ?? header.version
                moduleVersion = moduleVersion ?? header.moduleVersion
                evidence.append(headerPath)
            }
            guard let version else { continue }
            if moduleVersion == nil, let major = Int(version.split(separator: ".")[0]) {
                moduleVersion = NodeABI.moduleVersion(forMajor: major)
            }
            found.append(DetectedRuntime(
                kind: .node, version: version, path: inside, abi: nil, freeThreaded: false,
                moduleVersion: moduleVersion, nodeAPIExports: nodeAPIExports?.isEmpty == false ? nodeAPIExports : nil, evidence: evidence))
        }
        return found
    }

    /// The Node-API functions an ELF file defines in its dynamic symbol table (an official
    /// node, Debian's libnode.so.N); nil when it cannot be read.
    static func nodeAPIExports(of host: String) -> [String]? {
        let options = InspectionOptions(exportPrefixes: InspectionOptions.nodeAPIPrefixes)
        return (try? ELFInspector.inspect(path: host, options: options)).map(\.exports)
    }

    /// The version compiled into node: its source URL
    /// (`https://nodejs.org/download/release/v22.11.0/node-v22.11.0.tar.gz`, process.release)
    /// or the inspector's `node.js/v22.11.0`; both are in official and Debian builds.
    static func nodeRelease(in host: String) -> String? {
        guard let file = MappedFile(path: host) else { return nil }
        for (marker, terminators) in [("/download/release/v", [UInt8(ascii: "/")]), ("node.js/v", [UInt8(0)])] {
            for offset in file.offsets(of: Array(marker.utf8), limit: 16) {
                let bytes = file.bytes(at: offset + marker.utf8.count, length: 24)
                guard let end = bytes.firstIndex(where: { terminators.contains($0) }) else { continue }
                let text = String(decoding: bytes[..<end], as: UTF8.self)
                let parts = text.split(separator: ".", omittingEmptySubsequences: false)
                if parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy { $0.isASCII && $0.isNumber } }) {
                    return text
                }
            }
        }
        return nil
    }

    /// `#define NODE_MAJOR_VERSION 24` … `#define NODE_MODULE_VERSION 137` from node_version.h.
    static func nodeVersionHeader(_ text: String) -> (version: String, moduleVersion: Int?)? {
        var defines: [String: Int] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count == 3, words[0] == "#define", let value = Int(words[2]) else { continue }
            defines[String(words[1])] = defines[String(words[1])] ?? value
        }
        guard let major = defines["NODE_MAJOR_VERSION"], let minor = defines["NODE_MINOR_VERSION"],
              let patch = defines["NODE_PATCH_VERSION"] else { return nil }
        return ("\(major).\(minor).\(patch)", defines["NODE_MODULE_VERSION"])
    }

    // MARK: Linked libraries

    /// The first of a program's DT_NEEDED (`neededByHost`) starting with `prefix`, found in the prefix's lib
    /// directory or the root's library directories: (path inside the root, host path).
    private func linkedLibrary(_ neededByHost: [String], prefix: String, near installPrefix: String) -> (String, String)? {
        guard let needed = neededByHost.first(where: { $0.hasPrefix(prefix) }) else { return nil }
        var directories = [installPrefix + "/lib", "/usr/local/lib", "/usr/lib", "/lib"]
        for base in ["/usr/lib", "/lib"] {
            directories += paths.list(base).filter { $0.contains("-linux-") }.map { base + "/" + $0 }
        }
        directories += ["/usr/lib64", "/lib64"]  // Fedora's and RHEL's
        for directory in directories {
            let inside = directory + "/" + needed
            if let found = paths.resolve(inside), paths.isRegularFile(inside) { return (inside, found) }
        }
        return nil
    }
}
