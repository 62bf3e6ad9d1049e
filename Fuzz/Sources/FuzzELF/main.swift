// libFuzzer target: arbitrary bytes as an ELF image in memory. Inspection must
// either return facts or throw an ELFError naming the input; it must never trap,
// read out of bounds (AddressSanitizer), hang or allocate without bound. And read
// with a hole in its coverage (garbage there), it must give the whole image's facts
// or `.incomplete`: never other facts, never facts where the whole image has none.
import ELFInspection

import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzELF(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    let options = InspectionOptions(exportPrefixes: ["napi_register_module_v", "node_register_module_v"])
    let whole: Result<BinaryFacts, ELFError> = Result { () throws(ELFError) in
        try ELFInspector.inspect(bytes: bytes, path: "fuzz.so", options: options)
    }
    if case .failure(let error) = whole {
        precondition(error.path == "fuzz.so" && !error.detail.isEmpty, "an ELFError must name the file and the problem")
    }
    guard bytes.count >= 64 else { return 0 }
    // A hole where the input's last two bytes say, filled with garbage.
    let start = (Int(bytes[bytes.count - 2]) * bytes.count) / 256, length = max(1, (Int(bytes[bytes.count - 1]) * bytes.count) / 1024)
    let end = min(bytes.count, start + length)
    var holed = bytes
    for index in start..<end { holed[index] = UInt8(truncatingIfNeeded: index &* 167 &+ 13) }
    let coverage = ByteCoverage([0..<UInt64(start), UInt64(end)..<UInt64(bytes.count)])
    let partial: Result<BinaryFacts, ELFError> = holed.withUnsafeMutableBytes { memory in
        Result { () throws(ELFError) in try ELFInspector.inspect(lending: memory, path: "fuzz.so", options: options, coverage: coverage) }
    }
    switch (whole, partial) {
    case (.success(let facts), .success(let read)):
        precondition(facts == read, "a hole in the coverage changed the facts")
    case (.failure, .success):
        preconditionFailure("facts from a partial read of an image that has none")
    case (_, .failure(let error)) where error.kind == .incomplete:
        precondition(error.missing.map { $0.overlaps(UInt64(start)..<UInt64(end)) } ?? false, "incomplete names bytes outside the hole \(start)..<\(end): \(error)")
    case (.failure(let error), .failure(let read)):
        precondition(error.kind == read.kind, "a hole the inspection never read changed the error")
    case (.success, .failure(let error)):
        preconditionFailure("a hole turned facts into \(error)")
    }
    return 0
}

exit(runFuzzer { data, size in fuzzELF(data, size) })
