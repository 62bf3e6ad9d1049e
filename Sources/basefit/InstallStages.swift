import Advisor
import ELFInspection
import ImageCatalog
import ProjectScan

/// The Dockerfile's installs of the locked packages (`check --dockerfile`), each with the
/// catalog image of the stage it runs in: the packages the installer picks there are the ones
/// the judged image gets.
struct InstallStages {
    var installs: [DockerfileInstall] = []
    /// The resolved image of each install in another stage than the judged one (same order).
    var images: [DockerfileInstall: Image] = [:]
    /// Installs whose stage image the catalog cannot tell: what they pick is not judged.
    var unknown: [(install: DockerfileInstall, why: String)] = []
    /// The requirements files the pip installs read, found in the build context (read as lockfiles given by path).
    var requirementFiles: [String] = []
    /// Pip installs whose packages basefit cannot read: a requirements file not found (or found
    /// twice) in the build context, packages named on the command line.
    var unread: [(install: DockerfileInstall, why: String)] = []

    init() {}

    init(_ installs: [DockerfileInstall], resolver: ImageResolver, dockerfile: String, paths: [String]) {
        self.installs = installs
        (requirementFiles, unread) = DockerfileInstall.requirementFiles(installs, dockerfile: dockerfile, paths: paths)
        for install in installs where !install.inJudgedStage {
            guard let reference = install.image, reference.lowercased() != "scratch" else {
                unknown.append((install, install.image == nil ? "its stage's FROM uses an ARG without a value" : "its stage is FROM scratch"))
                continue
            }
            do {
                images[install] = try resolver.resolve(reference).image
            } catch {
                unknown.append((install, "the catalog does not know \(reference) (\(error))"))
            }
        }
    }

    /// The architecture a stage installs for: its own `--platform` when it names one, else the judged one.
    static func architecture(of install: DockerfileInstall, judged: Architecture) -> Architecture {
        guard let platform = install.platform, !platform.contains("\u{0}") else { return judged }
        let parts = platform.split(separator: "/")
        guard parts.count >= 2, let architecture = Architecture(parts.dropFirst().joined(separator: "/")) else { return judged }
        return architecture
    }

    /// The installs as the Evaluator judges them, for a profile judged for `architecture`.
    func sites(dockerfile: String, architecture: Architecture) -> [InstallSite] {
        installs.compactMap { install in
            if install.inJudgedStage { return InstallSite(install: install, dockerfile: dockerfile, platform: nil, imageReference: nil) }
            guard let image = images[install],
                  let platform = Evaluator.lockfilePlatform(image, architecture: Self.architecture(of: install, judged: architecture),
                                                            distributionPython: install.ecosystem == .pypi) else { return nil }
            return InstallSite(install: install, dockerfile: dockerfile, platform: platform, imageReference: image.reference)
        }
    }

    /// What cannot be judged: an install whose stage image is unknown (or has no libc basefit
    /// reads), of an ecosystem whose lockfiles are judged.
    func unjudged(dockerfile: String, architecture: Architecture, lockfiles: LockedDependencies?) -> [UnjudgedFile] {
        var result = unread.map { install, why in
            UnjudgedFile(path: dockerfile, reason: "\(install.site(path: dockerfile)): \(why); the packages it installs are not judged")
        }
        guard let lockfiles else { return result }
        var missing = unknown
        for install in installs where !install.inJudgedStage {
            if let image = images[install], Evaluator.lockfilePlatform(image, architecture: Self.architecture(of: install, judged: architecture)) == nil {
                missing.append((install, "\(image.reference) has no glibc or musl basefit reads"))
            }
        }
        // An npm-family install reads its own lockfile: one not read, or absent, leaves what it installs unknown.
        for install in installs {
            for why in install.unreadLockfiles(lockfiles) { missing.append((install, why)) }
        }
        for (install, why) in missing {
            let judged = install.ecosystem == .npm ? !lockfiles.npm.isEmpty : !lockfiles.python.isEmpty
            guard judged else { continue }
            result.append(UnjudgedFile(path: dockerfile, reason: "\(install.site(path: dockerfile)): \(why); which builds it installs is not known, so the packages it installs are not judged"))
        }
        return result
    }
}

