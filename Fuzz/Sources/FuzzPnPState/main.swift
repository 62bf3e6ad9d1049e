// libFuzzer target: arbitrary bytes as a Yarn Plug'n'Play state (`.pnp.cjs`) in a project
// directory, scanned as `basefit scan DIR` scans one. The state must be read, or refused with a
// warning that names it and leaves the project unjudged; never a trap or a hang. The directory
// lives in /dev/shm (memory), as FuzzWheel's wheel does.
import Foundation
import FuzzSupport
import ProjectScan

private let project = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory())
    + "/basefit-fuzz-pnp-\(getpid())"
private let state = project + "/.pnp.cjs"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPnPState(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    try? FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
    guard FileManager.default.createFile(atPath: state, contents: Data(bytes)) else {
        fatalError("cannot write \(state)")
    }
    defer { unlink(state) }
    do {
        let report = try Scanner().scan([project])
        for warning in report.warnings where warning.path == state && warning.message.contains("state not read") {
            precondition(warning.effect == .unjudged, "a state that is not read leaves its packages unjudged")
        }
    } catch {
        fatalError("scanning a readable directory threw: \(error)")
    }
    return 0
}

exit(runFuzzer { data, size in fuzzPnPState(data, size) })
