import Foundation
import Testing
import TestSupport

/// What tests that build their inputs with gcc share: the compiler, basefit itself, and the
/// problems of a `check --format json`.
enum BuiltInputs {
    static func basefit(_ arguments: [String]) throws -> ProcessResult {
        try Run.program(TestPaths.executable.path, arguments)
    }

    static func gcc(_ arguments: [String]) throws {
        let gcc = try #require(Run.which("gcc"), "gcc")
        let built = try Run.program(gcc, arguments)
        try #require(built.status == 0, "gcc \(arguments): \(built.stderr)")
    }

    static func problems(_ result: ProcessResult) throws -> [[String: Any]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)\(result.stderr)")
        return object["problems"] as? [[String: Any]] ?? []
    }
}
