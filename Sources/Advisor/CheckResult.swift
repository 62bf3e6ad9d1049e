import ProjectScan

/// `basefit check`: one image judged, and how it was chosen.
public struct CheckResult: Sendable {
    public var verdict: Verdict
    public var profile: ProjectProfile
    /// Where the image came from: `--base node:22`, `Dockerfile:3 (stage runtime)`, `--rootfs /path`.
    public var source: String
    /// The Dockerfile and line that named the image, for annotations.
    public var dockerfile: String?
    public var dockerfileLine: Int?
    /// The reference as written, when it resolved to another row (`python:3.12-slim`).
    public var requested: String?
    /// How the image was found: alias resolution, digest handling, tag snapshot.
    public var notes: [String]
    /// `--allow-installs`: problems an install fixes do not fail the gate.
    public var allowInstalls: Bool

    /// `--allow-unjudged`: files that could not be judged do not stop the gate.
    public var allowUnjudged: Bool

    /// How the gate ends.
    public enum Outcome: Sendable, Equatable {
        /// Every file was judged (or the rest allowed) and the image loads them: exit 0.
        case passes
        /// A judged file does not load on the image: exit 1, whatever was not judged.
        case fails
        /// The judged files load, but something that may be native code was not judged: exit 2.
        case inconclusive
    }

    /// What may be native code and was not judged (the requirements', and the image's own).
    public var unjudged: [UnjudgedFile] { profile.requirements.unjudged + verdict.unjudged.filter { !profile.requirements.unjudged.contains($0) } }

    /// False when something was not judged and `--allow-unjudged` was not given.
    public var conclusive: Bool { unjudged.isEmpty || allowUnjudged }

    /// The judged files load: compatible, or (with installs allowed) fixed by them.
    public var judgedFilesPass: Bool { verdict.compatible || (allowInstalls && verdict.fixable) }

    public var outcome: Outcome {
        guard judgedFilesPass else { return .fails }
        return conclusive ? .passes : .inconclusive
    }

    /// True when the gate passes. Never on an incomplete judgement unless the user allowed it.
    public var passes: Bool { outcome == .passes }

    public init(verdict: Verdict, profile: ProjectProfile, source: String, dockerfile: String? = nil, dockerfileLine: Int? = nil,
                requested: String? = nil, notes: [String] = [], allowInstalls: Bool = false, allowUnjudged: Bool = false) {
        self.allowInstalls = allowInstalls
        self.allowUnjudged = allowUnjudged
        self.requested = requested
        self.notes = notes
        self.verdict = verdict
        self.profile = profile
        self.source = source
        self.dockerfile = dockerfile
        self.dockerfileLine = dockerfileLine
    }
}
