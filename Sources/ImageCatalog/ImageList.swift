/// Images held in memory (built from a Data/ directory) answering the resolver's questions,
/// so any tag spelling of a row resolves without a database.
public struct ImageList: ImageCatalogReading {
    public let images: [Image]

    public init(_ images: [Image]) {
        self.images = images
    }

    public func image(tagged name: String) throws -> Image? {
        images.first { $0.reference == name } ?? images.first { $0.tags.contains(name) }
    }

    public func image(digest: String) throws -> Image? {
        images.first { $0.digest == digest }
    }

    public func allNames() throws -> [String] {
        Array(Set(images.flatMap(\.allReferences))).sorted()
    }
}
