import ELFInspection

/// A locked package installed on one platform (a Dockerfile stage that runs the install) that
/// another platform (the image its files are copied into) cannot use: the builds the installer
/// picked are for the first.
public struct CarriedPackage: Sendable, Hashable {
    public enum Gap: Sendable, Hashable {
        /// npm installed platform packages for this libc (`@img/sharp-linux-x64`: glibc).
        case libc(LibcFamily)
        /// npm installed platform packages for this architecture.
        case architecture(Architecture)
        /// pip installed a wheel whose tags the image's interpreter does not accept
        /// (manylinux on musl, cp312 on CPython 3.11, another architecture).
        case wheelTags
        /// The install leaves out optional dependencies, and this package's platform
        /// packages are optional ones: none is installed.
        case optionalLeftOut
    }

    public var ecosystem: PackageOrigin.Ecosystem
    public var package: String
    public var version: String
    public var lockfile: String
    /// The platform packages or the wheel the install picked.
    public var installed: [String]
    public var gap: Gap
}

extension LockedDependencies {
    /// The packages an install on `source` leaves unusable on `target`: what npm picked by
    /// `os`/`cpu`/`libc` for `source` that `target` does not match, the wheels pip picked for
    /// `source` whose tags `target` does not accept, and, when the install leaves out optional
    /// dependencies, every package whose builds are optional platform packages.
    public func carried(installedOn source: LockfilePlatform, loadedOn target: LockfilePlatform, omitsOptional: Bool = false,
                        ecosystem: PackageOrigin.Ecosystem) -> [CarriedPackage] {
        var found: [CarriedPackage] = []
        if ecosystem == .npm {
            for lockfile in npm {
                for entry in NpmLockfileAnswer(lockfile, platform: source).entries {
                    guard case .prebuilt(let names) = entry.way else { continue }
                    let installed = lockfile.packages.filter { names.contains($0.name) }
                    if omitsOptional {
                        found.append(CarriedPackage(ecosystem: .npm, package: entry.package, version: entry.version, lockfile: lockfile.path,
                                                    installed: names, gap: .optionalLeftOut))
                        continue
                    }
                    guard source.libc != target.libc || source.architecture != target.architecture else { continue }
                    let unusable = installed.filter { !NpmLockfileAnswer.matches($0, target) }
                    guard !unusable.isEmpty else { continue }
                    let gap: CarriedPackage.Gap = unusable.contains { !NpmLockfileAnswer.allows($0.cpu, target.npmCPU) }
                        ? .architecture(source.architecture) : .libc(source.libc)
                    found.append(CarriedPackage(ecosystem: .npm, package: entry.package, version: entry.version, lockfile: lockfile.path,
                                                installed: Array(Set(unusable.map(\.name))).sorted(), gap: gap))
                }
            }
        }
        if ecosystem == .pypi, source != target, let sourceTags = WheelTags(source) {
            let targetTags = WheelTags(target)
            for lockfile in python {
                for pin in lockfile.pins {
                    if let marker = pin.marker, !PythonMarker.evaluate(marker, platform: source) { continue }
                    guard let files = files(of: pin), let wheel = WheelSelection.select(files, tags: sourceTags, python: source.python).wheel else { continue }
                    if wheel.wheel?.platformTags == ["any"] { continue }  // pure Python
                    let accepted = targetTags.map { WheelSelection.select([wheel], tags: $0, python: target.python).wheel != nil } ?? false
                    guard !accepted else { continue }
                    found.append(CarriedPackage(ecosystem: .pypi, package: pin.name, version: pin.version, lockfile: lockfile.path,
                                                installed: [wheel.filename], gap: .wheelTags))
                }
            }
        }
        return found
    }
}

extension LockedDependencies {
    /// What a verdict from npm lockfiles does not cover, said once: the lockfile names the
    /// platform packages npm installs and the packages that compile, not what their binaries
    /// need. nil without an npm lockfile.
    public var unreadBuildsCaveat: String? {
        guard !npm.isEmpty else { return nil }
        return "an npm lockfile names the builds npm installs, not what their binaries need: their GLIBC/GLIBCXX versions and libraries, "
            + "and what install scripts compile, are judged once installed (check the installed node_modules, or check --image after the build)"
    }
}
