import Domain
/// The smallest install that provides every missing library an index can provide.
public struct InstallPlan: Sendable, Hashable {
    /// The packages to name on the command line (none of them pulled in by another), sorted.
    public var packages: [String]
    /// Every package the install adds: `packages` and their dependencies not yet installed, sorted.
    public var closure: [String]
    /// Sum of the closure's installed sizes, in bytes.
    public var bytes: Int
    /// One command for the release's package manager, nil when there is nothing to install.
    public var command: String?
    public var manager: PackageManager
    /// Which package provides each missing soname that could be provided.
    public var providers: [String: String]
    /// Missing libraries no package of this release and architecture provides (at that version).
    public var unresolved: [UnresolvedLibrary]
    /// Version nodes that could not be checked against the package version (assumed present).
    public var uncheckedVersions: [String]

    public var isComplete: Bool { unresolved.isEmpty }
}
