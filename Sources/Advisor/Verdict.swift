import ImageCatalog

/// How one image fares against the project's requirements.
public struct Verdict: Sendable, Hashable {
    public var image: Image
    public var architecture: String
    public var problems: [Problem]
    /// Things worth knowing that do not block (discontinued image, estimated size).
    public var notes: [String]

    public var compatible: Bool { problems.isEmpty }
    /// Every problem has an install that fixes it.
    public var fixable: Bool { !problems.isEmpty && problems.allSatisfy(\.isFixable) }

    /// Distinct installs that fix the fixable problems.
    public var installs: [Fix.Install] {
        var seen = Set<String>()
        return problems.compactMap(\.fix?.install).filter { seen.insert($0.manager + " " + $0.package).inserted }
    }

    /// Bytes the installs add (nil when any size is unknown).
    public var installBytes: Int64? {
        var total: Int64 = 0
        for install in installs {
            guard let bytes = install.bytes else { return nil }
            total += bytes
        }
        return total
    }

    public var compressedBytes: Int64? { image.size(for: architecture)?.compressedBytes }

    /// The most important problem.
    public var mainProblem: Problem? { problems.min { $0.severity < $1.severity } }
}
