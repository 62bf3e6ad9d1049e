// libFuzzer target: arbitrary bytes as an ELF image in memory. Inspection must
// either return facts or throw an ELFError naming the input; it must never trap,
// read out of bounds (AddressSanitizer), hang or allocate without bound.
import ELFInspection

import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzELF(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    let options = InspectionOptions(exportPrefixes: ["napi_register_module_v", "node_register_module_v"])
    do throws(ELFError) {
        _ = try ELFInspector.inspect(bytes: bytes, path: "fuzz.so", options: options)
    } catch {
        precondition(error.path == "fuzz.so" && !error.detail.isEmpty, "an ELFError must name the file and the problem")
    }
    return 0
}

exit(runFuzzer { data, size in fuzzELF(data, size) })
