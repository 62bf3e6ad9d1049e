import ImageCatalog

/// Opens the catalogs the flags name: the embedded default, extended by the user's
/// database when `--catalog PATH` is given (its rows override built-in ones with the
/// same reference, with a warning naming each).
enum CatalogAccess {
    static func open(_ options: GlobalOptions) throws -> CatalogLayers {
        let builtIn = try DefaultCatalog.open()
        CatalogSnapshot.warnIfStale(options)
        Output.verbose("catalog: embedded, materialised at \(builtIn.database.path)", options: options)
        guard let path = options.catalog else { return CatalogLayers(stores: [builtIn]) }
        Output.verbose("catalog: \(path) (extends the built-in catalog)", options: options)
        let layers = CatalogLayers(stores: [builtIn, CatalogStore(database: try CatalogDatabase(path: path, mode: .readOnly))])
        for reference in try layers.overridden() {
            if !options.quiet { Output.warning("\(reference) from \(path) overrides the built-in catalog row") }
        }
        return layers
    }
}
