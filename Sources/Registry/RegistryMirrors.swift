import Domain
import Foundation

/// Registry mirrors: `--registry-mirror SOURCE=TARGET` (and `BASEFIT_REGISTRY_MIRRORS`,
/// comma-separated). A reference whose registry is SOURCE is fetched from TARGET instead,
/// with the same repository path, tag and digest; Docker Hub's implied `library/` prefix is
/// written out, since a mirror is an ordinary registry. TARGET may carry a path prefix
/// (`mirror.example/dockerhub`). `docker.io`, `index.docker.io` and `registry-1.docker.io`
/// all name Docker Hub. Messages keep naming the original reference.
public struct RegistryMirrors: Sendable, Hashable {
    /// Source registry (nil: Docker Hub) → target `host[:port][/prefix]`.
    public private(set) var targets: [String?: String] = [:]

    public init() {}

    /// Parses `SOURCE=TARGET` entries; `environment` adds `BASEFIT_REGISTRY_MIRRORS`
    /// (the options win over it for the same source).
    public init(_ entries: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws(RegistryError) {
        let fromEnvironment = (environment["BASEFIT_REGISTRY_MIRRORS"] ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for (entry, origin) in fromEnvironment.map({ ($0, "BASEFIT_REGISTRY_MIRRORS") }) + entries.map({ ($0, "--registry-mirror") }) {
            let parts = entry.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
                  !parts[0].contains("/"), !parts[1].hasPrefix("/"), !parts[1].contains("://") else {
                throw RegistryError(.badReference, reference: "\(origin) \(entry)",
                                    detail: "give SOURCE=TARGET registries, e.g. docker.io=127.0.0.1:5000 (no scheme, no path on SOURCE)")
            }
            var target = parts[1].lowercased()
            while target.hasSuffix("/") { target.removeLast() }
            targets[Self.registryKey(parts[0])] = target
        }
    }

    public var isEmpty: Bool { targets.isEmpty }

    /// Docker Hub's spellings are one registry (nil, as `ImageReference` holds it).
    static func registryKey(_ host: String) -> String? {
        let lower = host.lowercased()
        return ["docker.io", "index.docker.io", "registry-1.docker.io"].contains(lower) ? nil : lower
    }

    /// The mirror (`host[:port][/prefix]`) the reference is fetched from, if any.
    public func target(for reference: ImageReference) -> String? {
        targets[reference.registry.flatMap { Self.registryKey($0) }]
    }

    /// The reference as it is fetched: on the mirror when one is set for its registry.
    public func apply(_ reference: ImageReference) -> ImageReference {
        guard let target = target(for: reference) else { return reference }
        var host = target
        var prefix: String?
        if let slash = target.firstIndex(of: "/") {
            host = String(target[..<slash])
            prefix = String(target[target.index(after: slash)...])
        }
        var repository = reference.repository
        if reference.registry == nil && !repository.contains("/") { repository = "library/" + repository }
        if let prefix, !prefix.isEmpty { repository = prefix + "/" + repository }
        var mirrored = reference
        mirrored.registry = host
        mirrored.repository = repository
        return mirrored
    }
}

extension RegistryOptions {
    /// Where a reference is fetched (through a mirror) and the credentials for that registry.
    func route(_ reference: ImageReference) -> (reference: ImageReference, credentials: RegistryCredentials?) {
        let target = mirrors.apply(reference)
        return (target, credentials ?? RegistryCredentials.lookup(host: target.registry))
    }

    /// An error met on a mirror, renamed after the reference the user named (and the mirror).
    func relabel(_ error: RegistryError, _ reference: ImageReference) -> RegistryError {
        guard let target = mirrors.target(for: reference) else { return error }
        return RegistryError(error.kind, reference: ImageLocation.registry(reference).description,
                             detail: "\(error.detail) (via mirror \(target))")
    }
}
