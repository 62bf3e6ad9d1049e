import Foundation
import ELFInspection
import ImageCatalog
import ProjectScan

extension Evaluator {
    /// The platform an image offers a lockfile's install: its libc, the judged
    /// architecture, its CPython line. An image that carries no Python has none, unless
    /// `distributionPython`: then the line its own `python3` package gives (bookworm's 3.11),
    /// the Python a Dockerfile that adds it (`--runtime none`) or a build stage's pip runs on.
    public static func lockfilePlatform(_ image: Image, architecture: Architecture, distributionPython: Bool = false) -> LockfilePlatform? {
        guard image.libcFamily == .glibc || image.libcFamily == .musl else { return nil }
        if let python = image.runtime, python.kind == .python {
            return LockfilePlatform(libc: image.libcFamily, libcVersion: image.libcVersion, architecture: architecture,
                                    python: python.line, freeThreaded: python.freeThreaded)
        }
        let offered = distributionPython ? image.packageManager.flatMap { DistributionRuntime.offer(.python, image: image, manager: $0) } : nil
        return LockfilePlatform(libc: image.libcFamily, libcVersion: image.libcVersion, architecture: architecture, python: offered?.version)
    }

    /// The platform the project's lockfiles are judged on for `image` under `runtime`: with
    /// `--runtime none` the Python the image's own package would give.
    func lockfilePlatform(_ image: Image, _ profile: ProjectProfile, runtime: RuntimeChoice) -> LockfilePlatform? {
        Self.lockfilePlatform(image, architecture: profile.architecture, distributionPython: runtime == .none)
    }

    /// Whether `ecosystem`'s locked packages are judged under `runtime`: npm's with `--runtime
    /// node`, Python pins with `--runtime python`, and both with `--runtime none` (the Dockerfile
    /// adds the runtime they install into: npm picks the platform packages of the image's libc and
    /// architecture all the same; pins are judged for the Python the image would get, see `unjudgedPins`).
    static func judges(_ ecosystem: PackageOrigin.Ecosystem, runtime: RuntimeChoice) -> Bool {
        switch ecosystem {
        case .npm: return runtime == .node || runtime == .none
        case .pypi: return runtime != .node
        }
    }

    /// Python pins that cannot be judged on `image` under `--runtime none`: no Python line is
    /// known for it (it carries none, and no `python3` package of its distribution basefit
    /// knows gives one), so which wheels pip would pick there is not known. Never a pass
    /// with nothing judged: `check` is inconclusive, `recommend` does not name the image.
    public func unjudgedPins(_ profile: ProjectProfile, _ image: Image, runtime: RuntimeChoice) -> [UnjudgedFile] {
        guard runtime == .none, let locked = profile.requirements.lockfiles, locked.hasJudgeablePins else { return [] }
        // npm picks platform packages by the image's libc: without glibc or musl, which ones is not known.
        let npm = lockfilePlatform(image, profile, runtime: runtime) != nil ? [] : locked.npm.filter { !$0.packages.isEmpty }.map { lockfile in
            UnjudgedFile(path: lockfile.path, reason: "--runtime none: \(image.reference) has no glibc or musl, so which platform packages npm "
                         + "installs there (and whether the Node the Dockerfile adds runs) is not known")
        }
        guard lockfilePlatform(image, profile, runtime: runtime)?.python == nil else { return npm }
        let why = image.libcFamily == .glibc || image.libcFamily == .musl
            ? "it carries no Python, and basefit knows no python3 package of its distribution"
            : "it has no glibc or musl for a CPython to run on"
        return npm + locked.python.filter { !$0.pins.isEmpty }.map { lockfile in
            UnjudgedFile(path: lockfile.path, reason: "--runtime none: no Python line is known for \(image.reference) (\(why)), "
                         + "so which wheels pip installs there is not known; judge with --runtime python on an image with Python, or check the built image (check --image)")
        }
    }

