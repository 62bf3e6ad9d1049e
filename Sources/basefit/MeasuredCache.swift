import Foundation
import ImageCatalog
import ProjectScan

/// Measurements of registry images by manifest digest, in the cache directory:
/// `measured/<hex>.sqlite` (a one-image catalog) and `measured/<hex>.contents.json` (the scan
/// of the image's own files). Written through temporary files; a failure to write is a
/// warning, never a wrong answer.
struct MeasuredCache {
    let directory: String

    init(_ cacheDirectory: String) {
        directory = cacheDirectory + "/measured"
    }

    func read(hex: String, name: String, needContents: Bool) -> (image: Image, contents: Requirements?)? {
        let database = directory + "/\(hex).sqlite"
        guard FileManager.default.fileExists(atPath: database),
              let store = try? CatalogStore(database: CatalogDatabase(path: database, mode: .readOnly)),
              var image = try? store.images().first else { return nil }
        image.reference = name
        guard needContents else { return (image, nil) }
        guard let data = FileManager.default.contents(atPath: directory + "/\(hex).contents.json"),
              let contents = try? Requirements.read(json: data) else { return nil }
        return (image, contents)
    }

    func write(hex: String, image: Image, contents: Requirements?, global: GlobalOptions) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            if let contents {
                let temporary = directory + "/.partial-\(UUID().uuidString).json"
                let encoder = JSONEncoder()
                do {
                    try encoder.encode(contents).write(to: URL(fileURLWithPath: temporary))
                    try Self.move(temporary, to: directory + "/\(hex).contents.json")
                } catch {
                    try? FileManager.default.removeItem(atPath: temporary)
                    throw error
                }
            }
            let temporary = directory + "/.partial-\(UUID().uuidString).sqlite"
            do {
                let store = CatalogStore(database: try CatalogDatabase(path: temporary, mode: .readWrite))
                try store.write(images: [image])
                try Self.move(temporary, to: directory + "/\(hex).sqlite")
            } catch {
                for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
                throw error
            }
        } catch {
            if !global.quiet { Output.warning("could not keep the measurement in \(directory): \(error)") }
        }
    }

    private static func move(_ from: String, to: String) throws {
        guard rename(from, to) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: to])
        }
    }

    /// Removes every measurement (cache prune).
    func removeAll() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names { try? FileManager.default.removeItem(atPath: directory + "/" + name) }
        return names.filter { $0.hasSuffix(".sqlite") }.count
    }
}
