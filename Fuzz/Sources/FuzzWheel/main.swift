// libFuzzer target: arbitrary bytes as a wheel (zip), read member by member with
// every ELF member inspected, exactly as `basefit scan` reads one from disk. The
// input is written to a file in /dev/shm (memory) because scan reads wheels from files.
import ELFInspection
import Foundation
import FuzzSupport
import ProjectScan

private let wheelFile = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory())
    + "/basefit-fuzz-\(getpid())-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWheel(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    guard FileManager.default.createFile(atPath: wheelFile, contents: Data(bytes)) else {
        fatalError("cannot write \(wheelFile)")
    }
    defer { unlink(wheelFile) }
    do throws(ELFError) {
        let wheel = try Scanner.inspectWheel(fileSystemPath: wheelFile, path: "fuzz.whl")
        for artifact in wheel.artifacts {
            precondition(artifact.path.hasPrefix("fuzz.whl!/"), "members are named inside the wheel")
        }
    } catch {
        precondition(error.path == "fuzz.whl" && !error.detail.isEmpty, "a wheel error must name the wheel and say what is wrong")
    }
    return 0
}

exit(runFuzzer { data, size in fuzzWheel(data, size) })
