import Advisor
import ProjectScan

/// `basefit check --format text`.
public enum CheckTextFormatter {
    public static func format(_ result: CheckResult) -> String {
        let verdict = result.verdict
        var lines: [String] = []
        if verdict.compatible {
            lines.append("compatible: \(verdict.image.reference) (\(result.source)) loads all \(result.profile.artifacts.count) ELF files for \(verdict.architecture)")
        } else {
            lines.append("incompatible: \(verdict.image.reference) (\(result.source)) — \(verdict.problems.count) problem\(verdict.problems.count == 1 ? "" : "s")\(verdict.fixable ? ", all fixable by installs" : "")")
            for problem in verdict.problems.sorted(by: { ($0.kind.rawValue, $0.artifact ?? "") < ($1.kind.rawValue, $1.artifact ?? "") }) {
                lines.append("  [\(problem.kind.rawValue)] \(problem.message)")
                if let install = problem.fix?.install {
                    lines.append("    fix: \(install.command)\(install.bytes.map { " (+\(megabytes($0)))" } ?? "")")
                } else if let advice = problem.fix?.advice {
                    lines.append("    fix: \(advice)")
                }
            }
        }
        for note in verdict.notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `basefit check --format json` (keys per DESIGN.md: compatible, image, problems[]).
public enum CheckJSONFormatter {
    public static func format(_ result: CheckResult) -> String {
        var members: [(String, JSONValue)] = [
            ("schemaVersion", .int(ScanJSONFormatter.schemaVersion)),
            ("command", .string("check")),
            ("compatible", .bool(result.verdict.compatible)),
            ("image", .string(result.verdict.image.reference)),
            ("source", .string(result.source)),
        ]
        if case .object(let verdict) = VerdictJSON.verdict(result.verdict) {
            members += verdict.filter { !["image", "compatible"].contains($0.0) }
        }
        members.append(("requirements", ScanJSONFormatter.requirements(result.profile.requirements)))
        return JSONValue.object(members).rendered()
    }
}

/// `basefit check --format markdown`.
public enum CheckMarkdownFormatter {
    public static func format(_ result: CheckResult) -> String {
        let verdict = result.verdict
        var lines = ["### basefit check: `\(verdict.image.reference)` — \(verdict.compatible ? "compatible ✅" : "incompatible ❌")", ""]
        if !verdict.problems.isEmpty {
            lines += ["| kind | artifact | problem | fix |", "|---|---|---|---|"]
            for problem in verdict.problems {
                let fix = problem.fix?.install?.command ?? problem.fix?.advice ?? ""
                lines.append("| \(problem.kind.rawValue) | `\(problem.artifact ?? "-")` | \(RecommendMarkdownFormatter.escape(problem.message)) | \(RecommendMarkdownFormatter.escape(fix)) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `basefit check --format github`: workflow commands that annotate the run.
public enum CheckGitHubFormatter {
    public static func format(_ result: CheckResult) -> String {
        let verdict = result.verdict
        guard !verdict.compatible else {
            return "::notice title=basefit::\(escape("\(verdict.image.reference) is compatible (\(result.profile.artifacts.count) ELF files)"))\n"
        }
        return verdict.problems.map { problem in
            var properties = ["title=\(escapeProperty("basefit \(problem.kind.rawValue)"))"]
            if let file = result.dockerfile {
                properties.insert("file=\(escapeProperty(file))", at: 0)
                if let line = result.dockerfileLine { properties.insert("line=\(line)", at: 1) }
            }
            let fix = problem.fix?.install?.command ?? problem.fix?.advice
            return "::error \(properties.joined(separator: ","))::\(escape(problem.message + (fix.map { " — fix: \($0)" } ?? "")))"
        }.joined(separator: "\n") + "\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingAll("%", with: "%25").replacingAll("\r", with: "%0D").replacingAll("\n", with: "%0A")
    }

    static func escapeProperty(_ text: String) -> String {
        escape(text).replacingAll(":", with: "%3A").replacingAll(",", with: "%2C")
    }
}

/// `basefit check --format sarif`: SARIF 2.1.0 for code scanning.
public enum CheckSARIFFormatter {
    public static func format(_ result: CheckResult, toolVersion: String) -> String {
        let rules = Problem.Kind.allCases.map { kind in
            JSONValue.object([
                ("id", .string(kind.rawValue)),
                ("shortDescription", .object([("text", .string(description(kind)))])),
            ])
        }
        let results = result.verdict.problems.map { problem -> JSONValue in
            var location: [(String, JSONValue)] = []
            let uri = result.dockerfile ?? problem.artifact ?? result.verdict.image.reference
            var physical: [(String, JSONValue)] = [("artifactLocation", .object([("uri", .string(uri))]))]
            if result.dockerfile != nil, let line = result.dockerfileLine {
                physical.append(("region", .object([("startLine", .int(line))])))
            }
            location.append(("physicalLocation", .object(physical)))
            return .object([
                ("ruleId", .string(problem.kind.rawValue)),
                ("level", .string("error")),
                ("message", .object([("text", .string(problem.message + (problem.fix?.install.map { " Fix: \($0.command)" } ?? problem.fix?.advice.map { " Fix: \($0)" } ?? "")))])),
                ("locations", .array([.object(location)])),
                ("properties", .object([
                    ("image", .string(result.verdict.image.reference)),
                    ("artifact", .optional(problem.artifact)),
                    ("library", .optional(problem.library)),
                    ("version", .optional(problem.version)),
                ])),
            ])
        }
        return JSONValue.object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([.object([
                ("tool", .object([("driver", .object([
                    ("name", .string("basefit")),
                    ("version", .string(toolVersion)),
                    ("rules", .array(rules)),
                ]))])),
                ("results", .array(results)),
            ])])),
        ]).rendered()
    }

    static func description(_ kind: Problem.Kind) -> String {
        switch kind {
        case .architecture: return "The image is not published for the project's architecture"
        case .libcConflict: return "The project needs both glibc and musl"
        case .libcMismatch: return "The image has the other libc"
        case .noLibc: return "The image has no libc or dynamic loader"
        case .glibcTooOld: return "The image's glibc is older than a file needs"
        case .versionTooOld: return "A library in the image is older than a file needs"
        case .missingLibrary: return "A needed shared library is not in the image"
        case .runtimeMissing: return "The image carries no matching runtime"
        case .runtimeMismatch: return "The image's runtime version does not match an addon or extension"
        case .libnodeAddon: return "An addon was built for a distribution's shared libnode"
        }
    }
}
