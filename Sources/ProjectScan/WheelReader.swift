import ELFInspection
import Dispatch
import Foundation

/// The parts of a wheel basefit needs besides its ELF members.
struct WheelContents: Sendable {
    /// `Tag:` lines of `*.dist-info/WHEEL`.
    var declaredTags: [String] = []
    var memberCount = 0
    /// Warnings that leave nothing unjudged (a member no installer writes).
    var warnings: [String] = []
    /// Members that are, or may be, native code and were not judged (damaged, over a limit).
    var unjudged: [String] = []
    /// ELF members read by their start and end only (`WheelReader.PartialReads`).
    var partialMembers = 0
}

/// Reads a wheel (a zip) in memory: nothing is ever extracted to disk, whatever names
/// the members carry, and every count and size is bounded. The archive is mapped; its
/// central directory is read directly; ELF members are read and inspected on all cores, and
/// their artifacts come back in directory order.
///
/// A member is inflated straight into a buffer of its declared size and its CRC-32 checked;
/// one whose first four bytes are not ELF's is dropped after inflating those four bytes. A big
/// deflated member (`PartialReads`) is read by its start and end only (`PartialMemberPlan`):
/// the same facts for a fraction of the inflating, but its CRC-32, which covers every byte,
/// is not checked; whenever that read is not exact it is read whole.
enum WheelReader {
    /// A member whose inflated size (declared or actual) passes this is not read.
    static let memberSizeLimit: UInt64 = 512 * 1024 * 1024
    /// Inflated bytes read from one wheel in all; members after that are skipped.
    static let totalSizeLimit: UInt64 = 2 * 1024 * 1024 * 1024
    /// Central-directory entries looked at; the rest are skipped with a warning.
    static let memberCountLimit = 200_000

    static let elfMagic: [UInt8] = ELFIdentity.magic

    /// Which members are read by their start and end only.
    public struct PartialReads: Sendable {
        /// Deflated members at least this big (compressed); nil: every member is read whole.
        public var threshold: UInt64?
        /// `PartialMemberPlan.maxReadShare`.
        public var maxReadShare: Double?

        public init(threshold: UInt64?, maxReadShare: Double?) {
            self.threshold = threshold
            self.maxReadShare = maxReadShare
        }

        /// For a wheel in memory: members of 1 MiB or more, as long as their start and end are
        /// at most a quarter of them (beyond that, libdeflate inflating the whole is faster).
        public static let inMemory = PartialReads(threshold: 1 << 20, maxReadShare: 0.25)
        /// Every member whole, each CRC-32 checked.
        public static let never = PartialReads(threshold: nil, maxReadShare: nil)
    }

    enum ReadError: Error {
        case unreadable(String)
    }

    /// The wheel at `fileSystemPath`, its artifacts named `wheel!/member`; a member that is not
    /// a readable ELF file is a failure whose detail starts "member <path>: ".
    static func read(
        fileSystemPath: String, wheel: String, partial: PartialReads = .inMemory
    ) throws(ReadError) -> (contents: WheelContents, results: [Result<Artifact, ELFError>]) {
        let mapping = try MappedArchive(path: fileSystemPath)
        defer { mapping.unmap() }
        return try read(mapping.bytes, wheel: wheel, partial: partial)
    }

    static func read(
        _ archive: UnsafeRawBufferPointer, wheel: String, partial: PartialReads = .inMemory
    ) throws(ReadError) -> (contents: WheelContents, results: [Result<Artifact, ELFError>]) {
        read(archive, directory: try self.directory(of: archive), wheel: wheel, partial: partial)
    }

