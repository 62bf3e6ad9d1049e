import ELFInspection
import ProjectScan

/// The part of a scan that matters for one target architecture.
public struct ProjectProfile: Sendable {
    public var machine: String
    /// The OCI architecture (`amd64`, `arm64` …).
    public var architecture: String
    public var artifacts: [Artifact]
    public var requirements: Requirements
    public var findings: [Finding]
    /// Artifacts built for other architectures, left out of this profile.
    public var otherArchitectureArtifacts: [String]

    public enum ProfileError: Error, Sendable, CustomStringConvertible {
        case unknownArchitecture(String)

        public var description: String {
            switch self {
            case .unknownArchitecture(let name):
                return "unknown architecture \(name) (use an OCI name such as amd64, arm64, 386, arm, ppc64le, s390x, riscv64)"
            }
        }
    }

    /// `architecture` is an OCI name; nil picks the project's own (amd64 when it has several including x86_64).
    public init(report: ScanReport, architecture: String?) throws(ProfileError) {
        let machines = Set(report.artifacts.filter { $0.facts.linkage != .relocatable }.map(\.facts.machine))
        let machine: String
        if let architecture {
            guard let found = Self.machine(forArchitecture: architecture) else { throw .unknownArchitecture(architecture) }
            machine = found
        } else if machines.count == 1 {
            machine = machines.first!
        } else if machines.contains("x86_64") || machines.isEmpty {
            machine = "x86_64"
        } else {
            machine = machines.sorted().first!
        }
        self.machine = machine
        self.architecture = Machine.platformArchitecture(machine) ?? machine
        let ours = report.artifacts.filter { $0.facts.machine == machine || $0.facts.linkage == .relocatable }
        self.artifacts = ours
        self.otherArchitectureArtifacts = report.artifacts.filter { $0.facts.machine != machine && $0.facts.linkage != .relocatable }.map(\.path)
        self.requirements = Requirements(artifacts: ours, node: report.requirements.node, python: report.requirements.python)
        let ourPaths = Set(ours.map(\.path))
        let allPaths = Set(report.artifacts.map(\.path))
        self.findings = report.findings.filter { ourPaths.contains($0.path) || !allPaths.contains($0.path) }
    }

    static func machine(forArchitecture architecture: String) -> String? {
        let known = ["x86_64", "aarch64", "arm", "i386", "ppc64le", "s390x", "riscv64", "mips64el", "loongarch64"]
        if known.contains(architecture) { return architecture }
        return known.first { Machine.platformArchitecture($0) == architecture || Machine.platformArchitecture($0) == architecture.split(separator: "/").first.map(String.init) }
    }
}
