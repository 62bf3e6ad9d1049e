import Foundation
import ImageCatalog
import POSIXFiles

/// Measurements of registry images by manifest digest, in the cache directory:
/// `measured/<hex>.image-v2.sqlite` (a one-image catalog) and its documents (`Document`: the scan
/// of the image's own files, what its libraries need), as the caller serialised them. Written
/// through temporary files moved into place, so a reader sees a whole entry or none.
public struct MeasuredImageCache: Sendable {
    public let directory: String

    public init(cacheDirectory: String) {
        directory = cacheDirectory + "/measured"
    }

    /// The documents kept beside a measured image, each in a file of its own.
    public enum Document: String, Sendable, CaseIterable {
        /// The scan of the image's own files, as the caller serialised it. `-v7`: written since
        /// contents carry what could not be judged, which libraries ask for an executable stack,
        /// which functions of a newer musl files call, which Node-API functions addons call,
        /// which of the project's libraries a file's image libraries find (`loadedFromProject`,
        /// `rpathLibraries`, `hasRunpath`), which libraries the loader takes from the project
        /// and refuses (`libraryFailures`, `rpathRefusals`) and the versions of the project's
        /// copies (`projectCopies`); earlier names (`<hex>.contents.json`, `-v2` … `-v6`)
        /// may lack some and are never read.
        case contents = ".contents-v7.json"
        /// What each of the image's libraries needs, by its path inside the image. `-v2`: written
        /// since it says which have a DT_RUNPATH (`FileNeeds.hasRunpath`); `-v1` is never read.
        case libraries = ".libraries-v2.json"
        /// Libraries in a directory of ld.so.conf but not in the cache (`Image.uncachedLibraries`).
        case uncached = ".uncached-v1.json"
        /// Names whose first file on the loader's search the loader refuses (`Image.refusedLibraries`).
        case refused = ".refused-v1.json"
        /// Per layer, the files it wrote (`ImageConfig.layerFiles`), for `--app-only`.
        case layerFiles = ".layerfiles-v1.json"
        /// The libraries the configuration's LD_PRELOAD maps (`Image.preloads`).
        case preloads = ".preloads-v1.json"
        /// Setuid/setgid programs and what only LD_LIBRARY_PATH gives them (`Image.setID`).
        case setID = ".setid-v1.json"
        /// The Node-API functions the image's Nodes export (`Image.Runtime.nodeAPIExports`,
        /// `Image.otherNodes`).
        case nodeAPI = ".nodeapi-v1.json"
    }

    /// `-v2`: images measured since their libraries are those ld.so.cache and the loader's
    /// system directories give, not every directory of ld.so.conf. `<hex>.sqlite` files may
    /// list libraries the loader does not find, so they are never read.
    static let imageSuffix = ".image-v2.sqlite"

    /// The image measured for `hex` (renamed to `name`) and the documents asked for; nil when
    /// any is missing or unreadable (then it is measured again).
    public func read(hex: String, name: String, documents needed: Set<Document>) -> (image: Image, documents: [Document: Data])? {
        let database = directory + "/\(hex)" + Self.imageSuffix
        guard FileManager.default.fileExists(atPath: database),
              let store = try? CatalogStore(database: CatalogDatabase(path: database, mode: .readOnly)),
              var image = try? store.images().first else { return nil }
        image.reference = name
        var documents: [Document: Data] = [:]
        for document in needed {
            guard let data = FileManager.default.contents(atPath: directory + "/\(hex)" + document.rawValue) else { return nil }
            documents[document] = data
        }
        return (image, documents)
    }

    /// Keeps a measurement; on failure nothing partial stays behind and the error says why.
    /// The documents are written first: an image without them is measured again when asked.
    public func write(hex: String, image: Image, documents: [Document: Data]) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (document, data) in documents.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let temporary = directory + "/.partial-\(UUID().uuidString).json"
            do {
                try data.write(to: URL(fileURLWithPath: temporary))
                try FileRename.replace(temporary, with: directory + "/\(hex)" + document.rawValue)
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