    /// The same, for an archive whose central directory the caller has read already.
    static func read(
        _ archive: UnsafeRawBufferPointer, directory: ZipDirectory, wheel: String, partial: PartialReads = .inMemory
    ) -> (contents: WheelContents, results: [Result<Artifact, ELFError>]) {
        var contents = WheelContents()
        var candidates: [(path: String, entry: ZipDirectory.Entry, data: Range<Int>)] = []
        var total: UInt64 = 0
        for entry in directory.entries {
            contents.memberCount += 1
            guard contents.memberCount <= memberCountLimit else {
                contents.unjudged.append("more than \(memberCountLimit) members; the rest were not read")
                break
            }
            guard !entry.isDirectory, !entry.isSymlink else { continue }
            let path = entry.path
            if path.hasPrefix("/") || path.split(separator: "/").contains("..") {
                contents.warnings.append("member \(path) has an absolute or ../ path (never written anywhere; not scanned)")
                continue
            }
            guard entry.uncompressedSize >= 4 else {
                // Too short for ELF: nothing, unless `import` would load it as a module.
                if let module = ModuleFile.kind(ofWheelMember: path[...]),
                   let message = module.message(for: entry.uncompressedSize == 0 ? .empty : .other) {
                    contents.unjudged.append("member \(path): \(message)")
                }
                continue
            }
            guard entry.uncompressedSize <= memberSizeLimit else {
                contents.unjudged.append("member \(path) declares \(entry.uncompressedSize) bytes, over the \(memberSizeLimit)-byte limit; not scanned, so its requirements are unknown")
                continue
            }
            let data: Range<Int>
            do throws(ZipDirectory.ReadError) {
                data = try memberData(entry, in: archive)
            } catch {
                contents.unjudged.append("member \(path) cannot be read: \(error.detail)")
                continue
            }
            let isWheelMetadata = path.hasSuffix(".dist-info/WHEEL") && path.split(separator: "/").count == 2
            if isWheelMetadata {
                do throws(Inflater.Failure) {
                    let bytes = try Inflater.inflate(UnsafeRawBufferPointer(rebasing: archive[data]), method: entry.method,
                                                     declaredSize: Int(entry.uncompressedSize), crc32: entry.crc32, magic: nil)
                    contents.declaredTags += WheelMetadataFile.tags(bytes)
                } catch {
                    contents.unjudged.append("member \(path) cannot be read: \(error)")
                }
                continue
            }
            guard total + entry.uncompressedSize <= totalSizeLimit else {
                contents.unjudged.append("member \(path) would take the wheel past \(totalSizeLimit) inflated bytes; not scanned, so its requirements are unknown")
                continue
            }
            candidates.append((path, entry, data))
            total += entry.uncompressedSize
        }

        // Read and inspect on all cores; every slot is written by one worker.
        let slots = Slots<Outcome>(count: candidates.count)
        nonisolated(unsafe) let base = archive  // read-only, mapped until this function returns
        let members = candidates
        let compressed = members.reduce(0) { $0 + $1.data.count }
        Self.perform(iterations: members.count, workers: compressed < Self.serialBelow ? 1 : nil) { index in
            let (path, entry, data) = members[index]
            if let threshold = partial.threshold, entry.method == 8, entry.compressedSize >= threshold {
                switch PartialMemberPlan.read(archive: base, entry: entry, wheel: wheel, maxReadShare: partial.maxReadShare) {
                case .artifact(let artifact):
                    slots.store(.elf(.success(artifact), byEnds: true), at: index)
                    return
                case .notELF:
                    slots.store(.notELF, at: index)
                    return
                case .whole:
                    break  // read whole below, its CRC-32 checked
                }
            }
            do throws(Inflater.Failure) {
                var bytes = try Inflater.inflate(UnsafeRawBufferPointer(rebasing: base[data]), method: entry.method,
                                                 declaredSize: Int(entry.uncompressedSize), crc32: entry.crc32, magic: elfMagic)
                // Read in place: the array is this worker's alone, so no copy is made.
                let result = bytes.withUnsafeMutableBytes { member in
                    WheelInspection.artifact(member: member, memberPath: path, wheel: wheel).mapError { error in
                        ELFError(error.kind, path: error.path, location: error.location, detail: "member \(path): \(Scanner.message(for: error))")
                    }
                }
                slots.store(.elf(result, byEnds: false), at: index)
            } catch .wrongMagic {
                slots.store(.notELF, at: index)
            } catch {
                let detail: String
                switch error {
                case .damaged(let text): detail = text
                case .unsupportedMethod(let method): detail = "compression method \(method) (basefit reads stored and deflated members)"
                case .wrongMagic: detail = ""
                }
                // "member x.so inflates past the 4096 bytes it declares …" reads as one sentence.
                let sentence = detail.hasPrefix("inflates past") ? detail : "cannot be read: " + detail
                slots.store(.failed("member \(path) \(sentence); not scanned"), at: index)
            }
        }
        var results: [Result<Artifact, ELFError>] = []
        for (index, outcome) in slots.values().enumerated() {
            switch outcome {
            case .elf(let value, let byEnds)?:
                results.append(value)
                if byEnds { contents.partialMembers += 1 }
            case .failed(let message)?: contents.unjudged.append(message)
            case .notELF?:
                // A member `import` loads as a module and no loader opens (text, an archive).
                let (path, entry, _) = members[index]
                if let module = ModuleFile.kind(ofWheelMember: path[...]),
                   let message = module.message(for: content(of: entry, in: archive)) {
                    contents.unjudged.append("member \(path): \(message)")
                }
            case nil: break
            }
        }
        return (contents, results)
    }

