#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

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
