import Domain
// `docker save` / `skopeo copy docker-archive:` output: a tar holding manifest.json, the config
// JSON and one file per layer (legacy `<id>/layer.tar`, often a symlink to `<diffid>.tar`, or
// `blobs/sha256/<hex>` since Docker 25). Read twice: once for the member table and manifest.json,
// once to copy the config and the layers it names to a scratch directory.

import Foundation

enum DockerArchive {
    struct Extracted {
        var config: RawImageConfig
        var layers: [(path: String, label: String)]
        var compressedBytes: UInt64
    }

    private struct Member {
        var kind: ArchiveEntryKind
        var link: String?
    }

    static let maxMembers = 100_000

    static func extract(
        _ archive: String, reference: String?, scratch: String, limits: UnpackLimits
    ) throws(ImageLayersError) -> Extracted {
        // Pass 1: the member table and manifest.json.
        var members: [String: Member] = [:]
        var manifestData: Data?
        do {
            let reader = try ArchiveReader(path: archive, format: .tar)
            while let header = try reader.nextHeader() {
                guard members.count < maxMembers else {
                    throw ImageLayersError(.limitExceeded, path: archive, detail: "more than \(maxMembers) members")
                }
                guard let raw = String(validating: header.pathBytes, as: UTF8.self),
                      let name = lexical(raw, from: "") else { continue }
                let link = header.linkBytes.flatMap { String(validating: $0, as: UTF8.self) }
                members[name] = Member(kind: header.kind, link: link)
                if name == "manifest.json", header.kind == .regular {
                    manifestData = try BlobFiles.readEntry(reader, member: "\(archive)!/manifest.json")
                }
            }
        }
        guard let manifestData else {
            throw ImageLayersError(.malformed, path: archive, detail: "no manifest.json: not a docker save archive")
        }
        let manifestPath = "\(archive)!/manifest.json"
        let entries = try JSONDocument.decode([DockerManifestEntry].self, from: manifestData, path: manifestPath, what: "docker manifest")
        let entry = try select(entries, reference: reference, path: manifestPath)

        // Which regular members hold the config and each layer.
        let configMember = try resolve(entry.Config, members: members, archive: archive)
        let layerMembers = try entry.Layers.map { layer throws(ImageLayersError) in
            try resolve(layer, members: members, archive: archive)
        }
        var wanted: [String: String] = [:]  // member → scratch file
        for member in [configMember] + layerMembers where wanted[member] == nil {
            wanted[member] = URL(fileURLWithPath: scratch).appendingPathComponent("member-\(wanted.count)").path
        }

        // Pass 2: copy them out, digesting on the way.
        var copied: [String: (hex: String, size: UInt64)] = [:]
        var budget = limits.maxBytes
        do {
            let reader = try ArchiveReader(path: archive, format: .tar)
            while let header = try reader.nextHeader() {
                guard header.kind == .regular,
                      let raw = String(validating: header.pathBytes, as: UTF8.self),
                      let name = lexical(raw, from: ""), let file = wanted[name], copied[name] == nil
                else { continue }
                let result = try BlobFiles.copyEntry(reader, to: file, member: "\(archive)!/\(name)", budget: budget)
                budget -= result.size
                copied[name] = result
            }
        }

        guard let configCopy = copied[configMember], let configFile = wanted[configMember] else {
            throw ImageLayersError(.malformed, path: archive, detail: "config \(configMember) has no data")
        }
        let configLabel = "\(archive)!/\(configMember)"
        if let named = digestInName(configMember), named != configCopy.hex {
            throw ImageLayersError(.digestMismatch, path: configLabel, detail: "config's sha256 is \(configCopy.hex), its name says \(named)")
        }
        let configData = try BlobFiles.readDocument(configFile, what: "image config")
        let config = try JSONDocument.decode(RawImageConfig.self, from: configData, path: configLabel, what: "image config")
        let diffIDs = config.rootfs?.diff_ids ?? []
        guard diffIDs.count == layerMembers.count else {
            throw ImageLayersError(
                .malformed, path: configLabel,
                detail: "config lists \(diffIDs.count) diff_ids for \(layerMembers.count) layers")
        }

        var layers: [(path: String, label: String)] = []
        var compressed: UInt64 = 0
        for (index, member) in layerMembers.enumerated() {
            let label = "\(archive)!/\(member)"
            guard let copy = copied[member], let file = wanted[member] else {
                throw ImageLayersError(.malformed, path: label, detail: "layer has no data")
            }
            if let named = digestInBlobPath(member), named != copy.hex {
                throw ImageLayersError(.digestMismatch, path: label, detail: "layer's sha256 is \(copy.hex), its name says \(named)")
            }
            let diffID = try Digest(diffIDs[index], path: configLabel)
            if copy.hex != diffID.hex {
                let uncompressed = try BlobFiles.uncompressedDigest(ofLayer: file)
                guard uncompressed == diffID.hex else {
                    throw ImageLayersError(
                        .digestMismatch, path: label,
                        detail: "layer's uncompressed sha256 is \(uncompressed), the config's diff_id says \(diffID.hex)")
                }
            }
            compressed += copy.size
            layers.append((file, member))
        }
        return Extracted(config: config, layers: layers, compressedBytes: compressed)
    }

