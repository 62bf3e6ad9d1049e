import Advisor
import ProjectScan

/// `basefit recommend` as text.
public enum RecommendTextFormatter {
    public static func format(_ recommendation: Recommendation) -> String {
        var lines: [String] = []
        let profile = recommendation.profile
        let count = profile.files.filter(\.isLoadable).count
        lines.append("Project: \(count) ELF file\(count == 1 ? "" : "s") for \(profile.architecture); libc \(profile.requirements.libc.rawValue)"
                     + (profile.requirements.minimum["GLIBC"].map { ", GLIBC ≥ \($0.version)" } ?? "")
                     + (profile.requirements.minimum["GLIBCXX"].map { ", GLIBCXX ≥ \($0.version)" } ?? "")
                     + "; runtime \(recommendation.runtime.rawValue)"
                     + (recommendation.nodeConstraint.map { " (\($0.summary))" } ?? ""))
        if let locked = profile.requirements.lockfiles {
            lines.append("  judged from \(locked.paths.joined(separator: ", ")): its packages are not installed here, so each image is held to the builds the lockfile would install there")
            if let caveat = locked.unreadBuildsCaveat { lines.append("  \(caveat)") }
        } else if count == 0, !profile.foreignFiles.isEmpty {
            let machines = Set(profile.foreignFiles.map(\.architecture.elfName)).sorted().joined(separator: ", ")
            lines.append("  no native code for \(profile.architecture): its \(profile.foreignFiles.count) ELF file\(profile.foreignFiles.count == 1 ? " is" : "s are") built for \(machines)")
        } else if count == 0, recommendation.runtime != .none {
            lines.append("  no native code: a pure \(recommendation.runtime.rawValue) project (it may well run on Alpine too)")
        }
        if !profile.alternativeFiles.isEmpty {
            lines.append("  (\(profile.alternativeFiles.count) prebuild(s) for other platforms left out: a build for \(profile.architecture) sits beside them)")
        }
        for warning in recommendation.warnings { lines.append("  warning: \(warning)") }
        if !recommendation.unjudged.isEmpty {
            let count = recommendation.unjudged.count
            lines.append(recommendation.conclusive
                ? "  not judged, allowed by --allow-unjudged: \(UnjudgedFile.counted(count)):"
                : "  INCONCLUSIVE: \(UnjudgedFile.counted(count)) could not be judged; "
                    + "every answer below holds only for the files that were (fix or remove them, or --allow-unjudged):")
            for file in recommendation.unjudged { lines.append("    \(file.path): \(file.reason)") }
        }
        lines.append("")
        if let best = recommendation.recommended {
            lines.append("Recommended\(recommendation.conclusive ? "" : " (for the judged files only)"): \(best.image.reference)  \(describe(best))")
            let runnersUp = recommendation.ranked.dropFirst().prefix(4)
            if !runnersUp.isEmpty {
                lines.append("Runners-up:")
                for verdict in runnersUp { lines.append("  \(verdict.image.reference)  \(describe(verdict))") }
            }
        } else {
            lines.append("No compatible image among \(recommendation.candidates.count) candidates.")
        }
        if !recommendation.rejectedGroups.isEmpty {
            lines.append("")
            lines.append("Rejected:")
            for group in recommendation.rejectedGroups {
                guard let problem = group.best.mainProblem else {
                    // Nothing failed there, but the image left the pins unjudged (--runtime none).
                    if let unjudged = group.best.unjudged.first {
                        lines.append("  \(group.name) (e.g. \(group.best.image.reference)): not judged: \(unjudged.reason)")
                    }
                    continue
                }
                lines.append("  \(group.name) (e.g. \(group.best.image.reference)): \(problem.message)")
                if let install = problem.fix?.install {
                    lines.append("    fix: \(install.command)\(install.bytes.map { " (+\(megabytes($0)))" } ?? "")")
                } else if let advice = problem.fix?.advice {
                    lines.append("    fix: \(advice)")
                }
            }
        }
        lines.append("")
        for migration in recommendation.migrations {
            if migration.possible, let verdict = migration.verdict {
                let yes = recommendation.conclusive ? "Yes" : "Not known (yes for the files judged)"
                lines.append("\(migration.question) \(yes): \(verdict.image.reference) (\(megabytes(verdict.compressedBytes))"
                             + (verdict.status.isMaintained ? "" : ", " + (verdict.notes.first ?? "not maintained")) + ").")
            } else {
                let reason = migration.verdict?.mainProblem?.message ?? migration.unblockers.first ?? "no candidate"
                lines.append("\(migration.question) No: \(reason)")
                for unblocker in migration.unblockers.prefix(4) { lines.append("  to unblock: \(unblocker)") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func describe(_ verdict: Verdict) -> String {
        let estimated = verdict.sizeIsEstimate
        var parts = [megabytes(verdict.compressedBytes) + (estimated ? " (estimate)" : "")]
        parts.append(verdict.image.libcFamily == .none ? "no libc" : "\(verdict.image.libcFamily.rawValue) \(verdict.image.libcVersion?.description ?? "")")
        if !verdict.compatible {
            parts.append("after " + verdict.installs.map { "\($0.package)" }.joined(separator: ", ")
                         + (verdict.installBytes.map { " (+\(megabytes($0)))" } ?? ""))
        }
        parts += verdict.notes.filter { !(estimated && $0 == Verdict.sizeEstimateNote) }
        return "(" + parts.joined(separator: ", ") + ")"
    }
}