    /// The profile as it stands on `image` once the lockfile is installed there: the ELF
    /// files of the wheels pip would pick for the image's platform are added, so they are
    /// judged exactly like installed extension modules (libc, version needs, the libraries
    /// the image must provide with their install plan, the libc's own sonames).
    func withPickedWheels(_ profile: ProjectProfile, _ image: Image, runtime: RuntimeChoice) -> ProjectProfile {
        guard Self.judges(.pypi, runtime: runtime), let locked = profile.requirements.lockfiles, let wheels = locked.wheels, !wheels.isEmpty,
              let platform = lockfilePlatform(image, profile, runtime: runtime) else { return profile }
        var added: [FileNeeds] = []
        var foreign: [FileNeeds] = []
        var taken = Set<String>()
        let entries = installPlatforms(.pypi, image: platform).flatMap { locked.judge($0).entries }
        for entry in entries where entry.ecosystem == .pypi {
            guard case .prebuilt(let filename) = entry.way, let wheel = wheels[filename], taken.insert(filename).inserted else { continue }
            // A member built for another machine than its wheel's tag says is an architecture problem.
            for file in wheel.files {
                if !file.isLoadable || file.architecture.runs(on: profile.architecture) { added.append(file) } else { foreign.append(file) }
            }
        }
        guard !added.isEmpty || !foreign.isEmpty else { return profile }
        var profile = profile
        profile.foreignFiles += foreign
        let requirements = profile.requirements
        // Aggregated without the lockfiles (whose encoding the digest would hash once per image),
        // then given them back with the project's own digest: this profile is the same project.
        var extended = Requirements(files: requirements.files + added, node: requirements.node, python: requirements.python,
                                    hints: requirements.hints, unjudged: requirements.unjudged)
        extended.lockfiles = requirements.lockfiles
        extended.digest = requirements.digest
        profile.requirements = extended
        return profile
    }

