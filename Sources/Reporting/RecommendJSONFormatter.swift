import Advisor
import ProjectScan

/// `basefit recommend --format json` (keys per the README's command-line contract).
public enum RecommendJSONFormatter {
    public static func format(_ recommendation: Recommendation) -> String {
        JSONValue.object([
            ("schemaVersion", .int(OutputSchema.version)),
            ("command", .string("recommend")),
            ("architecture", .string(recommendation.profile.architecture.description)),
            ("runtime", .string(recommendation.runtime.rawValue)),
            ("allowInstalls", .bool(recommendation.allowInstalls)),
            ("recommended", .optional(recommendation.recommended?.image.reference)),
            // False while something that may be native code was not judged (exit 2).
            ("conclusive", .bool(recommendation.conclusive)),
            ("unjudged", JSONValue(encoding: recommendation.unjudged)),
            ("warnings", .strings(recommendation.warnings)),
            ("foreignFiles", .strings(recommendation.profile.foreignFiles.map(\.path))),
            ("ranked", .strings(recommendation.ranked.map(\.image.reference))),
            ("candidates", .array(recommendation.candidates.map(VerdictJSON.verdict))),
            ("rejectedGroups", .array(recommendation.rejectedGroups.map { group in
                .object([
                    ("group", .string(group.name)),
                    ("closest", .string(group.best.image.reference)),
                    ("reason", group.best.mainProblem.map(VerdictJSON.problem) ?? .null),
                ])
            })),
            ("migrations", .array(recommendation.migrations.map { migration in
                .object([
                    ("question", .string(migration.question)),
                    ("target", .string(migration.target)),
                    // Never true on an incomplete judgement: a reader of this key alone fails closed.
                    ("possible", .bool(migration.possible && recommendation.conclusive)),
                    ("image", .optional(migration.verdict?.image.reference)),
                    ("blockers", .array((migration.verdict?.problems ?? []).map(VerdictJSON.problem))),
                    ("unblockers", .strings(migration.unblockers)),
                ])
            })),
            ("requirements", ScanJSONFormatter.requirements(recommendation.profile.requirements)),
            ("findings", .array(recommendation.profile.findings.map(ScanJSONFormatter.finding))),
        ]).rendered()
    }
}