    /// The central directory of a zip archive in memory (at most `memberCountLimit` + 1 entries).
    static func directory(of archive: UnsafeRawBufferPointer) throws(ReadError) -> ZipDirectory {
        do {
            let tailCount = min(archive.count, ZipDirectory.tailLength)
            let tail = UnsafeRawBufferPointer(rebasing: archive[(archive.count - tailCount)...])
            let located = try ZipDirectory.locate(tail: tail, archiveSize: UInt64(archive.count))
            let start = Int(located.offset)
            return try ZipDirectory.parse(
                directory: UnsafeRawBufferPointer(rebasing: archive[start..<(start + Int(located.size))]),
                offset: located.offset, limit: memberCountLimit + 1)
        } catch {
            throw .unreadable("not a readable zip archive (\(error.detail))")
        }
    }

    /// Where a member's (compressed) data lies in the archive, past its local header.
    static func memberData(_ entry: ZipDirectory.Entry, in archive: UnsafeRawBufferPointer) throws(ZipDirectory.ReadError) -> Range<Int> {
        let size = UInt64(archive.count)
        // (A ZIP64 offset can be anything up to 2^64 - 1: no sum with it before this.)
        guard entry.localHeaderOffset <= size, size - entry.localHeaderOffset >= 30 else {
            throw ZipDirectory.ReadError(detail: "local header past the end")
        }
        let header = UnsafeRawBufferPointer(rebasing: archive[Int(entry.localHeaderOffset)..<min(archive.count, Int(entry.localHeaderOffset) + 30)])
        let start = try ZipDirectory.dataOffset(localHeader: header, at: entry.localHeaderOffset)
        guard start <= size, entry.compressedSize <= size - start else { throw ZipDirectory.ReadError(detail: "data past the end of the archive") }
        return Int(start)..<Int(start + entry.compressedSize)
    }

    /// What a member that is not ELF holds, told from its first bytes (one over 1 MiB, or
    /// one that does not inflate, is told as `.other`).
    static func content(of entry: ZipDirectory.Entry, in archive: UnsafeRawBufferPointer) -> NonELFContent {
        guard entry.uncompressedSize <= 1 << 20, let bytes = try? self.bytes(of: entry, in: archive) else { return .other }
        return bytes.withUnsafeBytes { NonELFContent(prefix: $0) }
    }

    /// A (small) member inflated whole, its CRC-32 checked.
    static func bytes(of entry: ZipDirectory.Entry, in archive: UnsafeRawBufferPointer) throws -> [UInt8] {
        let data = try memberData(entry, in: archive)
        return try Inflater.inflate(UnsafeRawBufferPointer(rebasing: archive[data]), method: entry.method,
                                    declaredSize: Int(entry.uncompressedSize), crc32: entry.crc32, magic: nil)
    }

    /// Compressed bytes under which a wheel's members are read on the calling thread: starting
    /// the pool's threads (and its timer thread) costs more than a few hundred KiB of inflating
    /// that only looks at each member's first bytes or inflates small libraries.
    static let serialBelow = 512 * 1024

    /// `body` for every index, on all cores, or on this thread alone when `workers` is 1.
    static func perform(iterations: Int, workers: Int?, _ body: @Sendable (Int) -> Void) {
        if workers == 1 {
            for index in 0..<iterations { body(index) }
        } else {
            DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
        }
    }

    enum Outcome: Sendable {
        /// `byEnds`: read by its start and end (`PartialMemberPlan`), not inflated whole.
        case elf(Result<Artifact, ELFError>, byEnds: Bool)
        case notELF
        case failed(String)
    }
}

/// Fixed slots written by exactly one worker each, read after all workers finish.
final class Slots<Value: Sendable>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Value?>
    private let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: max(count, 1))
        storage.initialize(repeating: nil, count: count)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    func store(_ value: Value, at index: Int) { storage[index] = value }

    func values() -> [Value?] { (0..<count).map { storage[$0] } }
}
