// libFuzzer target: the catalog's data files. The input is up to three files
// separated by a NUL byte: an images/ family file, a measured/ root filesystem
// (named "measured/fuzz.json") and package-hints.json. They are decoded, built into
// images (basedOn inheritance, measured libraries) and written to an in-memory
// catalog, then read back, as `embed-catalog` data and `catalog import` are.
import Foundation
import ImageCatalog

import Foundation
import FuzzSupport

/// One in-memory catalog for the whole run: opening and migrating one per input
/// would cost more than the input itself. Writes replace images by reference.
private let database = try! CatalogDatabase(path: ":memory:", mode: .readWrite)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCatalogData(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    let parts = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
    let names = ["images/fuzz.json", "measured/fuzz.json", "package-hints.json"]
    var files: [String: String] = [:]
    for (name, part) in zip(names, parts) {
        files[name] = String(decoding: part, as: UTF8.self)
    }
    do throws(CatalogError) {
        let set = try CatalogDataSet(files: files)
        let images = try CatalogBuilder.images(from: set)
        let hints = try CatalogBuilder.hints(from: set)
        let store = CatalogStore(database: database)
        try store.write(images: images, hints: hints, meta: ["digest": set.digest])
        for image in images {
            let back = try store.image(image.reference)
            precondition(back?.libraries.count == image.libraries.count, "every image written must read back whole")
            precondition(back?.architectureLibraries.count == image.architectureLibraries.count, "every architecture's set must read back")
            precondition(back?.tags.sorted() == image.tags.filter { $0 != image.reference }.sorted(), "every tag must read back")
        }
    } catch {
        precondition(!error.detail.isEmpty && !error.path.isEmpty, "a catalog error must name the file and the problem")
    }
    return 0
}

exit(runFuzzer { data, size in fuzzCatalogData(data, size) })
