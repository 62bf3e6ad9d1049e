import ELFInspection
import Foundation
import Testing
import TestSupport

/// Corrupted copies of real fixtures (see `MalformedELF`): each must give its
/// expected error or facts, from memory and from disk alike, quickly and without
/// a crash. The fuzz crashes found so far are replayed from Fixtures/hostile/fuzz.
struct MalformedELFTests {
    static let cases = MalformedELF.cases(elfDirectory: TestPaths.elf.path)

    @Test(arguments: cases.map(\.name))
    func malformedFileGivesItsExpectedResult(_ name: String) throws {
        let testCase = try #require(Self.cases.first { $0.name == name })
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-malformed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(name).path
        #expect(FileManager.default.createFile(atPath: file, contents: Data(testCase.bytes)))

        let started = ContinuousClock.now
        let fromDisk = Result { () throws(ELFError) in try ELFInspector.inspect(path: file) }
        let fromMemory = Result { () throws(ELFError) in try ELFInspector.inspect(bytes: testCase.bytes, path: file) }
        #expect(ContinuousClock.now - started < .seconds(2), "a malformed file must not take long")

        for result in [fromDisk, fromMemory] {
            switch (testCase.expectation, result) {
            case (.malformed(let text), .failure(let error)):
                #expect(error.kind == .malformed || error.kind == .notELF, "\(error)")
                #expect(error.path == file)
                #expect(!error.detail.isEmpty)
                #expect(text.isEmpty || error.description.contains(text), "\(error.description) should mention \(text)")
            case (.facts(let needed, let glibc), .success(let facts)):
                if let needed { #expect(facts.needed.contains(needed)) }
                if let glibc { #expect(facts.minimum["GLIBC"]?.versionName == glibc, "\(facts.minimum)") }
            default:
                Issue.record("\(name): expected \(testCase.expectation), got \(result)")
            }
        }
        // Disk and memory readers agree.
        switch (fromDisk, fromMemory) {
        case (.success(let a), .success(let b)): #expect(a == b)
        case (.failure(let a), .failure(let b)): #expect(a == b)
        default: Issue.record("\(name): disk gave \(fromDisk), memory \(fromMemory)")
        }
    }

    @Test func sharedVersionChainsStopAtTheEntryBudget() throws {
        let testCase = try #require(Self.cases.first { $0.name == "verneed-shared-chains" })
        #expect(throws: ELFError.self) { try ELFInspector.inspect(bytes: testCase.bytes, path: "bomb.so") }
        do {
            _ = try ELFInspector.inspect(bytes: testCase.bytes, path: "bomb.so")
        } catch {
            #expect(error.description.contains("\(ELFLimits.versionEntriesPerSection)"))
        }
    }

    /// Tables longer than the documented limits are refused by name, not read in part:
    /// a DT_NEEDED or a versioned symbol past the limit would otherwise be lost.
    @Test func tablesOverTheirLimitsAreRefused() throws {
        let symbols = MalformedELF.withOversizedSection(elfDirectory: TestPaths.elf.path, type: 11,
                                                        entries: ELFLimits.symbols + 1, entrySize: 24)
        let started = ContinuousClock.now
        #expect {
            try ELFInspector.inspect(bytes: symbols, path: "many-symbols.so")
        } throws: { error in
            "\(error)".contains(".dynsym: \(ELFLimits.symbols + 1) symbols exceed the limit of \(ELFLimits.symbols)")
        }
        let dynamic = MalformedELF.withOversizedSection(elfDirectory: TestPaths.elf.path, type: 6,
                                                        entries: ELFLimits.dynamicEntries + 1, entrySize: 16)
        // Zero-filled entries are DT_NULL: make them DT_DEBUG (21) so no DT_NULL comes within the limit.
        var patched = dynamic
        for at in stride(from: patched.count - (ELFLimits.dynamicEntries + 1) * 16, to: patched.count, by: 16) { patched[at] = 21 }
        #expect {
            try ELFInspector.inspect(bytes: patched, path: "long-dynamic.so")
        } throws: { error in
            "\(error)".contains("no DT_NULL among the first \(ELFLimits.dynamicEntries) entries")
        }
        // The same table with a DT_NULL inside the limit is fine.
        #expect(throws: Never.self) { try ELFInspector.inspect(bytes: dynamic, path: "null-dynamic.so") }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    /// A 2 GiB sparse file whose first bytes are a real library: only the tables
    /// basefit needs are read, so it is as fast as the library itself.
    @Test func sparseTwoGigabyteFileIsNotReadWhole() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-sparse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("huge.so").path
        let library = try #require(FileManager.default.contents(atPath: TestPaths.elf("napi-addon.node")))
        #expect(FileManager.default.createFile(atPath: path, contents: library))
        #expect(truncate(path, 2 << 30) == 0)

        let started = ContinuousClock.now
        let facts = try ELFInspector.inspect(path: path)
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(facts.needed.contains("libstdc++.so.6"))
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #expect(usage.ru_maxrss < 1_000_000, "peak RSS \(usage.ru_maxrss) KB: the file must not have been read whole")
    }

    /// Inputs that crashed the fuzzer (Fixtures/hostile/fuzz); each is now an error or facts.
    @Test(arguments: try FileManager.default.contentsOfDirectory(atPath: TestPaths.fixtures.appendingPathComponent("hostile/fuzz").path)
        .filter { $0.hasPrefix("elf-") }.sorted())
    func fuzzCrashReplays(_ name: String) throws {
        let path = TestPaths.fixtures.appendingPathComponent("hostile/fuzz/\(name)").path
        let bytes = try #require(FileManager.default.contents(atPath: path))
        do {
            _ = try ELFInspector.inspect(bytes: Array(bytes), path: path)
        } catch {
            #expect(error.path == path && !error.detail.isEmpty)
        }
        do {
            _ = try ELFInspector.inspect(path: path)
        } catch {
            #expect(error.path == path && !error.detail.isEmpty)
        }
    }
}
