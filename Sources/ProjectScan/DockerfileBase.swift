import ELFInspection

/// The base image a Dockerfile builds on: the final (or named) stage's FROM,
/// following `FROM <stage>` chains and substituting `ARG` defaults.
public struct DockerfileBase: Sendable, Hashable {
    public var image: String
    /// The tag or digest-free reference to look up in the catalog (`node:22-bookworm-slim`).
    public var reference: String
    public var digest: String?
    public var platform: String?
    public var stage: String?
    /// 1-based line of the FROM that names the image.
    public var line: Int
    public var warnings: [String]
    /// Paths the selected stage COPYs or ADDs (sources and destinations).
    public var copied: [String] = []

    /// The ARGs the FROM's image reference names (`FROM ${BASE}` → `BASE`): a patch changes
    /// their defaults, which a `--build-arg` overrides.
    public var imageArguments: [String] = []

    /// The `RUN`s that install the project's locked packages and whose files reach this stage.
    public var installs: [DockerfileInstall] = []

    /// The stage's instructions that need a shell in the image (`RUN`, a shell-form `CMD`).
    public var shellUses: [DockerfileShellUse] = []

    /// Its exec-form `CMD` when it sets no `ENTRYPOINT`: the arguments of the image's own ENTRYPOINT.
    public var command: DockerfileCommand?

    /// The architecture the stage's `--platform` fixes (`linux/arm64/v8` → `arm64/v8`), nil
    /// when the Dockerfile leaves it to the build (no `--platform`, or `$TARGETPLATFORM`).
    public var platformArchitecture: String? {
        guard let platform else { return nil }
        let parts = platform.split(separator: "/")
        return parts.count >= 2 ? parts.dropFirst().joined(separator: "/") : platform
    }

    /// System files the stage adds itself (`COPY --from=build /etc/ssl/certs/… /etc/ssl/certs/`),
    /// so a base without them still runs the program.
    public var addedSystemFiles: Set<SystemFile> {
        var files = Set<SystemFile>()
        for path in copied {
            if path.contains("ssl/certs") || path.contains("ca-certificates") || path.contains("ca-bundle") { files.insert(.caCertificates) }
            if path.contains("zoneinfo") { files.insert(.timeZones) }
            if path.hasSuffix("/etc/passwd") || path == "/etc/passwd" { files.insert(.userDatabase) }
        }
        return files
    }
}
