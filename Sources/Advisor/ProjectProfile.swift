import ELFInspection
import ProjectScan

/// The part of the requirements that matters for one target architecture.
public struct ProjectProfile: Sendable {
    public var architecture: Architecture
    /// The requirements of the files built for `architecture` (and the runtime facts).
    public var requirements: Requirements
    /// Files built for another architecture that the project needs: each is a problem.
    public var foreignFiles: [FileNeeds]
    /// Platform builds for other architectures that a loader picks from at run time,
    /// left out because a build for `architecture` exists beside them.
    public var alternativeFiles: [FileNeeds]

    public var files: [FileNeeds] { requirements.files }
    public var findings: [Finding] { requirements.hints }

    public enum ProfileError: Error, Sendable, CustomStringConvertible {
        case unknownArchitecture(String)
        /// Nothing was found that an image could be judged against.
        case nothingToJudge(String)

        public var description: String {
            switch self {
            case .unknownArchitecture(let name):
                return "unknown architecture \(name) (use a platform name such as amd64, arm64, arm/v7, 386, ppc64le, s390x, riscv64)"
            case .nothingToJudge(let detail):
                return detail
            }
        }
    }

    /// `architecture` is a platform name; nil picks the project's own (amd64 when it has several including x86_64).
    /// - Parameter inputs: what was scanned, for the message when there is nothing to judge.
    public init(requirements all: Requirements, architecture: String?, inputs: [String] = []) throws(ProfileError) {
        let loadable = all.files.filter(\.isLoadable)
        let machines = Set(loadable.map(\.architecture))
        let target: Architecture
        if let architecture {
            guard let parsed = Architecture(architecture), parsed.platformName != nil else { throw .unknownArchitecture(architecture) }
            target = parsed
        } else if machines.count == 1 {
            target = machines.first!
        } else if machines.contains(.amd64) || machines.isEmpty {
            target = .amd64
        } else {
            target = machines.sorted().first!
        }
        self.architecture = target
        let ours = all.files.filter { !$0.isLoadable || $0.architecture.runs(on: target) }
        let others = loadable.filter { !$0.architecture.runs(on: target) }
        // A platform build for another architecture is not needed when its package
        // also ships one for the target; otherwise the package cannot load at all.
        let packagesWithTargetBuild = Set(ours.filter(\.platformAlternative).compactMap { $0.package ?? Self.directory($0.path) })
        var alternatives: [FileNeeds] = []
        var foreign: [FileNeeds] = []
        for file in others {
            if file.platformAlternative, packagesWithTargetBuild.contains(file.package ?? Self.directory(file.path)) {
                alternatives.append(file)
            } else {
                foreign.append(file)
            }
        }
        self.foreignFiles = foreign
        self.alternativeFiles = alternatives
        var requirements = all.restricted(to: ours)
        requirements.digest = requirements.digest  // computed once: every image judged reads it
        self.requirements = requirements

        // Files for another architecture are judged (each is an `architecture` problem);
        // with no file at all and no installed runtime there is nothing to judge.
        if loadable.isEmpty && all.node?.isInstalled != true && all.python?.isInstalled != true && all.lockfiles == nil {
            let place = inputs.isEmpty ? "the input" : inputs.joined(separator: ", ")
            if !all.unjudged.isEmpty {
                let named = all.unjudged.map(\.path).prefix(3).joined(separator: ", ") + (all.unjudged.count > 3 ? ", …" : "")
                throw .nothingToJudge("no native code and no installed packages under \(place) that basefit could judge: "
                                      + "\(UnjudgedFile.counted(all.unjudged.count)) could not be judged (\(named); see the warnings); "
                                      + "fix or remove them, or run npm ci / pip install first, or give the built files")
            }
            throw .nothingToJudge("no native code and no installed packages under \(place): run npm ci / pip install first, or give the built files")
        }
    }

    /// `a/prebuilds/linux-x64/x.node` → `a` (the package a prebuild belongs to, when no manifest names it).
    private static func directory(_ path: String) -> String {
        guard let range = path.range(of: "/prebuilds/") else { return path }
        return String(path[..<range.lowerBound])
    }
}
