#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// The only file of ProjectScan that maps memory: a wheel read in place (`MappedArchive`) and
// the big buffers a member read by its ends needs (`ScratchMemory`).

/// Zeroed memory for one big member's bytes, mapped anonymously: only the pages written are
/// ever made (malloc'd memory is cleared or reused whole once the allocator has raised its
/// mapping threshold). `release()` when done. (Asking for 2 MiB pages was measured: no faster.)
struct ScratchMemory: @unchecked Sendable {
    let bytes: UnsafeMutableRawBufferPointer

    /// nil when the memory cannot be had.
    init?(count: Int) {
        guard count > 0, let address = mmap(nil, count, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              address != MAP_FAILED else { return nil }
        bytes = UnsafeMutableRawBufferPointer(start: address, count: count)
    }

    func release() { munmap(bytes.baseAddress, bytes.count) }
}

/// `ScratchMemory` shared by whoever holds it, unmapped when the last one lets go: the region
/// a member's end is inflated into, which the member's memory is then laid around
/// (`DeflateTail`, `PartialMember`) instead of being copied.
final class ScratchRegion: @unchecked Sendable {
    let bytes: UnsafeMutableRawBufferPointer
    private let scratch: ScratchMemory

    /// nil when the memory cannot be had.
    init?(count: Int) {
        guard let scratch = ScratchMemory(count: count) else { return nil }
        self.scratch = scratch
        bytes = scratch.bytes
    }

    deinit { scratch.release() }
}

/// A read-only mapping of a whole file; `unmap()` when done.
struct MappedArchive {
    let bytes: UnsafeRawBufferPointer

    init(path: String) throws(WheelReader.ReadError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable("cannot open: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { throw .unreadable("not a regular file") }
        let size = Int(status.st_size)
        guard size > 0 else { throw .unreadable("not a readable zip archive (empty file)") }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw .unreadable("cannot map: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    func unmap() {
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    }
}
