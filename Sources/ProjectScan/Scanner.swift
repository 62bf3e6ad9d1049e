import Dispatch
import ELFInspection
import Foundation

/// Walks the inputs, inspects every ELF file (and every ELF member of every wheel),
/// resolves bundled libraries, attributes files to npm/PyPI packages, and
/// aggregates the requirements. The order of the passes matters where noted.
public struct Scanner: Sendable {
    /// Called from worker threads as files are inspected: (files done, ELF found, files in
    /// total — 0 while the walk is still finding files).
    public typealias Progress = @Sendable (_ done: Int, _ elf: Int, _ total: Int) -> Void

    public var progress: Progress?

    public init(progress: Progress? = nil) {
        self.progress = progress
    }

    /// Scans the paths in order. Throws only when a path itself is missing or
    /// unusable; unreadable or malformed files become warnings.
    public func scan(_ paths: [String]) throws(ScanError) -> ScanReport {
        // 1. Walk and inspect on all cores; wheels are then read member by member in memory.
        var walk = try TreeWalker.walk(paths, progress: progress)
        // Yarn Plug'n'Play: the packages that stay in Yarn's cache zips (their manifests and members).
        let pnp = YarnPnPInstall.read(walk.manifests, roots: paths)
        walk.merge(pnp.found)
        var artifacts = walk.artifacts
        var warnings = walk.warnings
        // A Git LFS pointer named as a native library is one that was never fetched: whatever
        // loads it (a NEEDED entry, require, import, dlopen) fails, and what it holds is unknown.
        warnings += walk.lfsPointers.sorted().map { path in
            ScanWarning(path: path, message: "a Git LFS pointer, not the library: the checkout did not fetch Git LFS files "
                            + "(git lfs pull; actions/checkout with lfs: true)", effect: .unjudged)
        }
        var wheels: [WheelSummary] = []
        for (file, outcome) in zip(walk.wheels, inspectWheels(walk.wheels)) {
            switch outcome {
            case .wheel(let summary, let members, let messages, let unjudged):
                artifacts += members
                warnings += messages.map { ScanWarning(path: file.displayPath, message: $0) }
                warnings += unjudged.map { ScanWarning(path: file.displayPath, message: $0, effect: .unjudged) }
                wheels.append(summary)
            case .failed(let error):
                warnings.append(ScanWarning(path: file.displayPath, message: "unreadable wheel: \(error.detail)", effect: .unjudged))
            }
        }
        progress?(walk.examined, artifacts.count, walk.examined)
        artifacts.sort { $0.path < $1.path }
        warnings += artifacts.compactMap { artifact in
            guard let module = ModuleFile.kind(of: artifact.path), let message = module.message(for: artifact.facts) else { return nil }
            return ScanWarning(path: artifact.path, message: message, effect: .unjudged)
        }
        walk.artifacts = []

        // 2. Bundled libraries: needs the whole set of artifacts and the links among them.
        let probe = ProjectEntryProbe(scanned: paths)
        let resolutions = LibraryResolver(artifacts: artifacts, aliases: walk.aliases, probe: probe.entry(at:), listing: probe.libraryNames(in:)).resolve()
        for index in artifacts.indices { artifacts[index].apply(resolutions[index]) }

        // 3. Ecosystems: npm first, then PyPI (a wheel's members are PyPI's even inside node_modules).
        var node = NodeProjectAnalyzer(files: walk.manifests, roots: paths)
        node.analyze(&artifacts)
        var python = PythonProjectAnalyzer(files: walk.manifests)
        python.analyze(&artifacts, wheels: wheels)
        let foreign = node.warnings(for: walk.foreignBuilds, artifacts: artifacts)
        // 4. What a runtime's process loads: needs the addons and extension modules named above.
        HostedFiles.mark(&artifacts)
        warnings += node.warnings + python.warnings + foreign

        let loader = artifacts.flatMap { artifact in
            artifact.libraryFailures.map { failure in
                Finding(kind: .projectLibraryRefused, path: artifact.path, message: failure.message(for: nil), fix: failure.advice)
            }
        }
        var nodeRuntime = node.runtime
        nodeRuntime.lockfilesDecidingPlatformPackages = pnp.lockfilesDecidingPlatformPackages
        let findings = (node.findings + python.findings + loader).sorted { ($0.path, $0.kind.rawValue) < ($1.path, $1.kind.rawValue) }
        wheels.sort { $0.path < $1.path }
        return ScanReport(
            artifacts: artifacts, warnings: warnings, filesExamined: walk.examined, aliases: walk.aliases,
            findings: findings, wheels: wheels,
            requirements: Requirements(artifacts: artifacts, node: nodeRuntime, python: python.runtime, hints: findings,
                                       unjudged: warnings.compactMap(\.unjudgedFile)))
    }

