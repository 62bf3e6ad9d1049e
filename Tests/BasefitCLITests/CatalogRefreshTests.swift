import Foundation
import ImageCatalog
import Testing
import TestSupport

/// `catalog refresh` and `--registry-mirror` against the loopback registry: the bookworm roots
/// pushed as a two-platform `library/debian:bookworm-slim`, Docker Hub mirrored to it. The
/// figures written are checked against skopeo's view of the registry and readelf's of the
/// roots; every failure leaves the Data/ copy byte for byte as it was.
@Suite(.serialized) struct CatalogRefreshTests {
    let registry: LocalRegistry?

    init() throws {
        registry = LocalRegistry.shared()
        if let registry { try Self.pushSlim(registry) }
    }

    nonisolated(unsafe) static var pushed = false
    static let lock = NSLock()

    /// `library/debian:bookworm-slim`: an index of the amd64 and arm64 bookworm images.
    static func pushSlim(_ registry: LocalRegistry) throws {
        lock.lock()
        defer { lock.unlock() }
        guard !pushed else { return }
        try registry.run(["index", registry.open + "/library/debian:bookworm-slim", registry.open + "/debian:bookworm", registry.open + "/debian:bookworm-arm64"])
        pushed = true
    }

    func temporary(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-\(name)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A copy of the repository's Data/ (images/ and measured/ are what refresh touches).
    func dataCopy() throws -> String {
        let directory = try temporary("refresh-data")
        try FileManager.default.removeItem(atPath: directory)
        try FileManager.default.copyItem(atPath: TestPaths.packageRoot.appendingPathComponent("Data").path, toPath: directory)
        return directory
    }

    /// Every file under `directory` with its bytes.
    func snapshot(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            }
        }
        return files
    }

    func basefit(_ arguments: [String], cache: String) throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment["BASEFIT_CACHE_DIR"] = cache
        environment["HOME"] = cache
        environment.removeValue(forKey: "REGISTRY_AUTH_FILE")
        environment.removeValue(forKey: "XDG_RUNTIME_DIR")
        environment.removeValue(forKey: "BASEFIT_REGISTRY_MIRRORS")
        return try Run.program(TestPaths.executable.path, arguments, environment: environment)
    }

    /// A blob of the open registry as curl fetches it, parsed as JSON.
    func rawBlob(_ registry: LocalRegistry, repository: String, digest: String) throws -> [String: Any] {
        let result = try Run.program(try #require(Run.which("curl")), ["-sf", "http://\(registry.open)/v2/\(repository)/blobs/\(digest)"])
        return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    func row(_ reference: String, in data: String) throws -> [String: Any] {
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: data + "/images/debian.json"))) as? [String: Any]
        let rows = try #require(file?["images"] as? [[String: Any]])
        return try #require(rows.first { $0["reference"] as? String == reference })
    }

    /// readelf's view of a root's library directory: every SONAME of the shared objects there,
    /// and every name there that leads to one (what the loader can open by that name).
    func loadableNames(root: String, directory: String) throws -> Set<String> {
        let folder = root + "/usr/lib/" + directory
        var names = Set<String>()
        var files: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.contains(".so") {
            let resolved = URL(fileURLWithPath: folder + "/" + name).resolvingSymlinksInPath().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let header = try Run.program(try #require(Run.which("readelf")), ["-h", resolved])
            guard header.status == 0, header.stdout.contains("DYN (Shared object file)") else { continue }
            names.insert(name)
            if resolved == folder + "/" + name { files.append(resolved) }
        }
        let dynamic = try Run.program(try #require(Run.which("readelf")), ["-d"] + files)
        for line in dynamic.stdout.split(separator: "\n") where line.contains("(SONAME)") {
            if let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") {
                names.insert(String(line[line.index(after: open)..<close]))
            }
        }
        return names
    }

    @Test func refreshThroughAMirrorWritesWhatTheRegistryServes() throws {
        guard let registry else { return }
        try withDataCopy { data, cache, before in try refreshThroughAMirror(registry, data: data, cache: cache, before: before) }
    }

    /// Runs `body` on a fresh copy of Data/ (with its snapshot) and a fresh blob cache.
    func withDataCopy(_ body: (String, String, [String: Data]) throws -> Void) throws {
        let data = try dataCopy()
        let cache = try temporary("refresh-cache")
        defer {
            try? FileManager.default.removeItem(atPath: data)
            try? FileManager.default.removeItem(atPath: cache)
        }
        try body(data, cache, try snapshot(data))
    }

    func refreshThroughAMirror(_ registry: LocalRegistry, data: String, cache: String, before: [String: Data]) throws {
        let oldRows = try (JSONSerialization.jsonObject(with: before["images/debian.json"]!) as? [String: Any])?["images"] as? [[String: Any]]
        // "debian:12-slim" is a tag of the debian:bookworm-slim row.
        let result = try basefit(["catalog", "refresh", "debian:12-slim", "--data", data, "--registry-mirror", "docker.io=\(registry.open)",
                                  "--tls-verify=false", "--verbose"], cache: cache)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("via mirror \(registry.open)"), "\(result.stderr)")
        #expect(result.stdout.contains("debian:bookworm-slim:") && result.stdout.contains("digest: (none) → sha256:"), "\(result.stdout)")

        let slim = registry.open + "/library/debian:bookworm-slim"
        let index = try registry.rawManifest(slim)
        let row = try row("debian:bookworm-slim", in: data)
        #expect(row["digest"] as? String == (try registry.manifestDigest(slim)))
        let sizes = try #require(row["sizes"] as? [[String: Any]])
        let entries = try #require(index["manifests"] as? [[String: Any]])
        for (architecture, root, directory) in [("amd64", "bookworm", "x86_64-linux-gnu"), ("arm64", "bookworm-arm64", "aarch64-linux-gnu")] {
            let entry = try #require(entries.first { ($0["platform"] as? [String: Any])?["architecture"] as? String == architecture })
            let digest = try #require(entry["digest"] as? String)
            let manifest = try registry.rawManifest(registry.open + "/library/debian@" + digest)
            let layers = try #require(manifest["layers"] as? [[String: Any]])
            let size = try #require(sizes.first { $0["arch"] as? String == architecture })
            #expect((size["compressedBytes"] as? NSNumber)?.int64Value == layers.reduce(Int64(0)) { $0 + (($1["size"] as? NSNumber)?.int64Value ?? 0) })
            #expect(size["estimate"] as? Bool == false)
            #expect(size["date"] as? String == Run.today)
            #expect((size["source"] as? String)?.contains("measured from docker.io/library/debian@\(digest) on \(Run.today)") == true, "\(size)")
            let name = "debian-bookworm-slim-\(architecture)"
            let measured = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: data + "/measured/\(name).json"))) as? [String: Any])
            #expect(measured["architecture"] as? String == architecture)
            #expect((measured["measuredBy"] as? String)?.hasPrefix("measured from \(digest) on \(Run.today)") == true)
            let sonames = Set(((measured["libraries"] as? [[String: Any]]) ?? []).compactMap { $0["soname"] as? String })
            #expect(sonames == (try loadableNames(root: DebianRoots.path(root), directory: directory)), "\(architecture)")
            #expect((size["uncompressedBytes"] as? NSNumber)?.int64Value == (measured["totalBytes"] as? NSNumber)?.int64Value)
            // The row's layers are the image config's rootfs.diff_ids.
            let config = try rawBlob(registry, repository: "library/debian", digest: try #require((manifest["config"] as? [String: Any])?["digest"] as? String))
            let diffIDs = (config["rootfs"] as? [String: Any])?["diff_ids"] as? [String]
            #expect(diffIDs?.isEmpty == false)
            #expect((row["layers"] as? [String: [String]])?[architecture] == diffIDs)
        }
        #expect(row["measured"] as? [String] == ["debian-bookworm-slim-amd64", "debian-bookworm-slim-arm64"])
        // arm/v7, 386 and ppc64le are not in the mirror's index: their figures stay.
        let oldRow = try #require(oldRows?.first { $0["reference"] as? String == "debian:bookworm-slim" })
        let oldSizes = try #require(oldRow["sizes"] as? [[String: Any]])
        #expect(sizes.count == oldSizes.count)
        // Nothing else changed: other files byte-identical, other rows equal.
        let after = try snapshot(data)
        #expect(Set(after.keys) == Set(before.keys).union(["measured/debian-bookworm-slim-amd64.json", "measured/debian-bookworm-slim-arm64.json"]))
        for (name, bytes) in before where name != "images/debian.json" { #expect(after[name] == bytes, "\(name) changed") }
        let newRows = try (JSONSerialization.jsonObject(with: after["images/debian.json"]!) as? [String: Any])?["images"] as? [[String: Any]]
        for (old, new) in zip(oldRows ?? [], newRows ?? []) where old["reference"] as? String != "debian:bookworm-slim" {
            #expect(NSDictionary(dictionary: old).isEqual(to: new), "\(old["reference"] ?? "?") changed")
        }

        // The refreshed data builds, and the row's libraries are its own measured files.
        let images = try CatalogBuilder.images(from: CatalogDataSet.load(directory: data))
        let image = try #require(images.first { $0.reference == "debian:bookworm-slim" })
        let amd64 = try #require(try JSONSerialization.jsonObject(with: after["measured/debian-bookworm-slim-amd64.json"]!) as? [String: Any])
        #expect(Set(image.libraries.keys) == Set(((amd64["libraries"] as? [[String: Any]]) ?? []).compactMap { $0["soname"] as? String }))
        #expect(image.digest == row["digest"] as? String)
        // …and embeds: scripts/embed-catalog.py run on a tree holding the copy.
        let tree = try temporary("refresh-embed")
        defer { try? FileManager.default.removeItem(atPath: tree) }
        try FileManager.default.createDirectory(atPath: tree + "/scripts", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: tree + "/Sources/ImageCatalog", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.packageRoot.appendingPathComponent("scripts/embed-catalog.py").path, toPath: tree + "/scripts/embed-catalog.py")
        try FileManager.default.copyItem(atPath: data, toPath: tree + "/Data")
        let embed = try Run.program(try #require(Run.which("python3")), [tree + "/scripts/embed-catalog.py"])
        #expect(embed.status == 0, "\(embed.stdout)\(embed.stderr)")
        let embedded = try String(contentsOfFile: tree + "/Sources/ImageCatalog/EmbeddedCatalogData.swift", encoding: .utf8)
        #expect(embedded.contains("\"measured/debian-bookworm-slim-arm64.json\": #\"\"\""))

        // A second refresh of the same digest changes nothing (and the files round-trip).
        let again = try basefit(["catalog", "refresh", "debian:bookworm-slim", "--data", data, "--registry-mirror", "docker.io=\(registry.open)",
                                 "--tls-verify=false"], cache: cache)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("nothing changed"), "\(again.stdout)")
        #expect(try snapshot(data) == after)
    }

    @Test func aFailedRefreshChangesNothingAndExits2() throws {
        guard let registry else { return }
        try withDataCopy { data, cache, before in try failedRefreshes(registry, data: data, cache: cache, before: before) }
    }

    func failedRefreshes(_ registry: LocalRegistry, data: String, cache: String, before: [String: Data]) throws {
        // A registry that is down.
        let down = "127.0.0.1:\(ScriptServer.unusedPort())"
        let unreachable = try basefit(["catalog", "refresh", "debian:bookworm-slim", "--data", data, "--registry-mirror", "docker.io=\(down)",
                                       "--tls-verify=false"], cache: cache)
        #expect(unreachable.status == 2)
        #expect(unreachable.stderr.contains("catalog refresh debian:bookworm-slim") && unreachable.stderr.contains("cannot reach the registry")
                && unreachable.stderr.contains("via mirror \(down)"), "\(unreachable.stderr)")
        #expect(try snapshot(data) == before)
        // One row measured, the next one's tag missing: nothing is written.
        let missing = try basefit(["catalog", "refresh", "debian:bookworm-slim", "debian:trixie-slim", "--data", data,
                                   "--registry-mirror", "docker.io=\(registry.open)", "--tls-verify=false"], cache: cache)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("catalog refresh debian:trixie-slim") && missing.stderr.contains("not found"), "\(missing.stderr)")
        #expect(missing.stderr.contains("nothing in \(data) was changed"), "\(missing.stderr)")
        #expect(try snapshot(data) == before)
        // A reference that is no row.
        let unknown = try basefit(["catalog", "refresh", "debian:sid-nonesuch", "--data", data], cache: cache)
        #expect(unknown.status == 2 && unknown.stderr.contains("not in the catalog"), "\(unknown.stderr)")
        #expect(try snapshot(data) == before)
    }

    /// The patch pins the digest the (mirrored) registry serves for the recommended reference.
    @Test func thePatchPinsTheRegistrysDigest() throws {
        guard let registry else { return }
        let cache = try temporary("refresh-cache")
        let directory = try temporary("refresh-patch")
        defer {
            try? FileManager.default.removeItem(atPath: cache)
            try? FileManager.default.removeItem(atPath: directory)
        }
        let project = TestPaths.packageRoot.appendingPathComponent("Fixtures/projects/node-napi-rs").path
        let json = try basefit(["recommend", project, "--format", "json"], cache: cache)
        let recommended = try #require((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["recommended"] as? String)
        // Serve the recommended reference from the loopback registry, as a mirror of its own.
        var parts = recommended.split(separator: "/").map(String.init)
        let host = parts.count > 1 && (parts[0].contains(".") || parts[0].contains(":")) ? parts.removeFirst() : "docker.io"
        var path = parts.joined(separator: "/")
        if host == "docker.io" && parts.count == 1 { path = "library/" + path }
        if !(path.split(separator: "/").last ?? "").contains(":") { path += ":latest" }
        try registry.run(["push", registry.layout + ":bookworm", registry.open + "/" + path])
        let digest = try registry.manifestDigest(registry.open + "/" + path)

        let dockerfile = directory + "/Dockerfile"
        try "FROM node:22-bookworm\nCMD [\"index.js\"]\n".write(toFile: dockerfile, atomically: true, encoding: .utf8)
        let patch = try basefit(["recommend", project, "--dockerfile", dockerfile, "--format", "patch",
                                 "--registry-mirror", "\(host)=\(registry.open)", "--tls-verify=false", "--verbose"], cache: cache)
        #expect(patch.status == 0, "\(patch.stderr)")
        #expect(patch.stdout.contains("+FROM \(recommended)@\(digest)\n"), "\(patch.stdout)")
        #expect(patch.stderr.contains("via mirror \(registry.open)") && !patch.stderr.contains("records no digest"), "\(patch.stderr)")
        // --offline does not ask: unpinned, with the warning.
        let offline = try basefit(["recommend", project, "--dockerfile", dockerfile, "--format", "patch", "--offline",
                                   "--registry-mirror", "\(host)=\(registry.open)", "--tls-verify=false"], cache: cache)
        #expect(offline.status == 0)
        #expect(offline.stdout.contains("+FROM \(recommended)\n") && offline.stderr.contains("records no digest"), "\(offline.stdout)\(offline.stderr)")
        // A mirror that is down: a note, the warning, exit 0, and quickly.
        let down = "127.0.0.1:\(ScriptServer.unusedPort())"
        let started = Date()
        let failed = try basefit(["recommend", project, "--dockerfile", dockerfile, "--format", "patch",
                                  "--registry-mirror", "\(host)=\(down)", "--tls-verify=false"], cache: cache)
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(failed.status == 0)
        #expect(failed.stdout.contains("+FROM \(recommended)\n"), "\(failed.stdout)")
        #expect(failed.stderr.contains("could not ask the registry") && failed.stderr.contains("records no digest"), "\(failed.stderr)")
    }
}
