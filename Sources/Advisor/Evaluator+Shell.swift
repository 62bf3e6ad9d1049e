import Domain
import ImageCatalog
import ProjectScan

/// A Dockerfile that runs commands in its final stage needs a shell there: distroless, scratch
/// and Chainguard's runtime images have none, so the build stops at the first `RUN`, or the
/// container at a shell-form `CMD`.
extension Evaluator {
    func shellProblems(_ image: Image) -> [Problem] {
        let (dockerfile, uses, _) = shellUses
        let entrypoint = entrypointProblems(image)
        guard image.shell == nil else { return packageManagerProblems(image) + entrypoint }
        guard let first = uses.first else { return entrypoint }
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
            fix: Fix(advice: advice))] + entrypoint
    }

    /// A `RUN` that calls a package manager the image does not have (`apt-get` on Alpine or on
    /// Chainguard's images, `apk` on Debian): the build fails there. dnf and yum stand for each other.
    func packageManagerProblems(_ image: Image) -> [Problem] {
        let (dockerfile, uses, _) = shellUses
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

    /// An image whose ENTRYPOINT is its runtime (distroless: `/nodejs/bin/node`) runs a Dockerfile's
    /// exec-form CMD as that runtime's arguments: `CMD ["node", "/app/index.js"]` starts
    /// `/nodejs/bin/node node /app/index.js`, which looks for a module named node and exits.
    func entrypointProblems(_ image: Image) -> [Problem] {
        let (dockerfile, _, command) = shellUses
        guard let entrypoint = image.entrypoint, let program = entrypoint.first, let command, let first = command.words.first else { return [] }
        func name(_ path: String) -> String { String(path.split(separator: "/").last ?? Substring(path)) }
        let runtimeNames: Set<String> = ["node", "nodejs", "python", "python3", name(program)]
        let named = name(first)
        guard first == program || runtimeNames.contains(named) || (named.hasPrefix("python3.") && name(program).hasPrefix("python")) else { return [] }
        let rest = command.words.dropFirst()
        let suggested = "[" + rest.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        return [Problem(
            kind: .entrypointConflict, artifact: dockerfile, library: nil, version: nil, symbols: ["\(dockerfile):\(command.line)"],
            message: "\(dockerfile):\(command.line): CMD \(command.written) becomes the arguments of \(image.reference)'s ENTRYPOINT "
                + "\(entrypoint.joined(separator: " ")): the container runs \((entrypoint + command.words).joined(separator: " ")), and the runtime "
                + "takes \(first) as the script to run",
            fix: Fix(advice: "write CMD \(suggested) (the image's ENTRYPOINT is \(program)), or set ENTRYPOINT yourself"))]
    }
}
