import ImageCatalog

/// Opens the catalog the flags name: the user's database, or the embedded default.
enum CatalogAccess {
    static func open(_ options: GlobalOptions) throws -> CatalogStore {
        do {
            if let path = options.catalog {
                Output.verbose("catalog: \(path)", options: options)
                return CatalogStore(database: try CatalogDatabase(path: path, mode: .readOnly))
            }
            let store = try DefaultCatalog.open()
            CatalogSnapshot.warnIfStale(options)
            Output.verbose("catalog: embedded, materialised at \(store.database.path)", options: options)
            return store
        } catch {
            Output.error(error.description)
            throw ExitCodes.usage
        }
    }
}