    /// Picks the manifest entry whose RepoTags hold `reference`, or the only one.
    private static func select(
        _ entries: [DockerManifestEntry], reference: String?, path: String
    ) throws(ImageLayersError) -> DockerManifestEntry {
        let tags = entries.flatMap { $0.RepoTags ?? [] }
        guard let reference else {
            guard entries.count == 1 else {
                throw ImageLayersError(
                    .selection, path: path,
                    detail: "\(entries.count) images in the archive (\(tags.joined(separator: ", "))); choose with a reference")
            }
            return entries[0]
        }
        let wanted = normalizedReference(reference)
        let matching = entries.filter { ($0.RepoTags ?? []).contains { normalizedReference($0) == wanted } }
        guard matching.count == 1 else {
            throw ImageLayersError(
                .selection, path: path,
                detail: matching.isEmpty
                    ? "no image tagged \(reference); tags: \(tags.isEmpty ? "none" : tags.joined(separator: ", "))"
                    : "\(matching.count) images tagged \(reference)")
        }
        return matching[0]
    }

    /// "docker.io/library/debian:latest", "library/debian" and "debian" are one reference.
    static func normalizedReference(_ reference: String) -> String {
        (try? ImageReference(parsing: reference))?.description ?? reference
    }

    /// Follows symbolic and hard links between members (bounded) to a regular member.
    private static func resolve(_ name: String, members: [String: Member], archive: String) throws(ImageLayersError) -> String {
        guard var current = lexical(name, from: "") else {
            throw ImageLayersError(.malformed, path: archive, detail: "manifest names \(name), which leaves the archive")
        }
        for _ in 0..<16 {
            guard let member = members[current] else {
                throw ImageLayersError(.malformed, path: archive, detail: "manifest names \(name), which the archive does not hold")
            }
            switch member.kind {
            case .regular:
                return current
            case .symlink:
                let directory = current.split(separator: "/").dropLast().joined(separator: "/")
                guard let link = member.link, let next = lexical(link, from: directory) else {
                    throw ImageLayersError(.malformed, path: "\(archive)!/\(current)", detail: "symbolic link leaves the archive")
                }
                current = next
            case .hardlink:
                guard let link = member.link, let next = lexical(link, from: "") else {
                    throw ImageLayersError(.malformed, path: "\(archive)!/\(current)", detail: "hard link leaves the archive")
                }
                current = next
            default:
                throw ImageLayersError(.malformed, path: "\(archive)!/\(current)", detail: "not a regular file")
            }
        }
        throw ImageLayersError(.malformed, path: archive, detail: "too many links from \(name)")
    }

    /// Joins `path` to `directory` inside the archive, resolving `.` and `..` lexically;
    /// nil when it is absolute or climbs out.
    static func lexical(_ path: String, from directory: String) -> String? {
        if path.hasPrefix("/") { return nil }
        var parts = directory.split(separator: "/").map(String.init)
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                guard parts.popLast() != nil else { return nil }
            default: parts.append(String(part))
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }

    /// `<hex>.json` or `blobs/sha256/<hex>`.
    private static func digestInName(_ member: String) -> String? {
        if let blob = digestInBlobPath(member) { return blob }
        guard member.hasSuffix(".json"), !member.contains("/") else { return nil }
        let stem = String(member.dropLast(5))
        return Digest.isHex64(stem) ? stem : nil
    }

    private static func digestInBlobPath(_ member: String) -> String? {
        let parts = member.split(separator: "/")
        guard parts.count == 3, parts[0] == "blobs", parts[1] == "sha256", Digest.isHex64(String(parts[2])) else { return nil }
        return String(parts[2])
    }
}
