import Advisor
import ProjectScan

/// `basefit recommend --format markdown`: for a pull-request comment.
public enum RecommendMarkdownFormatter {
    public static func format(_ recommendation: Recommendation) -> String {
        var lines = ["### basefit: base image recommendation", ""]
        if let best = recommendation.recommended {
            lines.append("**Recommended\(recommendation.conclusive ? "" : " (for the judged files only)"):** `\(best.image.reference)` — \(megabytes(best.compressedBytes)) compressed (\(recommendation.profile.architecture))")
        } else {
            lines.append("**No compatible base image** among \(recommendation.candidates.count) candidates.")
        }
        for warning in recommendation.warnings { lines += ["", "> warning: \(escape(warning))"] }
        if !recommendation.unjudged.isEmpty {
            lines += ["", recommendation.conclusive
                ? "Not judged (allowed by `--allow-unjudged`):"
                : "**Inconclusive:** these may hold native code and could not be judged; every answer below holds only for the files that were:",
                ""]
            for file in recommendation.unjudged { lines.append("- `\(file.path)`: \(escape(file.reason))") }
        }
        lines += ["", "| image | compatible | size | main problem | notes |", "|---|---|---|---|---|"]
        let shown = recommendation.ranked.prefix(5) + recommendation.rejectedGroups.map(\.best)
        for verdict in shown {
            let problem = verdict.mainProblem.map { escape($0.message) } ?? ""
            lines.append("| `\(verdict.image.reference)` | \(verdict.compatible ? "yes" : (verdict.fixable ? "after install" : "no")) | \(megabytes(verdict.compressedBytes)) | \(problem) | \(escape(verdict.notes.joined(separator: "; "))) |")
        }
        lines.append("")
        for migration in recommendation.migrations {
            let yes = recommendation.conclusive ? "Yes" : "Not known (yes for the files judged)"
            lines.append("- **\(migration.question)** " + (migration.possible ? "\(yes): `\(migration.verdict!.image.reference)`." : "No: \(escape(migration.verdict?.mainProblem?.message ?? "no candidate"))"))
            if !migration.possible {
                for unblocker in migration.unblockers.prefix(3) { lines.append("  - to unblock: \(escape(unblocker))") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingAll("|", with: "\\|").replacingAll("\n", with: " ")
    }
}
