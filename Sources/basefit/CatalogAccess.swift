import Foundation
import ImageCatalog
import Registry

/// Opens the catalogs the flags name: the embedded default, extended by the user's
/// catalog when `--catalog` is given (its rows override built-in ones with the same
/// reference, with a warning naming each). The user's catalog is a database PATH, or
/// `docker://REF`, a catalog `catalog push` published: its database is pulled into the blob
/// cache (verified by digest; an unchanged catalog costs one manifest request) and opened
/// read-only from there.
enum CatalogAccess {
    /// `registry`: the command's `--tls-verify` / `--creds` / `--registry-mirror` for a
    /// `docker://` catalog (nil: verify TLS, credentials from the auth files).
    static func open(_ options: GlobalOptions, registry: RegistryAccessOptions? = nil) throws -> CatalogLayers {
        let builtIn = try DefaultCatalog.open()
        CatalogSnapshot.warnIfStale(options, builtIn: builtIn)
        Output.verbose("catalog: embedded, materialised at \(builtIn.database.path)", options: options)
        guard let given = options.catalog else { return CatalogLayers(stores: [builtIn]) }
        let (database, name) = try userCatalog(given, registry: registry, options: options)
        Output.verbose("catalog: \(name) (extends the built-in catalog)", options: options)
        let layers = CatalogLayers(stores: [builtIn, CatalogStore(database: database)])
        for reference in try layers.overridden() {
            if !options.quiet { Output.warning("\(reference) from \(name) overrides the built-in catalog row") }
        }
        return layers
    }

    /// The user's database, and its name for messages (the path, or the docker:// reference).
    private static func userCatalog(_ given: String, registry: RegistryAccessOptions?, options: GlobalOptions) throws -> (CatalogDatabase, String) {
        guard let reference = try GlobalOptions.catalogReference(given) else {
            return (try CatalogDatabase(path: given, mode: .readOnly), given)
        }
        let registryOptions = try registry?.registryOptions() ?? RegistryOptions()
        let pulled: CatalogArtifact.Pulled
        do {
            pulled = try CatalogArtifact.pull(reference, cache: BlobCache(directory: DefaultCatalog.cacheDirectory), options: registryOptions)
        } catch {
            throw CLIError.usage("--catalog \(error.description)")
        }
        let name = reference.digest == nil ? "\(pulled.label)@\(pulled.digest)" : pulled.label
        Output.verbose(pulled.downloaded
                       ? "catalog: \(name): downloaded its database \(pulled.layer.digest) (\(pulled.layer.size) bytes)"
                       : "catalog: \(name): its database \(pulled.layer.digest) is in the cache (fetched the manifest only)",
                       options: options)
        if let schema = pulled.annotations[CatalogArtifact.AnnotationKey.schema], !CatalogDatabase.schemaMigrations.contains(schema) {
            throw CLIError.usage("--catalog \(name): the catalog has schema \(schema), newer than this basefit's (\(CatalogDatabase.schemaMigrations.last ?? "none")); upgrade basefit or push the catalog with this version")
        }
        do {
            return (try CatalogDatabase(path: pulled.path, mode: .readOnly), name)
        } catch {
            throw CLIError.usage("--catalog \(name): \(error.detail) (database \(pulled.path))")
        }
    }
}
