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

    /// True when the gate passes: compatible, or (with installs allowed) fixed by them.
    public var passes: Bool { verdict.compatible || (allowInstalls && verdict.fixable) }

    public init(verdict: Verdict, profile: ProjectProfile, source: String, dockerfile: String? = nil, dockerfileLine: Int? = nil,
                requested: String? = nil, notes: [String] = [], allowInstalls: Bool = false) {
        self.allowInstalls = allowInstalls
        self.requested = requested
        self.notes = notes
        self.verdict = verdict
        self.profile = profile
        self.source = source
        self.dockerfile = dockerfile
        self.dockerfileLine = dockerfileLine
    }
}
