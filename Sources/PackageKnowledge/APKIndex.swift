/// Reads Alpine's `APKINDEX` (the text file inside `APKINDEX.tar.gz`): records separated by blank
/// lines, one `X:value` field a line. Used fields: `P:` name, `V:` version, `I:` installed size in
/// bytes, `D:` depends (space-separated; `so:libfoo.so.1` a library, `cmd:`/`pc:` other virtuals,
/// `!name` a conflict), `p:` provides (`so:libfoo.so.1=1.2`, `cmd:foo=1`, `name=1`).
/// A `so:` provide becomes a library in `/usr/lib` (musl's loader searches /lib and /usr/lib;
/// APKINDEX does not say which).
public enum APKIndex {
    public static func parse(_ text: String, release: String, architecture: String, source: String = "APKINDEX") throws -> PackageIndex {
        var records: [PackageRecord] = []
        var record: [Character: String] = [:]
        var lineNumber = 0
        func finish() throws {
            defer { record = [:] }
            guard !record.isEmpty else { return }
            guard let name = record["P"], !name.isEmpty else {
                throw PackageKnowledgeError.malformedLine(source: source, line: lineNumber, reason: "record without a P: name")
            }
            guard let size = Int(record["I"] ?? "0") else {
                throw PackageKnowledgeError.malformedLine(source: source, line: lineNumber, reason: "I: is not a number")
            }
            var provides: [String] = []
            var libraries: [LibraryFile] = []
            for entry in (record["p"] ?? "").split(separator: " ") {
                let bare = String(entry.split(separator: "=", maxSplits: 1)[0])
                if bare.hasPrefix("so:") {
                    libraries.append(LibraryFile(directory: "/usr/lib", name: String(bare.dropFirst(3))))
                } else {
                    provides.append(bare)
                }
            }
            // Depends are all required (apk has no alternatives); conflicts are not dependencies.
            let depends: [[String]] = (record["D"] ?? "").split(separator: " ").compactMap { entry in
                guard !entry.hasPrefix("!") else { return nil }
                let bare = entry.prefix { !"<>=~".contains($0) }
                return bare.isEmpty ? nil : [String(bare)]
            }
            records.append(PackageRecord(name: name, version: record["V"] ?? "", installedBytes: size,
                                         depends: depends, provides: provides + libraries.map { "so:" + $0.name },
                                         libraries: libraries))
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.isEmpty || line == "\r" {
                try finish()
                continue
            }
            guard line.count >= 2, line.dropFirst().first == ":", let key = line.first else {
                throw PackageKnowledgeError.malformedLine(source: source, line: lineNumber, reason: "expected 'X:value'")
            }
            record[key] = String(line.dropFirst(2)).trimmingBlanks
        }
        try finish()
        return PackageIndex(release: release, architecture: architecture, source: source, packages: records)
    }
}
