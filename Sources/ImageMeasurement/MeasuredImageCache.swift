import Foundation
import ImageCatalog
import POSIXFiles

/// Measurements of registry images by manifest digest, in the cache directory:
/// `measured/<hex>.image-v2.sqlite` (a one-image catalog) and `measured/<hex>.contents-v3.json` (the scan
/// of the image's own files, as the caller serialised it). Written through temporary files
/// moved into place, so a reader sees a whole entry or none.
public struct MeasuredImageCache: Sendable {
    public let directory: String

    public init(cacheDirectory: String) {
        directory = cacheDirectory + "/measured"
    }

    /// `-v3`: contents written since they carry what could not be judged and which libraries
    /// ask for an executable stack. Files of the earlier names (`<hex>.contents.json`,
    /// `-v2`) may lack either, so they are never read: the image is measured again.
    static let contentsSuffix = ".contents-v3.json"
    /// `-v2`: images measured since their libraries are those ld.so.cache and the loader's
    /// system directories give, not every directory of ld.so.conf. `<hex>.sqlite` files may
    /// list libraries the loader does not find, so they are never read.
    static let imageSuffix = ".image-v2.sqlite"

    /// The image measured for `hex` (renamed to `name`) and, when `needContents`, its contents
    /// document; nil when either is missing or unreadable (then it is measured again).
    public func read(hex: String, name: String, needContents: Bool) -> (image: Image, contents: Data?)? {
        let database = directory + "/\(hex)" + Self.imageSuffix
        guard FileManager.default.fileExists(atPath: database),
              let store = try? CatalogStore(database: CatalogDatabase(path: database, mode: .readOnly)),
              var image = try? store.images().first else { return nil }
        image.reference = name
        guard needContents else { return (image, nil) }
        guard let contents = FileManager.default.contents(atPath: directory + "/\(hex)" + Self.contentsSuffix) else { return nil }
        return (image, contents)
    }

    /// Keeps a measurement; on failure nothing partial stays behind and the error says why.
    public func write(hex: String, image: Image, contents: Data?) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let contents {
            let temporary = directory + "/.partial-\(UUID().uuidString).json"
            do {
                try contents.write(to: URL(fileURLWithPath: temporary))
                try FileRename.replace(temporary, with: directory + "/\(hex)" + Self.contentsSuffix)
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw error
            }
        }
        let temporary = directory + "/.partial-\(UUID().uuidString).sqlite"
        do {
            let store = CatalogStore(database: try CatalogDatabase(path: temporary, mode: .readWrite))
            try store.write(images: [image])
            try FileRename.replace(temporary, with: directory + "/\(hex)" + Self.imageSuffix)
        } catch {
            for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
            throw error
        }
    }

    /// Removes every measurement (cache prune); the number of images removed.
    public func removeAll() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names { try? FileManager.default.removeItem(atPath: directory + "/" + name) }
        return names.filter { $0.hasSuffix(".sqlite") }.count
    }
}
