import ELFInspection

/// Wheel inspection from bytes already in memory (a wheel fetched over HTTP, whole or in
/// part): what `scan` reports for a wheel file, without a file.
public enum WheelInspection {
    /// A whole wheel in memory: its ELF members as artifacts (`path!/member`), warnings that
    /// leave nothing out, and the members (or the whole wheel) it could not judge.
    public static func inspect(archive: UnsafeRawBufferPointer, path: String) -> (artifacts: [Artifact], warnings: [String], unjudged: [String]) {
        do throws(WheelReader.ReadError) {
            let read = try WheelReader.read(archive, wheel: path)
            var artifacts: [Artifact] = []
            var unjudged = read.contents.unjudged
            for result in read.results {
                switch result {
                case .success(let artifact): artifacts.append(artifact)
                case .failure(let error): unjudged.append(error.detail)
                }
            }
            return (artifacts, read.contents.warnings, unjudged)
        } catch {
            switch error {
            case .unreadable(let detail): return ([], [], ["unreadable wheel: \(detail)"])
            }
        }
    }

    public struct Message: Error, Sendable { public var text: String }

    /// One inflated member: an artifact, or why it is not one.
    public static func inspect(member bytes: [UInt8], memberPath: String, wheel: String) -> Result<Artifact, Message> {
        var bytes = bytes
        return bytes.withUnsafeMutableBytes { inspect(member: $0, memberPath: memberPath, wheel: wheel) }
    }

    /// One inflated member read in place (the memory is libelf's scratch during the call).
    static func inspect(member bytes: UnsafeMutableRawBufferPointer, memberPath: String, wheel: String) -> Result<Artifact, Message> {
        artifact(member: bytes, memberPath: memberPath, wheel: wheel).mapError {
            Message(text: "member \(memberPath): \(Scanner.message(for: $0))")
        }
    }

    /// The artifact of a member in memory; with `coverage` (a member read in part) only those bytes are read.
    static func artifact(
        member bytes: UnsafeMutableRawBufferPointer, memberPath: String, wheel: String, coverage: ByteCoverage? = nil
    ) -> Result<Artifact, ELFError> {
        let path = wheel + "!/" + memberPath
        let options = memberPath.hasSuffix(".node") ? NodeAddon.inspectionOptions : InspectionOptions()
        return Result { () throws(ELFError) in
            Artifact(path: path, facts: try ELFInspector.inspect(lending: bytes, path: path, options: options, coverage: coverage))
        }
    }

    /// Inflates one member's data (as a range request returned it: local header first).
    public static func inflate(localHeaderAndData bytes: UnsafeRawBufferPointer, entry: ZipDirectory.Entry) -> Result<[UInt8], Message> {
        do {
            let start = Int(try ZipDirectory.dataOffset(localHeader: bytes, at: 0))
            guard start + Int(entry.compressedSize) <= bytes.count else {
                return .failure(Message(text: "member \(entry.path): the range ends before its data"))
            }
            let data = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + Int(entry.compressedSize))])
            return .success(try Inflater.inflate(data, method: entry.method, declaredSize: Int(entry.uncompressedSize),
                                                 crc32: entry.crc32, magic: WheelReader.elfMagic))
        } catch let error as Inflater.Failure {
            return .failure(Message(text: error == .wrongMagic ? "" : "member \(entry.path): \(error)"))
        } catch {
            return .failure(Message(text: "member \(entry.path): \(error)"))
        }
    }

    /// Members worth fetching from a remote wheel: the names auditwheel's ELF members carry
    /// (shared objects, `.libs/` entries, programs in `bin/`/`scripts/` or without a suffix).
    public static func mayBeELF(_ entry: ZipDirectory.Entry) -> Bool {
        guard !entry.isDirectory, !entry.isSymlink, entry.uncompressedSize >= 64 else { return false }
        let path = entry.path
        if path.contains(".dist-info/") || path.contains(".data/headers/") { return false }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasSuffix(".so") || name.contains(".so.") || name.hasSuffix(".node") { return true }
        if path.contains(".libs/") { return true }
        if path.contains("/bin/") || path.hasPrefix("bin/") || path.contains(".data/scripts/") {
            return !name.contains(".") || name.hasSuffix(".exe") == false && !["py", "sh", "txt", "md", "json", "js", "cfg", "ini", "toml", "yaml", "yml", "bat", "ps1", "pl", "rb"].contains(name.split(separator: ".").last.map(String.init) ?? "")
        }
        return false
    }
}
