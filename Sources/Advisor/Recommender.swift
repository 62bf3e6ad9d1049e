import Domain
import ELFInspection
import ImageCatalog
import ProjectScan

/// The answer to "which base image?": every candidate judged, the compatible ones
/// ranked by size, the rejected families each with its main reason and fix, and
/// the two migrations users ask about.
public struct Recommendation: Sendable {
    /// One family of images (alpine, distroless, slim …) and how its best member fares.
    public struct Group: Sendable {
        public var name: String
        public var best: Verdict
    }

    /// "Can we move to alpine / distroless?"
    public struct Migration: Sendable {
        public var question: String
        public var target: String
        public var verdict: Verdict?
        /// What would unblock it, from the verdict's fixes and the scan's findings.
        public var unblockers: [String]

        public var possible: Bool { verdict?.judgedCompatible == true }
    }

    public var profile: ProjectProfile
    public var runtime: RuntimeChoice
    public var allowInstalls: Bool
    /// Compatible candidates (and, with installs allowed, fixable ones), smallest first.
    public var ranked: [Verdict]
    /// Every candidate judged, in catalog order.
    public var candidates: [Verdict]
    public var rejectedGroups: [Group]
    public var migrations: [Migration]
    /// The Node constraint (.nvmrc, .node-version, engines.node) that limited the candidates.
    public var nodeConstraint: NodeVersionConstraint?
    /// Things the user must know about how the candidates were chosen (a constraint no image meets …).
    public var warnings: [String]

    /// `--allow-unjudged`: files that could not be judged do not make the answer inconclusive.
    public var allowUnjudged = false

    public var recommended: Verdict? { ranked.first }

    /// What may be native code and was not judged (the requirements').
    public var unjudged: [UnjudgedFile] { profile.requirements.unjudged }

    /// False when something was not judged and `--allow-unjudged` was not given: every
    /// answer then holds only for the files judged, and the command exits 2.
    public var conclusive: Bool { unjudged.isEmpty || allowUnjudged }
}

public struct Recommender: Sendable {
    public var evaluator: Evaluator

    public init(evaluator: Evaluator) {
        self.evaluator = evaluator
    }

    public func recommend(
        _ profile: ProjectProfile, images: [Image], runtime: RuntimeChoice, allowInstalls: Bool
    ) -> Recommendation {
        let architecture = profile.architecture
        var pool = images.filter { $0.runtime?.kind == runtime.kind && !$0.forAnyArchitecture || ($0.forAnyArchitecture && runtime == .none) }
        var warnings: [String] = []
        var constraint: NodeVersionConstraint?
        if runtime == .node, let node = profile.requirements.node {
            let newest = evaluator.newestNodeMajor
            for (file, text) in [(".nvmrc", node.nvmrc), (".node-version", node.nodeVersionFile), ("engines.node", node.enginesRange)] {
                guard let text else { continue }
                guard let parsed = NodeVersionConstraint(text, file: file, today: evaluator.today, newest: newest) else {
                    warnings.append("\(file): cannot read the Node version \"\(text)\"; candidates are not limited by it")
                    continue
                }
                let matching = pool.filter { $0.runtime?.major.map(parsed.allows) ?? false }
                if matching.isEmpty {
                    let lines = Set(pool.compactMap { $0.runtime?.major }).sorted().map(String.init).joined(separator: ", ")
                    warnings.append("\(file) asks for Node \(text), which no catalog image carries (node lines: \(lines)); judging every node image")
                } else {
                    pool = matching
                    constraint = constraint ?? parsed
                }
            }
        }
        let verdicts = pool.map { evaluator.evaluate(profile, on: $0, runtime: runtime) }
        let eligible = verdicts.filter { $0.unjudged.isEmpty && ($0.compatible || (allowInstalls && $0.fixable)) }
        // Maintained images first: an image past its end of life gets no security updates,
        // so it is never the recommendation while a maintained one fits.
        let ranked = eligible.sorted { Self.rankKey($0) < Self.rankKey($1) }
        let byGroup = Dictionary(grouping: verdicts.filter { $0.image.isPublished(for: architecture) }, by: { Self.group(of: $0.image) })
        var rejected: [Recommendation.Group] = []
        for name in byGroup.keys.sorted() {
            let members = byGroup[name]!
            guard !members.contains(where: { $0.judgedCompatible }) else { continue }
            rejected.append(.init(name: name, best: Self.closest(members)))
        }
        let migrations = [
            migration("Can we move to Alpine (musl)?", target: "alpine", byGroup: byGroup, profile: profile),
            migration("Can we move to distroless?", target: "distroless", byGroup: byGroup, profile: profile),
        ]
        return Recommendation(profile: profile, runtime: runtime, allowInstalls: allowInstalls, ranked: ranked,
                              candidates: verdicts, rejectedGroups: rejected, migrations: migrations,
                              nodeConstraint: constraint, warnings: warnings)
    }

