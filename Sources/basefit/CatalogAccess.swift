import ImageCatalog

/// Opens the catalog the flags name: the user's database, or the embedded default.
enum CatalogAccess {
    static func open(_ options: GlobalOptions) throws -> CatalogStore {
        do {
            if let path = options.catalog {
                return CatalogStore(database: try CatalogDatabase(path: path, mode: .readOnly))
            }
            return try DefaultCatalog.open()
        } catch {
            Output.error(error.description)
            throw ExitCodes.usage
        }
    }
}
