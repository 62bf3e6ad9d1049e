import Foundation
import Testing
import TestSupport

/// Every README block marked `<!-- checked example -->` is run as printed: each `$ basefit …`
/// line from the package root (fixed clock, no registry mirrors, index or proxy from the
/// caller's environment), its stdout then stderr against the lines printed under it.
/// The README is where a user copies commands from; an example that no longer prints what
/// it shows is a bug in the README or in basefit.
@Suite struct ReadmeExampleTests {
    static let marker = "<!-- checked example -->"

    struct Example: CustomTestStringConvertible, Sendable {
        var line: Int
        var arguments: [String]
        var expected: [String]
        var testDescription: String { "README.md:\(line): basefit \(arguments.joined(separator: " "))" }
    }

    /// The commands of the marked blocks. A malformed block is a failure, not a skip.
    static func examples() throws -> [Example] {
        let text = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        var examples: [Example] = []
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            guard lines[index] == marker else { continue }
            precondition(index + 1 < lines.count && lines[index + 1].hasPrefix("```"), "README.md:\(index + 1): \(marker) must stand right before a code block")
            var cursor = index + 2
            var current: Example?
            while cursor < lines.count, !lines[cursor].hasPrefix("```") {
                let line = lines[cursor]
                if line.hasPrefix("$ ") {
                    if let current { examples.append(current) }
                    var command = String(line.dropFirst(2))
                    if let comment = command.range(of: "  # ") { command = String(command[..<comment.lowerBound]) }
                    let words = command.split(separator: " ").map(String.init)
                    precondition(words.first == "basefit" && !command.contains("\"") && !command.contains("'"),
                                 "README.md:\(cursor + 1): a checked example runs `basefit` with plain words")
                    current = Example(line: cursor + 1, arguments: Array(words.dropFirst()), expected: [])
                } else {
                    precondition(current != nil, "README.md:\(cursor + 1): output before any `$ basefit` line")
                    current?.expected.append(line)
                }
                cursor += 1
            }
            if let current { examples.append(current) }
            index = cursor
        }
        return examples.map { example in
            var example = example
            while example.expected.last == "" { example.expected.removeLast() }
            return example
        }
    }

    @Test func theReadmeHasCheckedExamples() throws {
        // The first command the README opens with is among them.
        #expect(try Self.examples().count >= 10)
        #expect(try Self.examples().contains { $0.arguments == ["recommend", "Fixtures/projects/node-napi-rs"] })
    }

    @Test(arguments: try ReadmeExampleTests.examples())
    func printsWhatTheReadmeShows(_ example: Example) throws {
        if let missing = example.arguments.first(where: { $0.hasPrefix("/") && !FileManager.default.fileExists(atPath: $0) }) {
            print("README.md:\(example.line): not run here: \(missing) does not exist on this machine")
            return
        }
        // The cache (where the built-in catalog is materialised once) is the other CLI tests'.
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            key == "BASEFIT_CACHE_DIR" || !(key.hasPrefix("BASEFIT_") || key.hasPrefix("PIP_") || key.lowercased().hasSuffix("_proxy"))
        }
        environment["BASEFIT_TODAY"] = Run.today
        let result = try Run.program(TestPaths.executable.path, example.arguments, currentDirectory: TestPaths.packageRoot, environment: environment)
        var printed = (result.stdout + result.stderr).components(separatedBy: "\n")
        while printed.last == "" { printed.removeLast() }
        let different = (0..<max(printed.count, example.expected.count)).first {
            $0 >= printed.count || $0 >= example.expected.count || printed[$0] != example.expected[$0]
        } ?? 0
        #expect(printed == example.expected, """
            README.md:\(example.line): first difference at output line \(different + 1)
            README shows:
            \(example.expected.joined(separator: "\n"))
            basefit prints (exit \(result.status)):
            \(printed.joined(separator: "\n"))
            """)
    }
}
