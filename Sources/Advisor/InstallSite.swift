import ProjectScan

/// Where a Dockerfile installs the project's locked packages, as the Evaluator judges it: the
/// install (its command, stage and line) and the platform it installs for. The packages the
/// installer picks there are the ones the judged image gets.
public struct InstallSite: Sendable, Hashable {
    public var install: DockerfileInstall
    /// The Dockerfile, for messages (`Dockerfile:4`).
    public var dockerfile: String
    /// The platform of the stage's image; nil when the install runs in the judged stage (the
    /// judged image's own platform).
    public var platform: LockfilePlatform?
    /// The catalog reference of the stage's image, for messages.
    public var imageReference: String?

    public init(install: DockerfileInstall, dockerfile: String, platform: LockfilePlatform?, imageReference: String?) {
        self.install = install
        self.dockerfile = dockerfile
        self.platform = platform
        self.imageReference = imageReference
    }

    /// `npm ci in stage build (node:22-bookworm) at Dockerfile:4`.
    public var description: String { install.site(path: dockerfile) }
}
