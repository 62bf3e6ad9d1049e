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

        public var possible: Bool { verdict?.compatible == true }
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
    /// A node major from .nvmrc/.node-version that limited the candidates.
    public var preferredNodeMajor: Int?

    public var recommended: Verdict? { ranked.first }
}

public struct Recommender: Sendable {
    public var evaluator: Evaluator

    public init(evaluator: Evaluator) {
        self.evaluator = evaluator
    }

    /// The runtime a project implies: node with Node addons, python with extension modules, else none.
    public static func defaultRuntime(for requirements: Requirements) -> RuntimeChoice {
        if requirements.node != nil { return .node }
        if requirements.python != nil { return .python }
        return .none
    }

    public func recommend(
        _ profile: ProjectProfile, images: [Image], runtime: RuntimeChoice, allowInstalls: Bool
    ) -> Recommendation {
        var pool = images.filter { image in
            switch runtime {
            case .node: return image.runtime?.kind == "node"
            case .python: return image.runtime?.kind == "python"
            case .none: return image.runtime == nil
            }
        }
        var preferred: Int?
        if runtime == .node, let node = profile.requirements.node,
           let major = Self.major(node.nvmrc) ?? Self.major(node.nodeVersionFile) {
            let matching = pool.filter { Int($0.runtime?.version.split(separator: ".").first ?? "") == major }
            if !matching.isEmpty {
                pool = matching
                preferred = major
            }
        }
        let verdicts = pool.map { evaluator.evaluate(profile, on: $0, runtime: runtime) }
        func cost(_ verdict: Verdict) -> Int64 {
            guard let size = verdict.compressedBytes else { return .max }
            if verdict.compatible { return size }
            guard let extra = verdict.installBytes else { return .max }
            return size + extra
        }
        let eligible = verdicts.filter { $0.compatible || (allowInstalls && $0.fixable) }
        // Maintained images first: a discontinued image gets no security updates.
        let ranked = eligible.sorted {
            ($0.image.discontinuedDate != nil ? 1 : 0, cost($0), $0.image.reference) < ($1.image.discontinuedDate != nil ? 1 : 0, cost($1), $1.image.reference)
        }
        let byGroup = Dictionary(grouping: verdicts, by: { Self.group(of: $0.image) })
        var rejected: [Recommendation.Group] = []
        for name in byGroup.keys.sorted() {
            let members = byGroup[name]!
            guard !members.contains(where: { $0.compatible }) else { continue }
            rejected.append(.init(name: name, best: Self.closest(members)))
        }
        let migrations = [
            migration("Can we move to Alpine (musl)?", target: "alpine", byGroup: byGroup, profile: profile),
            migration("Can we move to distroless?", target: "distroless", byGroup: byGroup, profile: profile),
        ]
        return Recommendation(profile: profile, runtime: runtime, allowInstalls: allowInstalls, ranked: ranked,
                              candidates: verdicts, rejectedGroups: rejected, migrations: migrations,
                              preferredNodeMajor: preferred)
    }

    /// The family a user thinks in: alpine, distroless, chainguard, slim, full …
    public static func group(of image: Image) -> String {
        if ["distroless", "chainguard", "ubi", "amazonlinux", "busybox", "scratch", "ubuntu"].contains(image.family) {
            return image.family
        }
        if image.libcFamily == "musl" { return "alpine" }
        if image.family == "debian" { return image.variant == "slim" ? "debian-slim" : "debian" }
        return image.variant
    }

    /// The member of a group closest to working: fewest unfixable problems, then smallest.
    static func closest(_ members: [Verdict]) -> Verdict {
        func key(_ verdict: Verdict) -> (Int, Int, Int64) {
            // A less fundamental main problem first (a missing library beats a missing libc), then fewer problems.
            (-(verdict.mainProblem?.severity ?? 99), verdict.problems.filter { !$0.isFixable }.count, verdict.compressedBytes ?? .max)
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
        let compatible = members.filter(\.compatible).sorted {
            ($0.image.discontinuedDate == nil ? 0 : 1, Self.group(of: $0.image) == target ? 0 : 1, $0.compressedBytes ?? .max)
                < ($1.image.discontinuedDate == nil ? 0 : 1, Self.group(of: $1.image) == target ? 0 : 1, $1.compressedBytes ?? .max)
        }
        let verdict = compatible.first ?? Self.closest(members)
        var unblockers: [String] = []
        if !verdict.compatible {
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

    /// `22` from ".nvmrc" contents like `v22.11.0`, `22`, `22.x`; nil for aliases like `lts/*`.
    static func major(_ text: String?) -> Int? {
        guard var text else { return nil }
        if text.hasPrefix("v") { text.removeFirst() }
        return Int(text.split(separator: ".").first ?? "")
    }
}
