import Dispatch
import ELFInspection

/// Walks the inputs, inspects every ELF file, and aggregates the requirements.
public struct Scanner: Sendable {
    public var inspection: InspectionOptions

    public init(inspection: InspectionOptions = .init()) {
        self.inspection = inspection
    }

    /// Scans the paths in order. Throws only when a path itself is missing or
    /// unusable; unreadable or malformed files become warnings.
    public func scan(_ paths: [String]) throws(ScanError) -> ScanReport {
        var walker = TreeWalker()
        for path in paths {
            try walker.walk(root: path)
        }
        let files = walker.files
        let results = inspectAll(files)
        var artifacts: [Artifact] = []
        var warnings = walker.warnings
        var examined = 0
        for (file, result) in zip(files, results) {
            switch result {
            case .success(let facts):
                examined += 1
                artifacts.append(Artifact(path: file.displayPath, facts: facts))
            case .failure(let error):
                switch error.kind {
                case .notELF:
                    examined += 1
                case .malformed, .unsupported:
                    examined += 1
                    warnings.append(ScanWarning(path: file.displayPath, message: Self.message(for: error)))
                case .unreadable:
                    warnings.append(ScanWarning(path: file.displayPath, message: "cannot read: \(error.detail)"))
                }
            }
        }
        artifacts.sort { $0.path < $1.path }
        return ScanReport(artifacts: artifacts, warnings: warnings, filesExamined: examined,
                          aliases: walker.aliases, requirements: Requirements(artifacts: artifacts))
    }

    private static func message(for error: ELFError) -> String {
        let what = error.kind == .unsupported ? "unsupported ELF" : "malformed ELF"
        if let location = error.location { return "\(what): \(location): \(error.detail)" }
        return "\(what): \(error.detail)"
    }

    /// Inspects files on all cores; results come back in input order.
    private func inspectAll(_ files: [FoundFile]) -> [Result<BinaryFacts, ELFError>] {
        let slots = ResultSlots(count: files.count)
        let options = inspection
        let chunk = 64
        let chunks = (files.count + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { chunkIndex in
            let start = chunkIndex * chunk
            for index in start..<min(start + chunk, files.count) {
                var result = Result<BinaryFacts, ELFError> { () throws(ELFError) in
                    try ELFInspector.inspect(path: files[index].fileSystemPath, options: options)
                }
                if case .failure(var located) = result {
                    located.path = files[index].displayPath
                    result = .failure(located)
                }
                slots.store(result, at: index)
            }
        }
        return slots.values()
    }
}

/// Fixed slots written by exactly one worker each, read after all workers finish.
/// Raw memory, so concurrent writes to different slots need no exclusive access.
private final class ResultSlots: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Result<BinaryFacts, ELFError>?>
    private let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: max(count, 1))
        storage.initialize(repeating: nil, count: count)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    func store(_ value: Result<BinaryFacts, ELFError>, at index: Int) {
        storage[index] = value
    }

    func values() -> [Result<BinaryFacts, ELFError>] { (0..<count).map { storage[$0]! } }
}
