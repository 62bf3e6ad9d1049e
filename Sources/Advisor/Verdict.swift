import Domain
import ELFInspection
import ImageCatalog
import PackageKnowledge
import ProjectScan

/// How one image fares against the project's requirements.
public struct Verdict: Sendable, Hashable {
    public var image: Image
    public var architecture: Architecture
    public var problems: [Problem]
    /// Things worth knowing that do not block (discontinued image, estimated size).
    public var notes: [String]

    /// The note of an image whose size is estimated (a size shown with "(estimate)" already says it).
    public static let sizeEstimateNote = "size is an estimate"

    /// What this image leaves unjudged beyond the project's own (`unjudgedPins`: Python pins
    /// with no Python line known for it). An image with any is never recommended.
    public var unjudged: [UnjudgedFile] = []

    public var compatible: Bool { problems.isEmpty }
    /// Compatible, and nothing left unjudged on this image alone.
    public var judgedCompatible: Bool { compatible && unjudged.isEmpty }
    /// Every problem has an install that fixes it.
    public var fixable: Bool { !problems.isEmpty && problems.allSatisfy(\.isFixable) }

    /// Distinct installs that fix the fixable problems.
    public var installs: [Fix.Install] {
        var seen = Set<String>()
        return problems.compactMap(\.fix?.install).filter { seen.insert($0.manager.rawValue + " " + $0.package).inserted }
    }

    /// One command per package manager installing every package the fixes need.
    public var installCommands: [String] {
        if let installPlan, let command = installPlan.command { return [command] }
        return Dictionary(grouping: installs, by: \.manager).sorted { $0.key.rawValue < $1.key.rawValue }.map {
            Fix.Install.command($0.key, packages: $0.value.map(\.package))
        }
    }

    /// Bytes the installs add (nil when any size is unknown): the whole closure where a
    /// package index planned it.
    public var installBytes: Int64? {
        if let installPlan, installPlan.isComplete { return Int64(installPlan.bytes) }
        var total: Int64 = 0
        for install in installs {
            guard let bytes = install.bytes else { return nil }
            total += bytes
        }
        return total
    }

    public var compressedBytes: Int64? { image.size(for: architecture.sizeKey(in: image))?.compressedBytes }
    /// Whether `compressedBytes` is an estimate.
    public var sizeIsEstimate: Bool { image.size(for: architecture.sizeKey(in: image))?.estimate == true }

    /// Maintained, past its end of life, or no longer published, on the day judged.
    public var status: Image.Status

    /// The one install that fixes every missing library this image's package index can
    /// provide, with the bytes its whole closure adds.
    public var installPlan: InstallPlan?

    public init(image: Image, architecture: Architecture, problems: [Problem], notes: [String], status: Image.Status = .maintained,
                installPlan: InstallPlan? = nil) {
        self.installPlan = installPlan
        self.image = image
        self.architecture = architecture
        self.problems = problems
        self.notes = notes
        self.status = status
    }

    /// The most important problem.
    public var mainProblem: Problem? { problems.min { $0.severity < $1.severity } }
}

extension Architecture {
    /// The platform an image's size is recorded under for files of this architecture
    /// (a variant-less ARM file is sized on arm/v7).
    func sizeKey(in image: Image) -> Architecture {
        image.architectures.first { self.runs(on: $0) && $0 != self } ?? self
    }
}
