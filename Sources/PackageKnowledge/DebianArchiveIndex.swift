/// Reads a Debian-format archive's own indexes (Debian and Ubuntu use the same format):
/// `Packages` (deb822 stanzas) and `Contents-<arch>` (`path   section/package,section/package`).
/// Library files are those named `lib*.so.N…` directly in a library directory (LibraryDirectories).
public enum DebianArchiveIndex {
    /// Parses the decompressed text of `Packages` and `Contents-<arch>` into an index.
    public static func parse(packages: String, contents: String, release: String, architecture: String,
                             source: String = "") throws -> PackageIndex {
        let libraries = contentsLibraries(contents, architecture: architecture)
        var records = try stanzas(packages, source: "Packages")
        for index in records.indices {
            records[index].libraries = libraries[records[index].name, default: []].sorted { $0.path < $1.path }
        }
        return PackageIndex(release: release, architecture: architecture, source: source, packages: records)
    }

    /// `Contents-<arch>` → package → library files in the library directories.
    static func contentsLibraries(_ contents: String, architecture: String) -> [String: [LibraryFile]] {
        let directories = Set(LibraryDirectories.debian(architecture).map { String($0.dropFirst()) })
        var result: [String: [LibraryFile]] = [:]
        for line in contents.split(separator: "\n") {
            // The location list is the last whitespace-separated field; a path may contain spaces.
            guard let split = line.lastIndex(where: { $0 == " " || $0 == "\t" }) else { continue }
            var path = line[..<split]
            while let last = path.last, last == " " || last == "\t" { path = path.dropLast() }
            while path.hasPrefix("./") || path.hasPrefix("/") { path = path.drop { $0 == "." || $0 == "/" } }
            guard let slash = path.lastIndex(of: "/") else { continue }
            let directory = path[..<slash]
            let name = path[path.index(after: slash)...]
            guard directories.contains(String(directory)), LibraryDirectories.isSharedLibraryName(name) else { continue }
            for location in line[line.index(after: split)...].split(separator: ",") {
                let package = location.split(separator: "/").last.map(String.init) ?? String(location)
                result[package, default: []].append(LibraryFile(directory: "/" + directory, name: String(name)))
            }
        }
        return result
    }

    /// `Packages` stanzas → records (without libraries).
    static func stanzas(_ text: String, source: String) throws -> [PackageRecord] {
        var records: [PackageRecord] = []
        var fields: [String: String] = [:]
        var last: String?
        var lineNumber = 0
        func finish() throws {
            defer { fields = [:]; last = nil }
            guard !fields.isEmpty else { return }
            guard let name = fields["Package"] else {
                throw PackageKnowledgeError.malformedLine(source: source, line: lineNumber, reason: "stanza without a Package field")
            }
            let kib = fields["Installed-Size"].flatMap { Int($0) } ?? 0
            records.append(PackageRecord(
                name: name, version: fields["Version"] ?? "", installedBytes: kib * 1024,
                priority: fields["Priority"].flatMap(PackageRecord.Priority.init(rawValue:)),
                essential: fields["Essential"] == "yes",
                depends: relations(fields["Pre-Depends"] ?? "") + relations(fields["Depends"] ?? ""),
                provides: relations(fields["Provides"] ?? "").compactMap(\.first)))
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
                try finish()
                continue
            }
            if line.first == " " || line.first == "\t" {
                if let last { fields[last, default: ""] += " " + line.trimmingBlanks }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw PackageKnowledgeError.malformedLine(source: source, line: lineNumber, reason: "field without ':'")
            }
            let key = String(line[..<colon])
            fields[key] = line[line.index(after: colon)...].trimmingBlanks
            last = key
        }
        try finish()
        return records
    }

    /// `a (>= 1) | b:any, c [amd64] <!nocheck>` → [["a", "b"], ["c"]].
    public static func relations(_ text: String) -> [[String]] {
        text.split(separator: ",").compactMap { group in
            let names = group.split(separator: "|").compactMap { alternative -> String? in
                // Qualifiers are not nested; '>' inside "(>= 1)" belongs to the parenthesis.
                var name = ""
                var closer: Character?
                for character in alternative {
                    if let open = closer {
                        if character == open { closer = nil }
                        continue
                    }
                    switch character {
                    case "(": closer = ")"
                    case "[": closer = "]"
                    case "<": closer = ">"
                    default: name.append(character)
                    }
                }
                let trimmed = name.trimmingBlanks
                let bare = trimmed.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
                return bare.isEmpty ? nil : bare
            }
            return names.isEmpty ? nil : names
        }
    }
}
