import ELFInspection
import Foundation
import ProjectScan

/// The ELF facts of remote wheels, kept by the wheel's sha256 (the index's hash of the
/// file), so a wheel is fetched at most once: `$XDG_CACHE_HOME/basefit/wheel-facts/<sha256>.json`
/// (`~/.cache/…` without XDG_CACHE_HOME).
public struct WheelFactsCache: Sendable {
    public var directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> WheelFactsCache {
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        return WheelFactsCache(directory: base + "/basefit/wheel-facts")
    }

    struct Entry: Codable {
        var member: String
        var facts: BinaryFacts
    }

    struct File: Codable {
        /// 2: member failures moved from `warnings` to `unjudged`; 3: facts say whether a
        /// member asks for an executable stack; 4: which functions of a newer musl a member
        /// calls; 5: which Node-API functions an addon calls; 6: which of the wheel's libraries
        /// a member loads itself or lists in its DT_RPATH directories, and whether it has a
        /// DT_RUNPATH. Files of an older schema are read again from the index, so none is judged
        /// without them.
        var schema = File.currentSchema
        var members: [Entry]
        var warnings: [String]
        var unjudged: [String]
        static let currentSchema = 6
    }

    /// A key: a wheel's sha256 (its bytes were checked), or that sha256, `-`, and 16 hex
    /// digits of the URL it was read from by ranges (`RemoteWheel`).
    static func valid(_ sha256: String) -> Bool {
        let parts = sha256.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts[0].count == 64, parts.count == 1 || parts[1].count == 16 else { return false }
        return parts.allSatisfy { $0.allSatisfy { $0.isHexDigit && !$0.isUppercase } }
    }

    /// The cached artifacts of the wheel with this hash, named under `displayPath`.
    public func load(sha256: String, displayPath: String) -> (artifacts: [Artifact], warnings: [String], unjudged: [String])? {
        guard Self.valid(sha256), let data = FileManager.default.contents(atPath: directory + "/\(sha256).json"),
              let file = try? JSONDecoder().decode(File.self, from: data), file.schema == File.currentSchema else { return nil }
        return (file.members.map { Artifact(path: displayPath + "!/" + $0.member, facts: $0.facts) }, file.warnings, file.unjudged)
    }

    public func store(sha256: String, artifacts: [Artifact], warnings: [String], unjudged: [String]) {
        guard Self.valid(sha256) else { return }
        let members = artifacts.map { Entry(member: $0.path.components(separatedBy: "!/").dropFirst().joined(separator: "!/"), facts: $0.facts) }
        guard let data = try? JSONEncoder().encode(File(members: members, warnings: warnings, unjudged: unjudged)) else { return }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = directory + "/.\(sha256).\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else { return }
        if rename(temporary, directory + "/\(sha256).json") != 0 { try? FileManager.default.removeItem(atPath: temporary) }
    }
}
