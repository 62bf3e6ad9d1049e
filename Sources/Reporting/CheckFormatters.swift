import Advisor
import ProjectScan

extension CheckResult {
    /// What was judged, in words: "6 ELF files" or "a pure Node.js project (120 packages)".
    var judged: String {
        let locked = profile.requirements.lockfiles.map {
            "the packages locked in \($0.paths.joined(separator: ", ")) (judged from the lockfile: they are not installed here)"
        }
        let count = profile.files.filter(\.isLoadable).count
        let installed: String?
        if count > 0 {
            installed = "\(count) ELF file\(count == 1 ? "" : "s")"
        } else if let node = profile.requirements.node, node.isInstalled {
            installed = "a pure Node.js project (\(node.installedPackages) installed packages, no native code)"
        } else if let python = profile.requirements.python, python.isInstalled {
            installed = "a pure Python project (no extension modules)"
        } else {
            installed = nil
        }
        // Installed files and a lockfile judged beside them (a Yarn Plug'n'Play checkout whose
        // platform packages the lockfile decides, a Node app beside a requirements file).
        switch (installed, locked) {
        case (let installed?, let locked?): return installed + " and " + locked
        case (let installed?, nil): return installed
        case (nil, let locked?): return locked
        case (nil, nil): return "no ELF file"
        }
    }

    /// "1 item that may hold native code" (could not be judged).
    var unjudgedCount: String { UnjudgedFile.counted(unjudged.count) }
}

