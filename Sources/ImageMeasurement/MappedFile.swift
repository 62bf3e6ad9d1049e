#if canImport(Glibc)
import Domain
import ImageCatalog
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A regular file mapped read-only, for searching its bytes without reading it
/// into memory (a static node binary is over 100 MB). Nothing in it is executed.
final class MappedFile {
    let path: String
    let count: Int
    private let base: UnsafeRawPointer?

    /// nil when the file cannot be opened or is not a regular file.
    init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        self.path = path
        self.count = Int(info.st_size)
        if count == 0 {
            base = nil
            return
        }
        guard let mapped = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else { return nil }
        base = UnsafeRawPointer(mapped)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// Every offset where `needle` occurs, at most `limit` of them (memchr for the first
    /// byte, then memcmp; Glibc's memmem is not exported to Swift).
    func offsets(of needle: [UInt8], limit: Int = 64) -> [Int] {
        guard let base, !needle.isEmpty, needle.count <= count else { return [] }
        var found: [Int] = []
        var start = 0
        let last = count - needle.count
        needle.withUnsafeBytes { pattern in
            while found.count < limit, start <= last,
                  let hit = memchr(base + start, Int32(needle[0]), last - start + 1) {
                let offset = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(hit, pattern.baseAddress!, needle.count) == 0 { found.append(offset) }
                start = offset + 1
            }
        }
        return found
    }

    /// The bytes at `offset ..< offset + length`, clipped to the file.
    func bytes(at offset: Int, length: Int) -> [UInt8] {
        guard let base, offset >= 0, offset < count else { return [] }
        let end = min(count, offset + length)
        return Array(UnsafeRawBufferPointer(start: base + offset, count: end - offset))
    }
}
