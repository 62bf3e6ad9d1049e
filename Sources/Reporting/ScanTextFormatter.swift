import Domain
import ELFInspection
import ProjectScan

/// `basefit scan --format text`: one line per ELF file, then what the project needs.
public enum ScanTextFormatter {
    public static func format(_ report: ScanReport) -> String {
        var rows: [[String]] = [["PATH", "ARCH", "LIBC", "LINKAGE", "GLIBC", "GLIBCXX", "NEEDED"]]
        for artifact in report.artifacts {
            let facts = artifact.facts
            rows.append([
                artifact.path, facts.machine, facts.libc.rawValue, facts.linkage.rawValue,
                facts.minimum["GLIBC"]?.version.description ?? "-",
                facts.minimum["GLIBCXX"]?.version.description ?? "-",
                facts.needed.isEmpty ? "-" : facts.needed.map { name in
                    if artifact.libraryFailures.contains(where: { $0.library == name && !$0.reason.isVersion }) { return "\(name)(refused)" }
                    return artifact.bundled[name] != nil ? "\(name)(bundled)" : name
                }
                    .joined(separator: " "),
            ])
        }
        var output = ""
        let unjudged = report.requirements.unjudged.count
        let notJudged = unjudged == 0 ? "" : "; \(UnjudgedFile.counted(unjudged)) could not be judged (see the warnings)"
        if report.artifacts.isEmpty {
            output += "No ELF files among \(report.filesExamined) file\(report.filesExamined == 1 ? "" : "s") examined\(notJudged).\n"
        } else {
            output += table(rows)
            output += "\n"
            output += requirementsText(report.requirements)
            output += findingsText(report.findings)
            let byEnds = report.wheels.reduce(0) { $0 + $1.membersByTheirEnds }
            let ends = byEnds == 0 ? "" : ", \(byEnds) big member\(byEnds == 1 ? "" : "s") by \(byEnds == 1 ? "its" : "their") start and end"
            let wheels = report.wheels.isEmpty ? "" : " (\(report.wheels.count) wheel\(report.wheels.count == 1 ? "" : "s") read member by member\(ends))"
            output += "\(report.artifacts.count) ELF file\(report.artifacts.count == 1 ? "" : "s") in \(report.filesExamined) file\(report.filesExamined == 1 ? "" : "s") examined\(wheels)\(notJudged).\n"
        }
        return output
    }

    static func requirementsText(_ requirements: Requirements) -> String {
        var lines = ["Requirements:"]
        lines.append("  architectures: " + (requirements.architectures.isEmpty ? "-" : requirements.architectures.map(\.elfName).sorted().joined(separator: ", ")))
        var libc = "  libc: \(requirements.libc.rawValue)"
        if requirements.libc == .conflict {
            let glibc = requirements.libcEvidence[.glibc]?.first ?? "?"
            let musl = requirements.libcEvidence[.musl]?.first ?? "?"
            libc += " (glibc needed by \(glibc), musl needed by \(musl))"
        }
        lines.append(libc)
        for family in requirements.minimum.keys.sorted() {
            let need = requirements.minimum[family]!
            var line = "  \(family) >= \(need.version)  (\(need.artifact)"
            if !need.symbols.isEmpty {
                let shown = need.symbols.prefix(3).joined(separator: ", ")
                line += ": \(shown)" + (need.symbols.count > 3 ? ", +\(need.symbols.count - 3) more" : "")
            }
            lines.append(line + ")")
        }
        if let level = requirements.x86ISALevel { lines.append("  x86-64 ISA level: v\(level)") }
        if let node = requirements.node {
            var parts: [String] = []
            if !node.pinnedModuleVersions.isEmpty {
                parts.append("pinned to " + node.pinnedModuleVersions.keys.sorted().map { version in
                    let major = NodeABI.major(forModuleVersion: version).map { "Node \($0)" } ?? "unofficial"
                    return "NODE_MODULE_VERSION \(version) (\(major))"
                }.joined(separator: ", "))
            }
            if !node.napiAddons.isEmpty { parts.append("\(node.napiAddons.count) N-API addon\(node.napiAddons.count == 1 ? "" : "s")") }
            if !node.libnodeAddons.isEmpty { parts.append("\(node.libnodeAddons.count) built for a shared libnode") }
            if !node.unconfirmedAddons.isEmpty {
                parts.append("\(node.unconfirmedAddons.count) classic NODE_MODULE addon\(node.unconfirmedAddons.count == 1 ? "" : "s") (ABI not recorded)")
            }
            if node.installedPackages > 0 { parts.append("\(node.installedPackages) installed package\(node.installedPackages == 1 ? "" : "s")") }
            if let engines = node.enginesRange { parts.append("engines \(engines)") }
            if let nvmrc = node.nvmrc { parts.append(".nvmrc \(nvmrc)") }
            if let file = node.nodeVersionFile { parts.append(".node-version \(file)") }
            lines.append("  node: " + parts.joined(separator: "; "))
        }
        if let python = requirements.python {
            var parts = python.versions.keys.sorted().map { "CPython \($0) (\(python.versions[$0]!.count) module\(python.versions[$0]!.count == 1 ? "" : "s"))" }
            if !python.abi3Modules.isEmpty { parts.append("\(python.abi3Modules.count) abi3") }
            if let venv = python.virtualenvVersion { parts.append("virtualenv \(venv)\(python.virtualenvFreeThreaded ? " (free-threaded)" : "")") }
            if python.installedDistributions > 0 {
                parts.append("\(python.installedDistributions) installed distribution\(python.installedDistributions == 1 ? "" : "s")")
            }
            lines.append("  python: " + parts.joined(separator: "; "))
        }
        if requirements.sonames.isEmpty {
            lines.append("  libraries from the image: none beyond libc")
        } else {
            lines.append("  libraries from the image:")
            for soname in requirements.sonames {
                let users = soname.neededBy.prefix(3).joined(separator: ", ")
                    + (soname.neededBy.count > 3 ? ", +\(soname.neededBy.count - 3) more" : "")
                let condition = soname.onlyFor.map { " [only on \($0.rawValue) images]" } ?? ""
                lines.append("    \(soname.soname)\(condition)  (\(users))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func findingsText(_ findings: [Finding]) -> String {
        guard !findings.isEmpty else { return "" }
        var lines = ["Findings:"]
        for finding in findings {
            lines.append("  [\(finding.kind.rawValue)] \(finding.path): \(finding.message)")
            if let fix = finding.fix { lines.append("    fix: \(fix)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Left-aligned columns separated by two spaces; the last column is not padded.
    static func table(_ rows: [[String]]) -> String {
        guard let columns = rows.first?.count else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() where index < columns - 1 {
                widths[index] = max(widths[index], cell.count)
            }
        }
        var output = ""
        for row in rows {
            for (index, cell) in row.enumerated() {
                if index == columns - 1 {
                    output += cell
                } else {
                    output += cell + String(repeating: " ", count: widths[index] - cell.count + 2)
                }
            }
            output += "\n"
        }
        return output
    }
}
