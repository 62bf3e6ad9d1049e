// libFuzzer target: arbitrary bytes as the end of a member's deflate stream, the declared
// size from the first four bytes. `DeflateTail.inflate` must never trap, read out of
// bounds, hang or allocate without bound, and what it returns must be consistent: its
// bytes end at the declared size and its known ranges lie inside them.
import Foundation
import FuzzSupport
import ProjectScan

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDeflateTail(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    guard bytes.count > 4 else { return 0 }
    let declared = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3] & 0x3f) << 24
    // At most the last 64 KiB: each run scans every bit of the stream, and the smoke run in CI is short.
    let stream = Array(bytes[4...].suffix(64 * 1024))
    let confirmation = Int(bytes[3] >> 6) * 1024  // 0, 1, 2 or 3 KiB: small inputs reach the confirmation too
    guard let tail = stream.withUnsafeBytes({ DeflateTail.inflate($0, uncompressedSize: max(declared, 1), confirmationDistance: confirmation) }) else {
        return 0
    }
    precondition(tail.start >= 0 && tail.start + tail.bytes.count == max(declared, 1), "the tail ends at the declared size")
    // Sorted, disjoint and not touching, inside the tail (as `ByteCoverage` takes them).
    var previous: UInt64?
    for range in tail.known {
        precondition(range.lowerBound >= UInt64(tail.start) && range.upperBound <= UInt64(tail.start + tail.bytes.count) && !range.isEmpty
                     && previous.map { $0 < range.lowerBound } ?? true,
                     "known ranges are sorted, disjoint, not touching and inside the tail")
        previous = range.upperBound
    }
    // Bytes left undecided (the 0x00 pass left out) lie inside the tail, before the range that
    // runs to its end.
    if let undecided = tail.undecided {
        precondition(undecided.from >= UInt64(tail.start) && undecided.from < UInt64(tail.start + tail.bytes.count)
                     && tail.known.last?.upperBound == UInt64(tail.start + tail.bytes.count),
                     "undecided bytes lie inside the tail, and the last known range runs to its end")
    }
    return 0
}

exit(runFuzzer { data, size in fuzzDeflateTail(data, size) })
