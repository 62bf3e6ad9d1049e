import ELFInspection
import Foundation
import Testing
import TestSupport

/// `inspect(lending:)` reads the caller's memory in place (the wheel reader lends each
/// inflated member instead of having it copied): the same facts, and the same errors, as
/// the copying `inspect(bytes:)` on every fixture, every corrupted copy and prefixes of a
/// real file.
struct LendingTests {
    static func lent(_ bytes: [UInt8], path: String) -> Result<BinaryFacts, ELFError> {
        var scratch = bytes
        return scratch.withUnsafeMutableBytes { memory in
            Result { () throws(ELFError) in try ELFInspector.inspect(lending: memory, path: path) }
        }
    }

    static func copied(_ bytes: [UInt8], path: String) -> Result<BinaryFacts, ELFError> {
        Result { () throws(ELFError) in try ELFInspector.inspect(bytes: bytes, path: path) }
    }

    @Test(arguments: TestPaths.elfFixtures)
    func fixturesGiveTheSameFacts(_ name: String) throws {
        let path = TestPaths.elf(name)
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        let lent = Self.lent(bytes, path: path)
        #expect(lent == Self.copied(bytes, path: path))
        #expect(try lent.get() == ELFInspector.inspect(path: path))
    }

    @Test func malformedCopiesGiveTheSameResults() {
        let cases = MalformedELF.cases(elfDirectory: TestPaths.elf.path)
        #expect(cases.count >= 30)
        for testCase in cases {
            #expect(Self.lent(testCase.bytes, path: testCase.name) == Self.copied(testCase.bytes, path: testCase.name), "\(testCase.name)")
        }
    }

    @Test func prefixesGiveTheSameResults() throws {
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: TestPaths.elf("hello-glibc"))))
        for length in [0, 3, 4, 15, 16, 40, 63, 64, 100, 1000, 5000, bytes.count / 2, bytes.count - 1] {
            let prefix = Array(bytes.prefix(length))
            #expect(Self.lent(prefix, path: "prefix") == Self.copied(prefix, path: "prefix"), "\(length) bytes")
        }
    }
}
