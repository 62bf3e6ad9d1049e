import Foundation

/// Reads the compact index Data/tools/gen_packages.py writes (Data/packages/README.md):
/// a `#basefit-packages 1` header, then one package per line:
/// `name TAB version TAB installed-size-KiB TAB flags TAB depends TAB provides TAB libraries`.
enum CompactIndex {
    static func read(_ text: String, name: String) throws -> PackageIndex {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)[...]
        guard let header = lines.popFirst() else {
            throw PackageKnowledgeError.corruptIndex(name: name, reason: "empty")
        }
        let head = header.split(separator: "\t", omittingEmptySubsequences: false)
        guard head.count >= 4, head[0] == "#basefit-packages 1" else {
            throw PackageKnowledgeError.corruptIndex(name: name, reason: "no '#basefit-packages 1' header")
        }
        let architecture = String(head[3])
        let directories = LibraryDirectories.debian(architecture)
        var packages: [PackageRecord] = []
        packages.reserveCapacity(lines.count)
        for (offset, line) in lines.enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 7, let kib = Int(fields[2]) else {
                throw PackageKnowledgeError.malformedLine(source: name, line: offset + 2, reason: "expected 7 tab-separated fields with a numeric size")
            }
            let flags = fields[3]
            let libraries: [LibraryFile] = try fields[6].split(separator: ",").map { entry in
                guard let slash = entry.firstIndex(of: "/"), let code = Int(entry[..<slash]), directories.indices.contains(code) else {
                    throw PackageKnowledgeError.malformedLine(source: name, line: offset + 2, reason: "library '\(entry)' has no directory code")
                }
                return LibraryFile(directory: directories[code], name: String(entry[entry.index(after: slash)...]))
            }
            packages.append(PackageRecord(
                name: String(fields[0]), version: String(fields[1]), installedBytes: kib * 1024,
                priority: flags.first.flatMap { priorityCode[$0] }, essential: flags.contains("E"),
                depends: fields[4].split(separator: ",").map { $0.split(separator: "|").map(String.init) },
                provides: fields[5].split(separator: ",").map(String.init),
                libraries: libraries))
        }
        let source = head.dropFirst(4).joined(separator: "; ")
        return PackageIndex(release: "\(head[1])-\(head[2])", architecture: architecture, source: source, packages: packages)
    }

    static let priorityCode: [Character: PackageRecord.Priority] = [
        "r": .required, "i": .important, "s": .standard, "o": .optional, "x": .extra,
    ]
}
