import ELFInspection
import ImageCatalog

/// Files besides libraries: what a program reads at run time that the loader never checks.
extension Evaluator {
    /// Loading is not running: a program that verifies TLS needs CA certificates, one
    /// that loads time zones needs tzdata, one that looks users up needs /etc/passwd.
    func systemFileProblems(_ profile: ProjectProfile, _ image: Image, added: Set<SystemFile>)
        -> (problems: [Problem], notes: [String]) {
        var users: [SystemFile: [(path: String, evidence: String)]] = [:]
        for file in profile.files where file.isLoadable {
            for use in file.systemFiles { users[use.file, default: []].append((file.path, use.evidence)) }
        }
        var problems: [Problem] = []
        var notes: [String] = []
        for system in users.keys.sorted() where !added.contains(system) {
            let who = users[system]!
            let more = who.count > 1 ? " (and \(who.count - 1) more)" : ""
            switch Self.has(system, image) {
            case true?: continue
            case nil:
                notes.append("\(who[0].path) reads \(system.displayName) (\(who[0].evidence)); whether \(image.reference) has them is not recorded")
            case false?:
                let better = smallest(having: Set(users.keys), like: image, profile.architecture)
                let advice = (better.map { "use \($0.reference) (\(Self.aboutMB($0.size(for: profile.architecture)?.compressedBytes))), the smallest image that has them, or " } ?? "")
                    + "copy them in from a build stage (COPY --from=build \(Self.path(system)) \(Self.path(system)))"
                // An image with a package manager installs them (same package name on apt, apk and dnf).
                let package = system == .caCertificates ? "ca-certificates" : (system == .timeZones ? "tzdata" : nil)
                var install: Fix.Install?
                if let manager = image.packageManager, let package {
                    install = Fix.Install(manager: manager, package: package, bytes: nil, estimate: true)
                }
                problems.append(Problem(
                    kind: .missingFile, artifact: who[0].path, artifacts: who.map(\.path), library: nil, version: nil, symbols: [who[0].evidence],
                    message: "\(who[0].path)\(more) reads \(system.displayName) at run time (\(who[0].evidence)); \(image.reference) has none",
                    fix: Fix(install: install, advice: advice)))
            }
        }
        return (problems, notes)
    }

    /// `about 2.0 MB` (decimal megabytes, as registries report).
    static func aboutMB(_ bytes: Int64?) -> String {
        guard let bytes else { return "size unknown" }
        let tenths = (bytes + 50_000) / 100_000
        return "about \(tenths / 10).\(tenths % 10) MB"
    }

    /// Whether the image has the file (nil: not recorded).
    static func has(_ file: SystemFile, _ image: Image) -> Bool? {
        if image.family == "scratch" { return false }
        switch file {
        case .caCertificates: return image.files?.caCertificates
        case .timeZones: return image.files?.tzdata
        case .userDatabase: return image.files == nil ? nil : true
        }
    }

    static func path(_ file: SystemFile) -> String {
        switch file {
        case .caCertificates: return "/etc/ssl/certs/ca-certificates.crt"
        case .timeZones: return "/usr/share/zoneinfo"
        case .userDatabase: return "/etc/passwd"
        }
    }

    /// The smallest maintained image with the same libc that has every file in `files`.
    private func smallest(having files: Set<SystemFile>, like image: Image, _ architecture: Architecture) -> Image? {
        catalog.filter { candidate in
            candidate.libcFamily == image.libcFamily && candidate.runtime?.kind == image.runtime?.kind
                && candidate.status(on: today).isMaintained && candidate.isPublished(for: architecture)
                && files.allSatisfy { Self.has($0, candidate) == true }
        }.min {
            // A reference that can be pinned to a stable line before a floating one.
            ($0.floating == nil ? 0 : 1, $0.size(for: architecture)?.compressedBytes ?? .max)
                < ($1.floating == nil ? 0 : 1, $1.size(for: architecture)?.compressedBytes ?? .max)
        }
    }
}
