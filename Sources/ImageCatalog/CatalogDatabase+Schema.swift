extension CatalogDatabase {
    /// The migrations this build knows, oldest first; the last one is the catalog
    /// schema version a database written by this build carries (`basefit --version`).
    public static var schemaMigrations: [String] { migrator.migrations }
}
