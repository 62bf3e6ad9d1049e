import Domain
import ImageCatalog
import Registry

/// `name:tag@sha256:…` whose digest the catalog did not record: the build pulls the digest, and
/// the catalog's row is the tag's as it was when the tags were read. They are the same image only
/// if the tag names that digest (its index's, or one of its platform manifests') — a pin taken
/// before the tag moved (python:3.12-slim from bookworm to trixie in 2025) is another image. The
/// registry is asked (through mirrors); without an answer the reference is not judged.
enum PinnedDigest {
    static func confirm(_ resolution: ImageResolver.Resolution, options: ImageOptions, offline: Bool) throws -> ImageResolver.Resolution {
        guard let digest = resolution.unconfirmedDigest, let reference = try? ImageReference(parsing: resolution.requested) else { return resolution }
        let tag = reference.withoutDigest
        let advice = "judge the pinned image itself (--image docker://\(resolution.requested)), or the tag as it is now (--base \(tag.taggedName))"
        guard !offline else {
            throw CLIError.inconclusive("\(resolution.requested): the catalog did not record \(digest), and --offline does not ask the registry "
                + "whether \(tag.taggedName) names it now (a pin taken before the tag moved is another image); \(advice)")
        }
        let top: ManifestTop
        do {
            var registry = try options.registryOptions()
            registry.timeout = 10
            top = try ImagePull.top(tag, options: registry)
        } catch {
            throw CLIError.inconclusive("\(resolution.requested): the catalog did not record \(digest), and the registry could not say whether "
                + "\(tag.taggedName) names it now (\(error)); \(advice)")
        }
        guard top.digest == digest || top.manifests.contains(where: { $0.digest == digest }) else {
            throw CLIError.inconclusive("\(resolution.requested): \(tag.taggedName) names \(top.digest) now, not the pinned \(digest): the pin is "
                + "an image the catalog does not hold (taken before the tag moved?); \(advice)")
        }
        var confirmed = resolution
        confirmed.unconfirmedDigest = nil
        confirmed.notes = confirmed.notes.filter { !$0.hasPrefix("digest ") }
            + ["\(digest.prefix(19))… is what \(tag.taggedName) names now (asked the registry): judged as its row"]
        return confirmed
    }
}