    /// Locked packages that install no prebuilt build on the image: each a problem (an
    /// install-time compile is one too: slow builds and a compiler in the build stage).
    /// A package that compiles from source on every image (no prebuilt Linux build at all) is a
    /// note when it may be pure Python (an sdist does not say), and a problem when it is known to
    /// compile native code (psycopg2 links libpq): the install needs a compiler and headers, and
    /// what it builds is not judged until built.
    func lockfileProblems(_ profile: ProjectProfile, _ image: Image, runtime: RuntimeChoice) -> (problems: [Problem], notes: [String]) {
        guard let locked = profile.requirements.lockfiles,
              let platform = lockfilePlatform(image, profile, runtime: runtime) else { return ([], []) }
        var problems: [Problem] = Self.judges(.pypi, runtime: runtime) ? Self.lockedPythonProblems(locked, image, python: platform.python) : []
        var notes: [String] = []
        if runtime == .none, let python = platform.python, image.runtime?.kind != .python, !locked.python.isEmpty {
            notes.append("--runtime none: the Python pins are judged for CPython \(python), the Python \(image.reference)'s own python3 package gives")
        }
        var unread: [String] = []
        // Each ecosystem's packages as installed where the Dockerfile installs them (else on the image).
        let npmPlatforms = installPlatforms(.npm, image: platform)
        let pypiPlatforms = installPlatforms(.pypi, image: platform)
        var judged: [LockfileJudgement.Entry] = []
        for installPlatform in npmPlatforms + pypiPlatforms.filter({ !npmPlatforms.contains($0) }) {
            for entry in locked.judge(installPlatform).entries where !judged.contains(entry) {
                let platforms = entry.ecosystem == .npm ? npmPlatforms : pypiPlatforms
                if platforms.contains(installPlatform) { judged.append(entry) }
            }
        }
        for entry in judged {
            guard Self.judges(entry.ecosystem, runtime: runtime) else { continue }
            let unblock = entry.unblockedBy.map { "\(entry.package) \($0) publishes a prebuilt build for \(platform.libc.rawValue) \(profile.architecture)" }
            switch entry.way {
            case .prebuilt(let filename) where entry.ecosystem == .pypi:
                guard let wheel = locked.wheels?[filename] else {
                    // No wheel read at all (--offline) was said once, as a warning.
                    if locked.wheels != nil { unread.append(filename) }
                    continue
                }
                // pip refuses a distribution whose METADATA excludes the interpreter, whatever the index listed.
                // The catalog records the line (3.12), not the patch release: a range that depends on it is not passed.
                if let range = wheel.metadata?.requiresPython, let python = platform.python,
                   case let decided = PythonSpecifier.decides(range, line: python), decided != true {
                    let has = decided == false ? "has CPython \(python)"
                        : "has CPython \(python), and whether its patch release is in that range is not known (the catalog records the line only)"
                    problems.append(Problem(
                        kind: .lockedNoBuild, artifact: entry.lockfile, library: entry.package, version: entry.version, symbols: [],
                        message: "\(entry.package) \(entry.version): \(filename)'s METADATA says Requires-Python \(range); \(image.reference) \(has)",
                        fix: Fix(advice: (unblock.map { "upgrade: \($0); or " } ?? "") + "use an image with a Python in \(range)")))
                }
            case .prebuilt:
                continue
            case .buildsFromSource(let what, let needs) where !entry.prebuiltElsewhere && entry.ecosystem == .pypi && SourceBuildNeeds.compilesNativeCode(entry.package):
                problems.append(Problem(
                    kind: .lockedBuildsFromSource, artifact: entry.lockfile, library: entry.package, version: entry.version, symbols: [],
                    message: "\(entry.package) \(entry.version) has no prebuilt build for any platform: pip compiles its extension from \(what) at install time, "
                        + "and what that links is not judged until it is built",
                    fix: Fix(advice: (unblock.map { "upgrade: \($0); or " } ?? "") + "build it in a stage with \(needs.joined(separator: " ")) and judge the built "
                        + "site-packages (basefit check DIR, or check --image after the build); or use a release or package that publishes wheels")))
            case .buildsFromSource(let what, let needs) where !entry.prebuiltElsewhere:
                notes.append("\(entry.package) \(entry.version) compiles from \(what) on every image: the build stage needs \(needs.joined(separator: " "))")
            case .buildsFromSource(let what, let needs):
                problems.append(Problem(
                    kind: .lockedBuildsFromSource, artifact: entry.lockfile, library: entry.package, version: entry.version, symbols: [],
                    message: "\(entry.package) \(entry.version) has no prebuilt build for \(platform.description): it compiles from \(what) at install time",
                    fix: Fix(advice: (unblock.map { "upgrade: \($0); or " } ?? "\(entry.package): ") + "the build stage needs \(needs.joined(separator: " "))")))
            case .noWay(let why):
                problems.append(Problem(
                    kind: .lockedNoBuild, artifact: entry.lockfile, library: entry.package, version: entry.version, symbols: [],
                    message: "\(entry.package) \(entry.version) cannot install on \(platform.description): \(why)",
                    fix: Fix(advice: unblock.map { "upgrade: \($0)" } ?? "\(entry.package): no release in the lockfile installs on \(platform.libc.rawValue) \(profile.architecture)")))
            }
        }
        problems += carriedProblems(locked, image, platform: platform, runtime: runtime)
        if !unread.isEmpty {
            // Why, and that no gate passes on it, is in the requirements' `unjudged` (the command adds it).
            notes.append("\(unread.count == 1 ? "a wheel" : "\(unread.count) wheels") this image would install \(unread.count == 1 ? "was" : "were") not read: "
                + "\(unread.joined(separator: ", ")); judged by tags only, and listed as not judged")
        }
        return (problems, notes)
    }

    /// The platforms `ecosystem`'s lockfiles are installed on for an image of `platform`: those
    /// of the Dockerfile's installs of it, else the image's own.
    func installPlatforms(_ ecosystem: PackageOrigin.Ecosystem, image platform: LockfilePlatform) -> [LockfilePlatform] {
        var result: [LockfilePlatform] = []
        for site in installSites where site.install.ecosystem == ecosystem {
            let installed = site.platform ?? platform
            if !result.contains(installed) { result.append(installed) }
        }
        return result.isEmpty ? [platform] : result
    }

