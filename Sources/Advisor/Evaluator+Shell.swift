import Domain
import ImageCatalog
import ProjectScan

/// A Dockerfile that runs commands in its final stage needs a shell there: distroless, scratch
/// and Chainguard's runtime images have none, so the build stops at the first `RUN`, or the
/// container at a shell-form `CMD`.
extension Evaluator {
    func shellProblems(_ image: Image) -> [Problem] {
        let (dockerfile, uses) = shellUses
        guard image.shell == nil else { return packageManagerProblems(image) }
        guard let first = uses.first else { return [] }
        let builds = uses.filter { $0.when == .build }
        let more = uses.count > 1 ? " (and \(uses.count - 1) more)" : ""
        let what = first.when == .build
            ? "runs in the image at build time, through /bin/sh (or a program the image must have)"
            : "starts the container through /bin/sh"
        let debug = image.tags.first { $0.hasSuffix(":debug") || $0.hasSuffix(":debug-nonroot") || $0.hasSuffix(":latest-dev") }
        var advice = builds.isEmpty
            ? "write CMD/ENTRYPOINT in exec form without a shell (CMD [\"/app/server\"])"
            : "move the RUNs into a build stage and COPY --from it what they make"
        advice += ", or keep an image with a shell for this stage" + (debug.map { " (\($0) adds one, for debugging)" } ?? "")
        return [Problem(
            kind: .noShell, artifact: dockerfile, library: nil, version: nil, symbols: uses.map { "\(dockerfile):\($0.line)" },
            message: "\(dockerfile):\(first.line): \(first.instruction)\(more) \(what); \(image.reference) has no shell, so "
                + (builds.isEmpty ? "the container does not start" : "the build fails there"),
            fix: Fix(advice: advice))]
    }

    /// A `RUN` that calls a package manager the image does not have (`apt-get` on Alpine or on
    /// Chainguard's images, `apk` on Debian): the build fails there. dnf and yum stand for each other.
    func packageManagerProblems(_ image: Image) -> [Problem] {
        let (dockerfile, uses) = shellUses
        func has(_ manager: PackageManager) -> Bool {
            guard let own = image.packageManager else { return false }
            let family: Set<PackageManager> = [.dnf, .yum]
            return own == manager || (family.contains(own) && family.contains(manager))
        }
        let failing = uses.filter { $0.packageManagers.contains { !has($0) } }
        guard let first = failing.first, let missing = first.packageManagers.first(where: { !has($0) }) else { return [] }
        let more = failing.count > 1 ? " (and \(failing.count - 1) more)" : ""
        let own = image.packageManager.map { "only \($0)" } ?? "no package manager"
        return [Problem(
            kind: .missingPackageManager, artifact: dockerfile, library: nil, version: nil, symbols: failing.map { "\(dockerfile):\($0.line)" },
            message: "\(dockerfile):\(first.line): \(first.instruction)\(more) calls \(missing); \(image.reference) has \(own), so the build fails there",
            fix: Fix(advice: image.packageManager.map { "install with \($0) instead (the package names differ), or " } ?? ""
                + "move the RUNs into a build stage and COPY --from it what they make, or keep an image with \(missing)"))]
    }
}
