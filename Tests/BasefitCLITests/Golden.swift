import Foundation
import Testing
import TestSupport

/// Golden files under Tests/BasefitCLITests/Golden. Set BASEFIT_RECORD_GOLDEN=1 to
/// re-record them from the current output instead of comparing.
enum Golden {
    static let directory = TestPaths.packageRoot.appendingPathComponent("Tests/BasefitCLITests/Golden")
    static var recording: Bool { ProcessInfo.processInfo.environment["BASEFIT_RECORD_GOLDEN"] == "1" }

    static func check(_ actual: String, against name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        if recording {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "output differs from \(name); re-record with BASEFIT_RECORD_GOLDEN=1 if intended",
                sourceLocation: sourceLocation)
    }
}