    /// What the Dockerfile's installs picked that the image cannot use: platform packages for
    /// another libc or architecture, wheels whose tags its interpreter refuses, platform
    /// packages left out with the optional dependencies.
    func carriedProblems(_ locked: LockedDependencies, _ image: Image, platform: LockfilePlatform, runtime: RuntimeChoice) -> [Problem] {
        var problems: [Problem] = []
        for site in installSites {
            guard Self.judges(site.install.ecosystem, runtime: runtime) else { continue }
            let installed = site.platform ?? platform
            let inStage = "run the install in a stage built on \(image.reference) (or an image with its libc and architecture), or in the final stage"
            for carried in locked.carried(installedOn: installed, loadedOn: platform, omitsOptional: site.install.omitsOptional,
                                          ecosystem: site.install.ecosystem) {
                let what = "\(carried.package) \(carried.version)"
                let builds = carried.installed.joined(separator: ", ")
                switch carried.gap {
                case .libc(let family):
                    problems.append(Problem(
                        kind: .libcMismatch, artifact: carried.lockfile, library: carried.package, version: carried.version, symbols: [],
                        message: "\(site.description) installs \(builds) for \(what): \(family.rawValue) builds (npm picks the platform packages of the machine it runs on); \(image.reference) has \(platform.libc.rawValue)",
                        fix: Fix(advice: inStage)))
                case .architecture(let architecture):
                    problems.append(Problem(
                        kind: .architecture, artifact: carried.lockfile, library: carried.package, version: carried.version, symbols: [],
                        message: "\(site.description) installs \(builds) for \(what): builds for \(architecture) (npm picks the platform packages of the machine it runs on); judged for \(platform.architecture)",
                        fix: Fix(advice: inStage)))
                case .wheelTags:
                    problems.append(Problem(
                        kind: .lockedNoBuild, artifact: carried.lockfile, library: carried.package, version: carried.version, symbols: [],
                        message: "\(site.description) installs \(builds) for \(what), picked for \(installed.description); \(image.reference) (\(platform.description)) does not accept its tags",
                        fix: Fix(advice: inStage)))
                case .optionalLeftOut:
                    problems.append(Problem(
                        kind: .lockedNoBuild, artifact: carried.lockfile, library: carried.package, version: carried.version, symbols: [],
                        message: "\(site.description) leaves out optional dependencies: \(what)'s platform packages (\(builds)) are optional ones, so none is installed and it has no build",
                        fix: Fix(advice: "install optional dependencies (drop --omit=optional / --no-optional / --ignore-optional)")))
                }
            }
        }
        return problems
    }

    /// A lock made for other Pythons than the image's: its installer refuses the image's
    /// interpreter (and pipenv without `--deploy` leaves out the pins whose markers exclude it).
    /// `python`: the CPython line the lock is installed with on the image (nil: none known).
    static func lockedPythonProblems(_ locked: LockedDependencies, _ image: Image, python line: String?) -> [Problem] {
        guard let line else { return [] }
        let version = image.runtime.flatMap { $0.kind == .python ? $0.version : nil } ?? line
        return locked.python.compactMap { lockfile -> Problem? in
            guard let range = lockfile.requiresPython else { return nil }
            let decided = PythonSpecifier.decides(range, line: version)
            guard decided != true else { return nil }
            // The catalog records a Python's line (3.12), not its patch release.
            let refuses = decided == false ? "refuses CPython \(version)"
                : "may refuse CPython \(version) (the answer depends on its patch release, which the catalog does not record, "
                + "or the range is not one basefit reads exactly)"
            let why: String
            switch lockfile.format {
            case .pipfile: why = "its _meta.requires asks for Python \(range); pipenv install --deploy \(refuses), and without --deploy the pins whose markers exclude it are left out"
            case .uv: why = "its requires-python is \(range); uv sync \(refuses)"
            case .pdm: why = "its lock targets are for Python \(range); pdm install \(refuses) (no compatible lock target)"
            case .pylock: why = "its requires-python is \(range); an installer of pylock.toml (pip, uv pip install) \(refuses)"
            case .poetry: why = "its [metadata] python-versions is \(range) (as PEP 440); poetry install \(refuses)"
            default: why = "it is for Python \(range); its installer \(refuses)"
            }
            return Problem(kind: .runtimeMismatch, artifact: lockfile.path, library: nil, version: "CPython \(range)", symbols: [],
                           message: "\(lockfile.fileName) does not install on \(image.reference): \(why)",
                           fix: Fix(advice: "use an image with a Python in \(range), or lock again with the image's Python"))
        }
    }
}
