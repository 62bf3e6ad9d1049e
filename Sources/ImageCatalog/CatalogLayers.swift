import ELFInspection

/// The catalogs a command sees: the built-in one, extended by a user's own database
/// (`--catalog PATH`). A user row with the same reference as a built-in row
/// overrides it; lookups ask the user's catalog first.
public struct CatalogLayers: ImageCatalogReading {
    /// Lowest first: the built-in catalog, then the user's.
    public let stores: [CatalogStore]

    public init(stores: [CatalogStore]) {
        self.stores = stores
    }

    /// Every image, the upper layer's row winning for the same reference.
    public func images(_ filter: CatalogStore.Filter = .init()) throws(CatalogError) -> [Image] {
        var byReference: [String: Image] = [:]
        for store in stores {
            for image in try store.images(filter) { byReference[image.reference] = image }
        }
        return byReference.keys.sorted().map { byReference[$0]! }
    }

    /// References a user's catalog overrides in the built-in one.
    public func overridden() throws(CatalogError) -> [String] {
        guard stores.count > 1 else { return [] }
        var lower = Set<String>()
        for store in stores.dropLast() { lower.formUnion(try store.images().map(\.reference)) }
        return try stores.last!.images().map(\.reference).filter(lower.contains).sorted()
    }

    public func image(tagged name: String) throws -> Image? {
        for store in stores.reversed() {
            if let image = try store.image(tagged: name) { return image }
        }
        return nil
    }

    public func image(digest: String) throws -> Image? {
        for store in stores.reversed() {
            if let image = try store.image(digest: digest) { return image }
        }
        return nil
    }

    /// The catalog row an image with these layers was built on (the longest match across
    /// the catalogs; the user's wins a tie).
    public func base(ofLayers diffIDs: [String], architecture: Architecture) throws(CatalogError) -> (image: Image, layers: Int)? {
        var best: (image: Image, layers: Int)?
        for store in stores.reversed() {
            if let found = try store.base(ofLayers: diffIDs, architecture: architecture), found.layers > (best?.layers ?? 0) { best = found }
        }
        return best
    }

    public func allNames() throws -> [String] {
        Array(Set(try stores.flatMap { try $0.allNames() })).sorted()
    }

    public func allHints() throws(CatalogError) -> [String: [PackageHint]] {
        var hints: [String: [PackageHint]] = [:]
        for store in stores {
            for (soname, list) in try store.allHints() { hints[soname, default: []] += list }
        }
        return hints
    }

    public func meta(_ key: String) throws(CatalogError) -> String? {
        try stores.first?.meta(key)
    }
}
