import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `catalog push docker://REF` and `--catalog docker://REF` against the loopback registries
/// (LocalRegistry: an open one and an htpasswd one), and a third one serving TLS with a
/// self-signed certificate.
@Suite(.serialized) struct CatalogPushTests {
    static let artifactType = "application/vnd.basefit.catalog.v1"
    static let today = "2026-06-01"
    let registry: LocalRegistry?

    init() {
        registry = LocalRegistry.shared()
    }

    /// A scratch directory that is also the run's cache and HOME (no auth file of the machine's user).
    final class Scratch {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-push-\(UUID().uuidString.prefix(8))").path
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        func basefit(_ arguments: [String], cache: String? = nil, extra: [String: String] = [:]) throws -> ProcessResult {
            var environment = ProcessInfo.processInfo.environment.filter { !["REGISTRY_AUTH_FILE", "XDG_RUNTIME_DIR", "DOCKER_CONFIG"].contains($0.key) }
            environment.merge(["BASEFIT_CACHE_DIR": cache ?? path + "/cache", "HOME": path, "BASEFIT_TODAY": CatalogPushTests.today]) { $1 }
            environment.merge(extra) { $1 }
            return try Run.program(TestPaths.executable.path, arguments, environment: environment)
        }

        /// Blobs in a cache directory.
        func blobs(_ cache: String? = nil) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: (cache ?? path + "/cache") + "/blobs/sha256")) ?? []).sorted()
        }
    }

    func sha256(_ path: String) throws -> String {
        "sha256:" + String(try Run.program("/usr/bin/sha256sum", [path]).stdout.prefix(64))
    }

    /// `skopeo inspect --raw` of a reference, parsed (with credentials for the htpasswd registry).
    func rawManifest(_ reference: String, creds: String? = nil) throws -> [String: Any]? {
        let result = try Run.program(Run.which("skopeo")!, ["inspect", "--raw", "--tls-verify=false"] + (creds.map { ["--creds", $0] } ?? []) + ["docker://\(reference)"])
        guard result.status == 0 else { return nil }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    }

    /// A user catalog with a team row and one that overrides a built-in reference.
    func importCatalog(_ scratch: Scratch) throws -> String {
        let database = scratch.path + "/team.sqlite"
        for name in ["team/base:bookworm", "debian:bookworm-slim"] {
            let imported = try scratch.basefit(["catalog", "import", "--rootfs", DebianRoots.path("bookworm"), "--name", name, "--catalog", database])
            try #require(imported.status == 0, "\(imported.stderr)")
        }
        return database
    }

    @Test func pushToBothRegistriesThenRecommendFromTheRegistry() throws {
        guard let registry else { return }
        let scratch = try Scratch()
        let database = try importCatalog(scratch)
        let layerDigest = try sha256(database)
        let target = registry.open + "/team/catalog:v1"

        let pushed = try scratch.basefit(["catalog", "push", "docker://\(target)", "--catalog", database, "--tls-verify=false", "--verbose"])
        #expect(pushed.status == 0, "\(pushed.stdout)\(pushed.stderr)")
        #expect(pushed.stdout.contains("2 images") && pushed.stdout.contains("not the built-in one"), "\(pushed.stdout)")
        #expect(pushed.stderr.contains("uploaded the database \(layerDigest)"), "\(pushed.stderr)")
        let digest = try registry.manifestDigest(target)
        #expect(pushed.stdout.contains("docker://\(target)@\(digest)"), "\(pushed.stdout)")

        // What the registry holds: the artifact manifest skopeo reads, and the database blob byte for byte.
        let manifest = try #require(try rawManifest(target))
        #expect(manifest["artifactType"] as? String == Self.artifactType)
        #expect(manifest["mediaType"] as? String == "application/vnd.oci.image.manifest.v1+json")
        let config = try #require(manifest["config"] as? [String: Any])
        #expect(config["mediaType"] as? String == "application/vnd.oci.empty.v1+json" && config["size"] as? Int == 2)
        let layers = try #require(manifest["layers"] as? [[String: Any]])
        #expect(layers.count == 1)
        #expect(layers.first?["mediaType"] as? String == "application/vnd.basefit.catalog.v1.sqlite")
        #expect(layers.first?["digest"] as? String == layerDigest)
        let annotations = try #require(manifest["annotations"] as? [String: String])
        #expect(annotations["org.opencontainers.image.created"] == "\(Self.today)T00:00:00Z")
        #expect(annotations["vnd.basefit.catalog.images"] == "2")
        #expect(annotations["vnd.basefit.catalog.schema"]?.hasPrefix("v") == true)
        #expect(annotations["vnd.basefit.version"]?.isEmpty == false)
        let blob = scratch.path + "/blob"
        let curl = try Run.program(Run.which("curl")!, ["-sf", "-o", blob, "http://\(registry.open)/v2/team/catalog/blobs/\(layerDigest)"])
        #expect(curl.status == 0)
        #expect(FileManager.default.contents(atPath: blob) == FileManager.default.contents(atPath: database))

        // Pushed again with the clock fixed: the same manifest, and the database is not sent twice.
        let again = try scratch.basefit(["catalog", "push", "docker://\(target)", "--catalog", database, "--tls-verify=false", "--verbose"])
        #expect(again.status == 0)
        #expect(again.stderr.contains("already has the database"), "\(again.stderr)")
        #expect(try registry.manifestDigest(target) == digest)

        // The htpasswd registry: refused without credentials (nothing tagged), accepted with --creds.
        let privateTarget = registry.auth + "/team/catalog:v1"
        let refused = try scratch.basefit(["catalog", "push", "docker://\(privateTarget)", "--catalog", database, "--tls-verify=false"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("unauthorized"), "\(refused.stderr)")
        let creds = "\(LocalRegistry.user):\(LocalRegistry.password)"
        #expect(try rawManifest(privateTarget, creds: creds) == nil)
        let withCreds = try scratch.basefit(["catalog", "push", "docker://\(privateTarget)", "--catalog", database, "--tls-verify=false", "--creds", creds])
        #expect(withCreds.status == 0, "\(withCreds.stderr)")
        #expect(try rawManifest(privateTarget, creds: creds)?["artifactType"] as? String == Self.artifactType)
        // The same credentials from an auth file (podman/skopeo login's auth.json).
        let authFile = scratch.path + "/auth.json"
        let token = Data(creds.utf8).base64EncodedString()
        try Data(#"{"auths":{"\#(registry.auth)":{"auth":"\#(token)"}}}"#.utf8).write(to: URL(fileURLWithPath: authFile))
        let fromFile = try scratch.basefit(["catalog", "push", "docker://\(registry.auth)/team/catalog:v2", "--catalog", database, "--tls-verify=false"],
                                           extra: ["REGISTRY_AUTH_FILE": authFile])
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        #expect(try rawManifest(registry.auth + "/team/catalog:v2", creds: creds)?["artifactType"] as? String == Self.artifactType)

        // recommend with the registry's catalog in a fresh cache: the team row is a candidate, the
        // overriding row says so, and the database lands in the cache under its digest.
        let project = TestPaths.elf("hello-glibc")
        let cache = scratch.path + "/fresh-cache"
        let first = try scratch.basefit(["recommend", project, "--catalog", "docker://\(target)", "--tls-verify=false", "--format", "json", "--verbose"], cache: cache)
        #expect(first.status == 0, "\(first.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let candidates = ((json["candidates"] as? [[String: Any]]) ?? []).compactMap { $0["image"] as? String }
        #expect(candidates.contains("team/base:bookworm"), "\(candidates)")
        #expect(candidates.count > 2)  // the built-in catalog is still there
        #expect(first.stderr.contains("debian:bookworm-slim from docker://\(target)@\(digest) overrides the built-in catalog row"), "\(first.stderr)")
        #expect(first.stderr.contains("downloaded its database \(layerDigest)"), "\(first.stderr)")
        #expect(scratch.blobs(cache) == [String(layerDigest.dropFirst(7))])
        let stored = cache + "/blobs/sha256/" + String(layerDigest.dropFirst(7))
        #expect(try sha256(stored) == layerDigest)

        // Second run, manifest unchanged: no blob fetched, the cached one not rewritten.
        let inode = (try FileManager.default.attributesOfItem(atPath: stored)[.systemFileNumber] as? Int)
        let second = try scratch.basefit(["recommend", project, "--catalog", "docker://\(target)", "--tls-verify=false", "--verbose"], cache: cache)
        #expect(second.status == 0)
        #expect(second.stderr.contains("is in the cache (fetched the manifest only)"), "\(second.stderr)")
        #expect(scratch.blobs(cache) == [String(layerDigest.dropFirst(7))])
        #expect((try FileManager.default.attributesOfItem(atPath: stored)[.systemFileNumber] as? Int) == inode)

        // The private copy, read with --creds; without them it is a clear exit 2.
        let privateUse = try scratch.basefit(["check", project, "--base", "team/base:bookworm", "--catalog", "docker://\(privateTarget)",
                                              "--tls-verify=false", "--creds", creds], cache: cache)
        #expect(privateUse.status == 0, "\(privateUse.stdout)\(privateUse.stderr)")
        #expect(privateUse.stdout.contains("compatible: team/base:bookworm"), "\(privateUse.stdout)")
        let privateRefused = try scratch.basefit(["check", project, "--base", "team/base:bookworm", "--catalog", "docker://\(privateTarget)", "--tls-verify=false"], cache: cache)
        #expect(privateRefused.status == 2 && privateRefused.stderr.contains("unauthorized"), "\(privateRefused.stderr)")

        // catalog list / show read the registry's catalog with the same registry options.
        let listed = try scratch.basefit(["catalog", "list", "--catalog", "docker://\(privateTarget)", "--tls-verify=false", "--creds", creds], cache: cache)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("team/base:bookworm"), "\(listed.stdout)")
        let shown = try scratch.basefit(["catalog", "show", "team/base:bookworm", "--catalog", "docker://\(target)", "--tls-verify=false"], cache: cache)
        #expect(shown.status == 0 && shown.stdout.contains("team/base:bookworm"), "\(shown.stdout)\(shown.stderr)")
    }

    @Test func whatIsNotAUsableCatalogIsExitTwo() throws {
        guard let registry else { return }
        let scratch = try Scratch()
        let project = TestPaths.elf("hello-glibc")
        func recommend(_ catalog: String) throws -> ProcessResult {
            try scratch.basefit(["recommend", project, "--catalog", catalog, "--tls-verify=false"])
        }
        // A container image (and a two-platform index) given as --catalog by mistake.
        let image = try recommend("docker://\(registry.open)/debian:bookworm")
        #expect(image.status == 2)
        #expect(image.stderr.contains("not a basefit catalog") && image.stderr.contains("debian:bookworm") && image.stderr.contains(Self.artifactType), "\(image.stderr)")
        let index = try recommend("docker://\(registry.open)/debian:multi")
        #expect(index.status == 2 && index.stderr.contains("image index"), "\(index.stderr)")
        #expect(scratch.blobs().isEmpty)  // no layer of theirs was downloaded

        // Registry down, tag missing: exit 2, never the built-in catalog alone.
        let down = ScriptServer.unusedPort()
        let unreachable = try recommend("docker://127.0.0.1:\(down)/team/catalog:v1")
        #expect(unreachable.status == 2)
        #expect(unreachable.stderr.contains("--catalog docker://127.0.0.1:\(down)/team/catalog:v1") && unreachable.stderr.contains("cannot reach the registry"), "\(unreachable.stderr)")
        let missing = try recommend("docker://\(registry.open)/team/no-such-catalog:v1")
        #expect(missing.status == 2 && missing.stderr.contains("not found"), "\(missing.stderr)")

        // A catalog written by a newer basefit (one more migration), pushed by hand with curl,
        // with and without the schema annotation: exit 2 naming the reference.
        let database = scratch.path + "/newer.sqlite"
        let imported = try scratch.basefit(["catalog", "import", "--rootfs", DebianRoots.path("bookworm"), "--name", "team/base:bookworm", "--catalog", database])
        try #require(imported.status == 0)
        let sql = try Run.program(Run.which("sqlite3")!, [database, "INSERT INTO grdb_migrations VALUES ('v9-from-the-future')"])
        try #require(sql.status == 0, "\(sql.stderr)")
        for (tag, annotation) in [("annotated", #","annotations":{"vnd.basefit.catalog.schema":"v9-from-the-future"}"#), ("bare", "")] {
            try pushByHand(database, to: "\(registry.open)/team/newer", tag: tag, annotations: annotation)
            let newer = try recommend("docker://\(registry.open)/team/newer:\(tag)")
            #expect(newer.status == 2, "\(newer.stdout)")
            #expect(newer.stderr.contains("docker://\(registry.open)/team/newer:\(tag)") && newer.stderr.contains("v9-from-the-future")
                    && newer.stderr.contains("upgrade basefit"), "\(newer.stderr)")
        }

        // push refuses what is not a local database.
        let noCatalog = try scratch.basefit(["catalog", "push", "docker://\(registry.open)/team/x:1"])
        #expect(noCatalog.status == 2 && noCatalog.stderr.contains("--catalog PATH"), "\(noCatalog.stderr)")
        let remote = try scratch.basefit(["catalog", "push", "docker://\(registry.open)/team/x:1", "--catalog", "docker://\(registry.open)/team/catalog:v1"])
        #expect(remote.status == 2 && remote.stderr.contains("not a docker:// reference"), "\(remote.stderr)")
    }

    /// Uploads `file` and an artifact manifest naming it with curl, as another tool would.
    func pushByHand(_ file: String, to repository: String, tag: String, annotations: String) throws {
        let script = """
            set -euo pipefail
            base=http://${1%%/*}/v2/${1#*/}
            upload() {
                digest=sha256:$(sha256sum "$1" | cut -c1-64)
                location=$(curl -sfi -X POST "$base/blobs/uploads/" | tr -d '\\r' | sed -n 's/^[Ll]ocation: //p')
                case "$location" in http*) ;; *) location=http://${REPO%%/*}$location ;; esac
                curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$1" "$location&digest=$digest"
                echo "$digest $(stat -c %s "$1")"
            }
            printf '{}' > "$3.config"
            read -r config csize < <(upload "$3.config")
            read -r layer lsize < <(upload "$3")
            manifest='{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.basefit.catalog.v1",'
            manifest+='"config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"'$config'","size":'$csize'},'
            manifest+='"layers":[{"mediaType":"application/vnd.basefit.catalog.v1.sqlite","digest":"'$layer'","size":'$lsize'}]'$4'}'
            curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "$manifest" "$base/manifests/$2"
            """
        let result = try Run.program("/bin/bash", ["-c", script, "push", repository, tag, file, annotations], environment: ["REPO": repository, "PATH": "/usr/bin:/bin"])
        try #require(result.status == 0, "\(result.stderr)")
    }

    // MARK: - TLS

    /// A third registry on loopback serving https with a self-signed certificate made here, over
    /// the open registry's storage (so it holds the same images).
    final class TLSRegistry {
        let port: Int
        let process = Process()

        init(storage: String, directory: String, registry: LocalRegistry) throws {
            port = ScriptServer.unusedPort()
            try registry.run(["tls-config", directory, "\(port)", storage])
            process.executableURL = URL(fileURLWithPath: Run.which("docker-registry")!)
            process.arguments = ["serve", directory + "/config.yml"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            try registry.run(["wait", "\(port)"])
        }

        deinit {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    @Test func aSelfSignedRegistryNeedsTLSVerifyFalse() throws {
        guard let registry else { return }
        let scratch = try Scratch()
        let tls = try TLSRegistry(storage: registry.directory + "/open/storage", directory: scratch.path + "/tls", registry: registry)
        let host = "127.0.0.1:\(tls.port)"
        let project = TestPaths.elf("hello-glibc")

        let strict = try scratch.basefit(["check", project, "--image", "docker://\(host)/debian:bookworm"])
        #expect(strict.status == 2, "\(strict.stdout)")
        #expect(strict.stderr.contains("certificate is not trusted") && strict.stderr.contains("--tls-verify=false")
                && strict.stderr.contains("update-ca-certificates"), "\(strict.stderr)")
        #expect(scratch.blobs().isEmpty)

        let relaxed = try scratch.basefit(["check", project, "--image", "docker://\(host)/debian:bookworm", "--tls-verify=false"])
        #expect(relaxed.status == 0, "\(relaxed.stdout)\(relaxed.stderr)")
        #expect(relaxed.stdout.hasPrefix("compatible: \(host)/debian:bookworm@"), "\(relaxed.stdout)")

        // Pushing over https (certificate not checked) and reading the catalog back the same way.
        let database = scratch.path + "/tls.sqlite"
        let imported = try scratch.basefit(["catalog", "import", "--rootfs", DebianRoots.path("bookworm"), "--name", "team/tls:1", "--catalog", database])
        try #require(imported.status == 0)
        let refused = try scratch.basefit(["catalog", "push", "docker://\(host)/team/tls-catalog:1", "--catalog", database])
        #expect(refused.status == 2 && refused.stderr.contains("certificate is not trusted"), "\(refused.stderr)")
        let pushed = try scratch.basefit(["catalog", "push", "docker://\(host)/team/tls-catalog:1", "--catalog", database, "--tls-verify=false"])
        #expect(pushed.status == 0, "\(pushed.stderr)")
        let used = try scratch.basefit(["check", project, "--base", "team/tls:1", "--catalog", "docker://\(host)/team/tls-catalog:1", "--tls-verify=false"])
        #expect(used.status == 0 && used.stdout.contains("compatible: team/tls:1"), "\(used.stdout)\(used.stderr)")
    }
}
