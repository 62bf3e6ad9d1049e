import Advisor
import ImageCatalog

/// JSON pieces shared by `check` and `recommend`.
enum VerdictJSON {
    static func problem(_ problem: Problem) -> JSONValue {
        .object([
            ("kind", .string(problem.kind.rawValue)),
            ("artifact", .optional(problem.artifact)),
            ("artifacts", .strings(problem.artifacts)),
            ("library", .optional(problem.library)),
            ("version", .optional(problem.version)),
            ("symbols", .strings(problem.symbols)),
            ("message", .string(problem.message)),
            ("fixable", .bool(problem.isFixable)),
            ("fix", problem.fix.map(fix) ?? .null),
        ])
    }

    static func fix(_ fix: Fix) -> JSONValue {
        .object([
            ("install", fix.install.map(install) ?? .null),
            ("advice", .optional(fix.advice)),
        ])
    }

    static func install(_ install: Fix.Install) -> JSONValue {
        .object([
            ("manager", .string(install.manager.rawValue)),
            ("package", .string(install.package)),
            ("command", .string(install.command)),
            ("bytes", install.bytes.map { .int(Int($0)) } ?? .null),
            ("estimate", .bool(install.estimate)),
        ])
    }

    static func status(_ status: Image.Status) -> String {
        switch status {
        case .maintained: return "maintained"
        case .endOfLife: return "end-of-life"
        case .discontinued: return "discontinued"
        }
    }

    static func verdict(_ verdict: Verdict) -> JSONValue {
        // What this image alone leaves unjudged (`--runtime none` with no Python line known):
        // not compatible, and listed (only then, so other output is unchanged).
        let unjudged: [(String, JSONValue)] = verdict.unjudged.isEmpty ? [] : [("unjudged", JSONValue(encoding: verdict.unjudged))]
        return .object([
            ("image", .string(verdict.image.reference)),
            ("compatible", .bool(verdict.judgedCompatible)),
            ("fixable", .bool(verdict.fixable)),
            ("architecture", .string(verdict.architecture.description)),
            ("compressedBytes", verdict.compressedBytes.map { .int(Int($0)) } ?? .null),
            ("sizeEstimate", .bool(verdict.image.size(for: verdict.architecture)?.estimate ?? true)),
            ("status", .string(status(verdict.status))),
            ("installBytes", verdict.installBytes.map { .int(Int($0)) } ?? .null),
            ("libc", .string(verdict.image.libcFamily.rawValue)),
            ("libcVersion", .optional(verdict.image.libcVersion?.description)),
            ("problems", .array(verdict.problems.map(problem))),
            ("fixes", .array(verdict.installs.map(install))),
            ("installCommands", .strings(verdict.installCommands)),
            ("installPackages", .strings(verdict.installPlan?.packages ?? [])),
            ("installClosure", .strings(verdict.installPlan?.closure ?? [])),
            ("notes", .strings(verdict.notes)),
        ] + unjudged)
    }
}

/// Human sizes: 79.9 MB (decimal megabytes, as registries report).
func megabytes(_ bytes: Int64?) -> String {
    guard let bytes else { return "size unknown" }
    let tenths = (bytes + 50_000) / 100_000
    return "\(tenths / 10).\(tenths % 10) MB"
}