    /// Maintained before end-of-life before discontinued; then size (with installs); then name.
    static func rankKey(_ verdict: Verdict) -> (Int, Int64, String) {
        let lifecycle: Int
        switch verdict.status {
        case .maintained: lifecycle = 0
        case .endOfLife: lifecycle = 1
        case .discontinued: lifecycle = 2
        }
        return (lifecycle, cost(verdict), verdict.image.reference)
    }

    static func cost(_ verdict: Verdict) -> Int64 {
        guard let size = verdict.compressedBytes else { return .max }
        if verdict.compatible { return size }
        guard let extra = verdict.installBytes else { return .max }
        return size + extra
    }

    /// The family a user thinks in: alpine, distroless, chainguard, slim, full …
    public static func group(of image: Image) -> String {
        if ["distroless", "chainguard", "ubi", "amazonlinux", "busybox", "scratch", "ubuntu"].contains(image.family) {
            return image.family
        }
        if image.libcFamily == .musl { return "alpine" }
        if image.family == "debian" { return image.variant == "slim" ? "debian-slim" : "debian" }
        return image.variant
    }

    /// The member of a group closest to working: fewest unfixable problems, then smallest.
    static func closest(_ members: [Verdict]) -> Verdict {
        func key(_ verdict: Verdict) -> (Int, Int, Int, Int64) {
            // Maintained first; a less fundamental main problem (a missing library beats a missing libc), then fewer problems.
            (rankKey(verdict).0, -(verdict.mainProblem?.severity ?? 99), verdict.problems.filter { !$0.isFixable }.count, verdict.compressedBytes ?? .max)
        }
        return members.min { key($0) < key($1) }!
    }

    private func migration(
        _ question: String, target: String, byGroup: [String: [Verdict]], profile: ProjectProfile
    ) -> Recommendation.Migration {
        let members = (byGroup[target] ?? []) + (target == "distroless" ? byGroup["chainguard"] ?? [] : [])
        guard !members.isEmpty else {
            return .init(question: question, target: target, verdict: nil, unblockers: ["no \(target) image carries this runtime in the catalog"])
        }
        // Prefer maintained images, then the group the question names (distroless before chainguard), then small.
        func key(_ verdict: Verdict) -> (Int, Int, Int64) {
            (Self.rankKey(verdict).0, Self.group(of: verdict.image) == target ? 0 : 1, verdict.compressedBytes ?? .max)
        }
        let compatible = members.filter(\.judgedCompatible).sorted { key($0) < key($1) }
        let verdict = compatible.first ?? Self.closest(members)
        var unblockers: [String] = []
        if !verdict.judgedCompatible {
            unblockers += verdict.unjudged.map(\.reason)
            for problem in verdict.problems.sorted(by: { $0.severity < $1.severity }) {
                if let install = problem.fix?.install {
                    unblockers.append("\(install.command)  (\(problem.library ?? ""))")
                } else if let advice = problem.fix?.advice {
                    unblockers.append(advice)
                }
            }
            if target == "alpine" {
                for finding in profile.findings where finding.kind == .muslVariantAvailable || finding.kind == .untaggedPrebuild {
                    if let fix = finding.fix { unblockers.append(fix) }
                }
                if profile.requirements.python != nil && profile.requirements.libc == .glibc {
                    unblockers.append("reinstall the Python packages inside the Alpine image so pip picks musllinux wheels")
                }
            }
        }
        var seen = Set<String>()
        unblockers = unblockers.filter { seen.insert($0).inserted }
        return .init(question: question, target: target, verdict: verdict, unblockers: unblockers)
    }
}
