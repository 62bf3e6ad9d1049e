import Foundation
import ZIPFoundation

/// The parts of a wheel basefit needs, read straight from the zip in memory:
/// nothing is ever extracted to disk, whatever names the members carry.
struct WheelContents: Sendable {
    struct Member: Sendable {
        var path: String
        var bytes: [UInt8]
    }

    var elfMembers: [Member] = []
    /// `Tag:` lines of `*.dist-info/WHEEL`.
    var declaredTags: [String] = []
    var memberCount = 0
    var warnings: [String] = []
}

enum WheelReader {
    /// Limits that keep a hostile archive from exhausting memory or time.
    static let memberSizeLimit: UInt64 = 512 * 1024 * 1024
    static let totalSizeLimit: UInt64 = 2 * 1024 * 1024 * 1024
    static let memberCountLimit = 200_000

    enum ReadError: Error {
        case unreadable(String)
    }

    private struct Stop: Error {}

    static func read(fileSystemPath: String) throws(ReadError) -> WheelContents {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: fileSystemPath), accessMode: .read)
        } catch {
            throw .unreadable("not a readable zip archive (\(error))")
        }
        var contents = WheelContents()
        var total: UInt64 = 0
        for entry in archive {
            contents.memberCount += 1
            guard contents.memberCount <= memberCountLimit else {
                contents.warnings.append("more than \(memberCountLimit) members; the rest were not read")
                break
            }
            guard entry.type == .file else { continue }
            let path = entry.path
            if path.hasPrefix("/") || path.split(separator: "/").contains("..") {
                contents.warnings.append("member \(path) has an absolute or ../ path (never written anywhere; not scanned)")
                continue
            }
            let isWheelMetadata = path.hasSuffix(".dist-info/WHEEL") && path.split(separator: "/").count == 2
            guard entry.uncompressedSize <= memberSizeLimit else {
                contents.warnings.append("member \(path) declares \(entry.uncompressedSize) bytes, over the \(memberSizeLimit)-byte limit; not scanned")
                continue
            }
            var bytes: [UInt8] = []
            var checkedMagic = false
            do {
                _ = try archive.extract(entry, bufferSize: 64 * 1024, skipCRC32: false) { chunk in
                    bytes.append(contentsOf: chunk)
                    if !checkedMagic && bytes.count >= 4 {
                        checkedMagic = true
                        if !isWheelMetadata && !bytes.starts(with: [0x7f, 0x45, 0x4c, 0x46]) { throw Stop() }
                    }
                    if UInt64(bytes.count) > memberSizeLimit || total + UInt64(bytes.count) > totalSizeLimit { throw Stop() }
                }
            } catch is Stop {
                if UInt64(bytes.count) > memberSizeLimit || total + UInt64(bytes.count) > totalSizeLimit {
                    contents.warnings.append("member \(path) inflates past the size limit; not scanned")
                }
                continue
            } catch {
                contents.warnings.append("member \(path) cannot be read: \(error)")
                continue
            }
            total += UInt64(bytes.count)
            if isWheelMetadata {
                for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
                where line.hasPrefix("Tag:") {
                    contents.declaredTags.append(line.dropFirst(4).trimmingCharacters(in: .whitespaces))
                }
            } else if bytes.starts(with: [0x7f, 0x45, 0x4c, 0x46]) {
                contents.elfMembers.append(.init(path: path, bytes: bytes))
            }
        }
        return contents
    }
}
