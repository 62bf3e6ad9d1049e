import Domain
/// What a distribution's archive knows about shared libraries: which package ships a soname,
/// what installing it pulls in, and the one command that installs it.
public enum PackageKnowledge {
    /// The cheapest install that provides `missing` on `release`/`architecture` given the
    /// `installed` package names, from the embedded index. Nil when no index is embedded for that
    /// release and architecture (the caller then knows nothing; an empty plan means nothing to do).
    public static func plan(missing: [MissingLibrary], release: Release, architecture: String,
                            installed: Set<String>) throws -> InstallPlan? {
        guard let index = try EmbeddedIndexes.index(release: release, architecture: architecture) else { return nil }
        return plan(missing: missing, index: index, manager: release.packageManager, installed: installed)
    }

    /// The same against any index (an Ubuntu archive's, an APKINDEX, a file from Data/packages).
    public static func plan(missing: [MissingLibrary], index: PackageIndex, manager: PackageManager,
                            installed: Set<String>) -> InstallPlan {
        InstallPlanner(index: index, installed: installed).plan(missing, manager: manager)
    }
}