    static func message(for error: ELFError) -> String {
        let what = error.kind == .unsupported ? "unsupported ELF" : "malformed ELF"
        if let location = error.location { return "\(what): \(location): \(error.detail)" }
        return "\(what): \(error.detail)"
    }

    enum Outcome: Sendable {
        /// The wheel, its ELF members, warnings that leave nothing out, and members not judged.
        case wheel(WheelSummary, [Artifact], [String], unjudged: [String])
        case failed(ELFError)
    }

    /// Reads wheels on all cores; results come back in input order.
    private func inspectWheels(_ files: [FoundFile]) -> [Outcome] {
        let slots = Slots<Outcome>(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { index in  // one wheel per iteration
            slots.store(Self.inspectWheel(files[index]), at: index)
        }
        return slots.values().map { $0! }
    }

    /// Reads one wheel as `scan` does: its summary, its ELF members as artifacts named
    /// `path!/member`, warnings about its members, and the members it could not judge.
    /// `fileSystemPath` is opened, `path` is how messages name it.
    public static func inspectWheel(
        fileSystemPath: String, path: String
    ) throws(ELFError) -> (summary: WheelSummary, artifacts: [Artifact], warnings: [String], unjudged: [String]) {
        switch inspectWheel(FoundFile(displayPath: path, fileSystemPath: fileSystemPath)) {
        case .wheel(let summary, let artifacts, let warnings, let unjudged): return (summary, artifacts, warnings, unjudged)
        case .failed(let error): throw error
        }
    }

    /// Each ELF member is inspected as soon as it is inflated and its bytes dropped,
    /// so a wheel never costs more memory than its largest member.
    private static func inspectWheel(_ file: FoundFile) -> Outcome {
        let contents: WheelContents
        var artifacts: [Artifact] = []
        var memberMessages: [String] = []
        do throws(WheelReader.ReadError) {
            let read = try WheelReader.read(fileSystemPath: file.fileSystemPath, wheel: file.displayPath)
            contents = read.contents
            for result in read.results {
                switch result {
                case .success(let artifact): artifacts.append(artifact)
                case .failure(let error): memberMessages.append(error.detail)
                }
            }
        } catch {
            switch error {
            case .unreadable(let detail):
                return .failed(ELFError(.malformed, path: file.displayPath, location: "wheel", detail: detail))
            }
        }
        let summary = WheelSummary(path: file.displayPath, name: WheelName(fileName: PathText.fileName(of: file.displayPath)),
                                   declaredTags: contents.declaredTags, elfMembers: artifacts.count,
                                   membersByTheirEnds: contents.partialMembers)
        return .wheel(summary, artifacts, contents.warnings, unjudged: contents.unjudged + memberMessages)
    }
}

/// Files done and ELF found so far, shared by the workers.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var files = 0
    private var elf = 0

    func add(files newFiles: Int, elf newELF: Int) -> (Int, Int) {
        lock.lock()
        defer { lock.unlock() }
        files += newFiles
        elf += newELF
        return (files, elf)
    }
}
