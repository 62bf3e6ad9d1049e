import Foundation
import Network
import PackageIndexClient
import ProjectScan

/// Lockfiles as input: when the scanned paths hold no native code and nothing installed
/// (a fresh checkout), or a path names a lockfile, the lockfiles are read and Python pins
/// are looked up on the package index, so each candidate image can be judged before any install.
enum LockfileInput {
    static func attach(to requirements: Requirements, paths: [String], _ global: GlobalOptions, index: IndexOptions?) throws -> Requirements {
        let namesLockfile = paths.contains { LockedDependencies.isLockfileName(URL(fileURLWithPath: $0).lastPathComponent) }
        let installed = requirements.files.contains(where: \.isLoadable) || requirements.node?.isInstalled == true
            || requirements.python?.isInstalled == true
        guard namesLockfile || !installed else { return requirements }
        var locked = LockedDependencies.find(in: paths)
        guard !locked.isEmpty else {
            Output.warnings(locked.warnings.map { ScanWarning(path: "lockfile", message: $0) }, options: global)
            return requirements
        }
        let needsIndex = locked.python.contains { $0.pins.contains { $0.files == nil || $0.files?.isEmpty == true } }
        if !locked.python.isEmpty && index?.offline != true {
            let indexes = PackageIndexClient.indexes(
                indexURL: index?.indexURL, extraIndexURLs: index?.extraIndexURL ?? [],
                environment: ProcessInfo.processInfo.environment, lockfiles: locked.python)
            Output.verbose("lockfiles: \(locked.paths.joined(separator: ", ")); asking \(indexes.joined(separator: ", "))", options: global)
            let fetcher = HTTPFetcher()
            let client = PackageIndexClient(indexes: indexes, fetcher: fetcher)
            let copy = locked
            locked = try HTTPFetcher.blocking {
                var resolved = copy
                await client.resolve(&resolved)
                await fetcher.shutdown()
                return resolved
            }
        } else if needsIndex {
            locked.warnings.append("--offline: pins of requirements files are not judged (their files come from the index)")
        }
        Output.warnings(locked.warnings.map { ScanWarning(path: "lockfile", message: $0) }, options: global)
        // Fail closed: lockfiles of which nothing can be judged (an unreachable index, no pins)
        // are no evidence, and the caller says there is nothing to judge.
        guard locked.hasJudgeablePins else { return requirements }
        return Requirements(files: requirements.files, node: requirements.node, python: requirements.python,
                            hints: requirements.hints, lockfiles: locked)
    }
}
