import ELFInspection
import ImageCatalog
import ProjectScan

extension Evaluator {
    /// `.whl` files given as input whose platform tags pip refuses on the image: a manylinux
    /// wheel on musl, a musllinux one on glibc, a manylinux_2_39 one on glibc 2.36. pip will
    /// not install them there ("is not a supported wheel on this platform"), whatever their
    /// files need. Judged for the wheels that have a tag for the architecture being judged
    /// (one for another architecture is that architecture's business); `linux_<arch>` and
    /// `any` install on every Linux of the architecture, as pip has them.
    func wheelPlatformProblems(_ profile: ProjectProfile, _ image: Image) -> [Problem] {
        guard let python = profile.requirements.python, !python.wheelPlatformTags.isEmpty,
              let platform = Self.lockfilePlatform(image, architecture: profile.architecture),
              let accepted = WheelTags.platformTags(for: platform).map(Set.init) else { return [] }
        return python.wheelPlatformTags.keys.sorted().compactMap { wheel in
            let tags = python.wheelPlatformTags[wheel]!
            let forThisMachine = tags.filter { tag in
                tag == "any" || PlatformTag(tag).architecture.map { $0.runs(on: profile.architecture) } == true
            }
            guard !forThisMachine.isEmpty, !forThisMachine.contains(where: { $0 == "any" || accepted.contains($0) }) else { return nil }
            let families = Set(forThisMachine.map(PlatformTag.init).compactMap(\.libc))
            let kind: Problem.Kind = !families.contains(platform.libc) ? .libcMismatch
                : platform.libc == .musl ? .muslTooOld : .glibcTooOld
            let have = "\(platform.libc.rawValue)\(platform.libcVersion.map { " \($0)" } ?? "")"
            return Problem(
                kind: kind, artifact: wheel, artifacts: [wheel], library: nil, version: forThisMachine.joined(separator: "."), symbols: [],
                message: "\(wheel) is tagged \(forThisMachine.joined(separator: ", ")): pip does not install it on \(image.reference) (\(have)), "
                    + "whatever its files need (\"is not a supported wheel on this platform\")",
                fix: Fix(advice: platform.libc == .musl
                    ? "install the package's musllinux wheel (or build it from source in the image), or use a glibc image"
                    : "install a manylinux wheel of the package for glibc \(platform.libcVersion.map { "\($0)" } ?? "") or older, or use an image the wheel's tag names"))
        }
    }
}
