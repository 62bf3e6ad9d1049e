import ELFInspection
import Foundation
import ZIPFoundation

/// The parts of a wheel basefit needs besides its ELF members, which are handed
/// to the caller one at a time so that at most one member is held in memory.
struct WheelContents: Sendable {
    /// `Tag:` lines of `*.dist-info/WHEEL`.
    var declaredTags: [String] = []
    var memberCount = 0
    var warnings: [String] = []
}

/// Reads a wheel (a zip) in memory: nothing is ever extracted to disk, whatever
/// names the members carry, and every count and size is bounded.
enum WheelReader {
    /// A member whose inflated size (declared or actual) passes this is not read.
    static let memberSizeLimit: UInt64 = 512 * 1024 * 1024
    /// Inflated bytes read from one wheel in all; members after that are skipped.
    static let totalSizeLimit: UInt64 = 2 * 1024 * 1024 * 1024
    /// Central-directory entries looked at; the rest are skipped with a warning.
    static let memberCountLimit = 200_000

    enum ReadError: Error {
        case unreadable(String)
    }

    private enum Stop: Error {
        case notELF
        case pastDeclaredSize
    }

    static func read(
        fileSystemPath: String, elfMember: (_ path: String, _ bytes: [UInt8]) -> Void
    ) throws(ReadError) -> WheelContents {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: fileSystemPath), accessMode: .read)
        } catch {
            throw .unreadable("not a readable zip archive (\(error))")
        }
        return read(archive, elfMember: elfMember)
    }

    private static func read(_ archive: Archive, elfMember: (String, [UInt8]) -> Void) -> WheelContents {
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
            let declared = UInt64(entry.uncompressedSize)
            guard declared <= memberSizeLimit else {
                contents.warnings.append("member \(path) declares \(declared) bytes, over the \(memberSizeLimit)-byte limit; not scanned, so its requirements are unknown")
                continue
            }
            guard total + declared <= totalSizeLimit else {
                contents.warnings.append("member \(path) would take the wheel past \(totalSizeLimit) inflated bytes; not scanned, so its requirements are unknown")
                continue
            }
            var bytes: [UInt8] = []
            var checkedMagic = isWheelMetadata
            do {
                _ = try archive.extract(entry, bufferSize: 64 * 1024, skipCRC32: false) { chunk in
                    // The declared size is already within the limits; a member that inflates
                    // past it lies about its size (a zip bomb or a damaged archive).
                    if UInt64(bytes.count + chunk.count) > declared { throw Stop.pastDeclaredSize }
                    bytes.append(contentsOf: chunk)
                    if !checkedMagic && bytes.count >= 4 {
                        checkedMagic = true
                        if !ELFIdentity.hasMagic(bytes) { throw Stop.notELF }
                    }
                }
            } catch Stop.notELF {
                continue
            } catch Stop.pastDeclaredSize {
                contents.warnings.append("member \(path) inflates past the \(declared) bytes it declares (a zip bomb or a damaged archive); not scanned")
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
            } else if ELFIdentity.hasMagic(bytes) {
                elfMember(path, bytes)
            }
        }
        return contents
    }
}