/// `basefit check --format text`.
public enum CheckTextFormatter {
    public static func format(_ result: CheckResult) -> String {
        let verdict = result.verdict
        var lines: [String] = []
        if verdict.compatible && result.outcome == .inconclusive {
            lines.append("inconclusive: \(verdict.image.reference) (\(result.source)) loads \(result.judged) for \(verdict.architecture), "
                         + "but \(result.unjudgedCount) could not be judged")
        } else if verdict.compatible {
            let allowed = result.unjudged.isEmpty ? "" : " (not judged, allowed by --allow-unjudged: \(result.unjudgedCount))"
            lines.append("compatible: \(verdict.image.reference) (\(result.source)) loads \(result.judged) for \(verdict.architecture)\(allowed)")
        } else {
            let head = result.outcome == .inconclusive ? "inconclusive: compatible after installs"
                : result.judgedFilesPass ? "compatible after installs" : "incompatible"
            lines.append("\(head): \(verdict.image.reference) (\(result.source)) — \(verdict.problems.count) problem\(verdict.problems.count == 1 ? "" : "s")\(verdict.fixable ? ", all fixable by installs" : "")")
            for problem in verdict.problems.sorted(by: { ($0.kind.rawValue, $0.artifact ?? "") < ($1.kind.rawValue, $1.artifact ?? "") }) {
                lines.append("  [\(problem.kind.rawValue)] \(problem.message)")
                if let install = problem.fix?.install {
                    lines.append("    fix: \(install.command)\(install.bytes.map { " (+\(megabytes($0)))" } ?? "")")
                } else if let advice = problem.fix?.advice {
                    lines.append("    fix: \(advice)")
                }
            }
        }
        for command in verdict.installCommands where !verdict.compatible {
            let size = verdict.installBytes.map { " (adds \(megabytes($0)) with every dependency)" } ?? ""
            lines.append("install: RUN \(command)\(size)")
        }
        for file in result.unjudged { lines.append("not judged: \(file.path): \(file.reason)") }
        if result.outcome == .inconclusive {
            lines.append("  (fix or remove them, or judge without them with --allow-unjudged)")
        }
        for note in result.notes + verdict.notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `basefit check --format json` (keys per the README's contract: compatible, image, problems[]).
public enum CheckJSONFormatter {
    public static func format(_ result: CheckResult) -> String {
        var members: [(String, JSONValue)] = [
            ("schemaVersion", .int(OutputSchema.version)),
            ("command", .string("check")),
            // Never true on an incomplete judgement: a reader of this key alone fails closed.
            ("compatible", .bool(result.verdict.compatible && result.conclusive)),
            ("passes", .bool(result.passes)),
            ("conclusive", .bool(result.conclusive)),
            ("unjudged", JSONValue(encoding: result.unjudged)),
            ("image", .string(result.verdict.image.reference)),
            ("source", .string(result.source)),
            ("resolvedFrom", .optional(result.requested)),
            ("judged", .string(result.judged)),
            ("requirementsDigest", .string(result.profile.requirements.digest)),
        ]
        if case .object(let verdict) = VerdictJSON.verdict(result.verdict) {
            members += verdict.filter { !["image", "compatible"].contains($0.0) }
        }
        if case .object(var verdict) = VerdictJSON.verdict(result.verdict), let index = verdict.firstIndex(where: { $0.0 == "notes" }) {
            verdict[index].1 = .strings(result.notes + result.verdict.notes)
            members.removeAll { $0.0 == "notes" }
            members.append(("notes", verdict[index].1))
        }
        members.append(("requirements", ScanJSONFormatter.requirements(result.profile.requirements)))
        return JSONValue.object(members).rendered()
    }
}

/// `basefit check --format markdown`.
public enum CheckMarkdownFormatter {
    public static func format(_ result: CheckResult) -> String {
        let verdict = result.verdict
        let state = result.outcome == .inconclusive ? "inconclusive ⚠️" : verdict.compatible ? "compatible ✅" : "incompatible ❌"
        var lines = ["### basefit check: `\(verdict.image.reference)` — \(state)", ""]
        if !verdict.problems.isEmpty {
            lines += ["| kind | artifact | problem | fix |", "|---|---|---|---|"]
            for problem in verdict.problems {
                let fix = problem.fix?.install?.command ?? problem.fix?.advice ?? ""
                lines.append("| \(problem.kind.rawValue) | `\(problem.artifact ?? "-")` | \(RecommendMarkdownFormatter.escape(problem.message)) | \(RecommendMarkdownFormatter.escape(fix)) |")
            }
        }
        if !result.unjudged.isEmpty {
            if lines.last != "" { lines.append("") }
            lines += ["Not judged\(result.conclusive ? " (allowed by `--allow-unjudged`)" : ""):", ""]
            for file in result.unjudged {
                lines.append("- `\(file.path)`: \(RecommendMarkdownFormatter.escape(file.reason))")
            }
        }
        for note in result.notes + verdict.notes { lines += ["", "> note: \(RecommendMarkdownFormatter.escape(note))"] }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `basefit check --format github`: workflow commands that annotate the run.
public enum CheckGitHubFormatter {
    public static func format(_ result: CheckResult) -> String {
        let verdict = result.verdict
        // Files not judged: errors while they make the check inconclusive, warnings once allowed.
        let unjudged = result.unjudged.map { file in
            "::\(result.conclusive ? "warning" : "error") file=\(escapeProperty(CheckSARIFFormatter.fileOnDisk(file.path))),"
                + "title=\(escapeProperty("basefit not judged"))::\(escape("\(file.path): \(file.reason)"))\n"
        }.joined()
        guard !verdict.compatible else {
            let head = result.conclusive
                ? "::notice title=basefit::\(escape("\(verdict.image.reference) is compatible (\(result.judged))"))\n"
                : "::error title=basefit::\(escape("\(verdict.image.reference) loads \(result.judged), but \(result.unjudgedCount) could not be judged: inconclusive"))\n"
            return head + unjudged + notes(result)
        }
        return verdict.problems.map { problem in
            var properties = ["title=\(escapeProperty("basefit \(problem.kind.rawValue)"))"]
            if let file = result.dockerfile {
                properties.insert("file=\(escapeProperty(file))", at: 0)
                if let line = result.dockerfileLine { properties.insert("line=\(line)", at: 1) }
            } else if let artifact = problem.artifact.map(CheckSARIFFormatter.fileOnDisk) {
                properties.insert("file=\(escapeProperty(artifact))", at: 0)
            }
            let fix = problem.fix?.install?.command ?? problem.fix?.advice
            let affected = problem.artifacts.count > 1 ? " — affects: \(problem.artifacts.joined(separator: ", "))" : ""
            return "::error \(properties.joined(separator: ","))::\(escape(problem.message + (fix.map { " — fix: \($0)" } ?? "") + affected))"
        }.joined(separator: "\n") + "\n" + unjudged + notes(result)
    }

    /// Resolution notes and the verdict's notes (end of life, floating tag) as warnings.
    static func notes(_ result: CheckResult) -> String {
        (result.notes + result.verdict.notes).map { "::warning title=basefit::\(escape($0))\n" }.joined()
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
        let unjudgedRule = JSONValue.object([
            ("id", .string(unjudgedRuleID)),
            ("shortDescription", .object([("text", .string("A file, wheel member or lockfile line that may hold native code could not be judged"))])),
        ])
        let unjudged = result.unjudged.map { file -> JSONValue in
            .object([
                ("ruleId", .string(unjudgedRuleID)),
                ("level", .string(result.conclusive ? "warning" : "error")),
                ("message", .object([("text", .string("\(file.path): \(file.reason)"))])),
                ("locations", .array([.object([("physicalLocation", .object([
                    ("artifactLocation", .object([("uri", .string(fileOnDisk(file.path)))])),
                ]))])])),
                ("properties", .object([("image", .string(result.verdict.image.reference)), ("artifact", .string(file.path))])),
            ])
        }
        let results = result.verdict.problems.map { problem -> JSONValue in
            var locations: [JSONValue] = []
            if let dockerfile = result.dockerfile {
                var physical: [(String, JSONValue)] = [("artifactLocation", .object([("uri", .string(dockerfile))]))]
                if let line = result.dockerfileLine { physical.append(("region", .object([("startLine", .int(line))]))) }
                locations.append(.object([("physicalLocation", .object(physical))]))
            }
            var seen = Set<String>()
            for artifact in problem.artifacts where seen.insert(fileOnDisk(artifact)).inserted {
                locations.append(.object([("physicalLocation", .object([("artifactLocation", .object([("uri", .string(fileOnDisk(artifact)))]))]))]))
            }
            if locations.isEmpty {
                locations.append(.object([("physicalLocation", .object([("artifactLocation", .object([("uri", .string(result.verdict.image.reference))]))]))]))
            }
            return .object([
                ("ruleId", .string(problem.kind.rawValue)),
                ("level", .string("error")),
                ("message", .object([("text", .string(problem.message + (problem.fix?.install.map { " Fix: \($0.command)" } ?? problem.fix?.advice.map { " Fix: \($0)" } ?? "")))])),
                ("locations", .array(locations)),
                ("properties", .object([
                    ("image", .string(result.verdict.image.reference)),
                    ("artifact", .optional(problem.artifact)),
                    ("artifacts", .strings(problem.artifacts)),
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
                    ("rules", .array(rules + [unjudgedRule])),
                ]))])),
                ("results", .array(results + unjudged)),
                ("properties", .object([
                    ("image", .string(result.verdict.image.reference)),
                    ("notes", .strings(result.notes + result.verdict.notes)),
                ])),
            ])])),
        ]).rendered()
    }

    /// The rule of a file that could not be judged (not a `Problem.Kind`: it is no verdict on the image).
    static let unjudgedRuleID = "unjudged"

    /// The file on disk an artifact lives in (`x.whl!/a.so` → `x.whl`).
    static func fileOnDisk(_ artifact: String) -> String {
        artifact.range(of: "!/").map { String(artifact[..<$0.lowerBound]) } ?? artifact
    }

    static func description(_ kind: Problem.Kind) -> String {
        switch kind {
        case .architecture: return "The image is not published for the project's architecture"
        case .libcConflict: return "The project needs both glibc and musl"
        case .libcMismatch: return "The image has the other libc"
        case .noLibc: return "The image has no libc or dynamic loader"
        case .glibcTooOld: return "The image's glibc is older than a file needs"
        case .versionTooOld: return "A library the file loads (from the image or the project) is older than it needs"
        case .unusableLibrary: return "The loader finds a file of the project under a library's name that it cannot load"
        case .noShell: return "The Dockerfile runs commands in a stage whose image has no shell"
        case .missingPackageManager: return "The Dockerfile calls a package manager the image does not have"
        case .entrypointConflict: return "The Dockerfile's CMD names the runtime the image's ENTRYPOINT already runs"
        case .missingLibrary: return "A needed shared library is not in the image"
        case .runtimeMissing: return "The image carries no matching runtime"
        case .runtimeMismatch: return "The image's runtime version does not match an addon or extension"
        case .libnodeAddon: return "An addon was built for a distribution's shared libnode"
        case .nodeAPIMissing: return "An addon calls Node-API functions the image's Node does not export"
        case .missingFile: return "A program reads a system file (CA certificates, tzdata, passwd) the image lacks"
        case .lockedNoBuild: return "A locked package has no build for the image"
        case .lockedBuildsFromSource: return "A locked package compiles from source on the image"
        case .muslTooOld: return "A file calls a function the image's musl is too old to have"
        case .executableStack: return "A library asks for an executable stack, which the image's glibc refuses to dlopen"
        case .interpreterMissing: return "A program names a loader at a path the image does not have"
        case .glibcPrivate: return "A file needs glibc's internal interface, which only the glibc it was built with has"
        }
    }
}
