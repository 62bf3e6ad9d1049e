// libFuzzer target: arbitrary bytes as a Dockerfile. The base-image reader must
// return a base or a DockerfileError with a line, never trap or hang.
import ProjectScan

import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDockerfile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    let text = String(decoding: bytes, as: UTF8.self)
    for stage in [nil, "build", "runtime"] as [String?] {
        do throws(DockerfileError) {
            let base = try Dockerfile.base(of: text, path: "Dockerfile", stage: stage)
            _ = Dockerfile.normalize(base.image)
        } catch {
            precondition(error.path == "Dockerfile" && !error.detail.isEmpty)
        }
    }
    return 0
}

exit(runFuzzer { data, size in fuzzDockerfile(data, size) })
