import ArgumentParser
import Domain
import Foundation
import ImageCatalog
import Registry

/// `basefit catalog push docker://REF`: publishes the `--catalog PATH` database (what
/// `catalog import` wrote) as an OCI artifact (`CatalogArtifact`), for `--catalog docker://REF`.
struct CatalogPushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Publish your catalog database (--catalog PATH) to a registry, for --catalog docker://REF.",
        discussion: "The whole database file is pushed as one layer of an OCI artifact (artifactType \(CatalogArtifact.artifactType)); the built-in catalog is not part of it."
    )

    @Argument(help: ArgumentHelp("Where to publish: docker://REGISTRY/REPO[:TAG] (tag latest when none).", valueName: "docker://ref"))
    var destination: String

    @Option(name: .customLong("tls-verify"), help: "Verify the registry's TLS certificate (false also allows plain http).")
    var tlsVerify: Bool = true

    @Option(help: ArgumentHelp("Credentials for the registry (else REGISTRY_AUTH_FILE or ~/.docker/config.json).", valueName: "user:pass"))
    var creds: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard global.catalog != nil else {
            throw ValidationError("catalog push publishes your own database: give --catalog PATH (the file catalog import wrote).")
        }
        guard global.catalogPath != nil else {
            throw ValidationError("catalog push publishes a database file: give --catalog PATH, not a docker:// reference.")
        }
        guard destination.hasPrefix("docker://") else {
            throw ValidationError("\(destination): give the destination as docker://REGISTRY/REPO[:TAG].")
        }
    }

    func run() throws {
        let path = global.catalogPath!
        guard case .registry(let reference) = try ImageLocation(parsing: destination) else {
            throw CLIError.usage("\(destination): give the destination as docker://REGISTRY/REPO[:TAG]")
        }
        // Read-only open: the file must be a complete catalog of this basefit's schema.
        let store = CatalogStore(database: try CatalogDatabase(path: path, mode: .readOnly))
        let images = try store.images().count
        for sidecar in ["-journal", "-wal"] where FileManager.default.fileExists(atPath: path + sidecar) {
            throw CLIError.usage("\(path): a write is unfinished (\(path + sidecar) is beside it); push when catalog import is done")
        }
        guard let database = FileManager.default.contents(atPath: path) else {
            throw CLIError.usage("\(path): cannot read the catalog database")
        }
        let schema = CatalogDatabase.schemaMigrations.last ?? "none"
        let annotations = [
            CatalogArtifact.AnnotationKey.created: try Self.created(),
            CatalogArtifact.AnnotationKey.version: Basefit.version,
            CatalogArtifact.AnnotationKey.schema: schema,
            CatalogArtifact.AnnotationKey.images: String(images),
        ]
        let options = RegistryOptions(tlsVerify: tlsVerify, credentials: try creds.map { value throws(RegistryError) in try RegistryCredentials(creds: value) })
        let pushed = try CatalogArtifact.push(database: database, to: reference, annotations: annotations, options: options)
        Output.verbose(pushed.layerUploaded
                       ? "uploaded the database \(pushed.layer.digest) (\(pushed.layer.size) bytes)"
                       : "the registry already has the database \(pushed.layer.digest); sent the manifest only",
                       options: global)
        Output.standard("pushed \(path) (\(images) image\(images == 1 ? "" : "s"), schema \(schema), \(database.count) bytes; your catalog only, not the built-in one) "
                        + "to \(pushed.label)@\(pushed.digest), artifactType \(CatalogArtifact.artifactType)\n"
                        + "use it with: --catalog \(pushed.label)\n")
    }

    /// `org.opencontainers.image.created`: with `BASEFIT_TODAY` set, that day at 00:00 UTC (so a
    /// pinned clock gives the same manifest); else now.
    static func created() throws -> String {
        if let fixed = ProcessInfo.processInfo.environment["BASEFIT_TODAY"], !fixed.isEmpty {
            return "\(try Clock.today())T00:00:00Z"
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}
