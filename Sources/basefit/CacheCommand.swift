import ArgumentParser
import Foundation
import ImageMeasurement
import ImageCatalog
import Registry

/// `basefit cache`: the blob cache of pulled images and their measurements.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Show or prune the cache of pulled image blobs and measurements ($BASEFIT_CACHE_DIR).",
        subcommands: [CacheInfoCommand.self, CachePruneCommand.self]
    )
}

struct CacheInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Where the cache is and how much it holds.")

    func run() throws {
        let cache = BlobCache(directory: DefaultCatalog.cacheDirectory)
        let entries = cache.entries()
        let bytes = entries.reduce(0) { $0 + $1.bytes }
        let measured = ((try? FileManager.default.contentsOfDirectory(atPath: cache.directory + "/measured")) ?? []).filter { $0.hasSuffix(".sqlite") }.count
        Output.standard("""
            cache: \(cache.directory)
            blobs: \(entries.count), \(bytes) bytes (cap \(BlobCache.sizeCap()) bytes, BASEFIT_CACHE_MAX)
            measured images: \(measured)

            """)
    }
}

struct CachePruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove least recently used blobs down to --max-size (default: all) and every measurement."
    )

    @Option(help: ArgumentHelp("Keep at most this much (bytes, or 500M, 2G).", valueName: "size"))
    var maxSize: String?

    func run() throws {
        var limit: Int64 = 0
        if let maxSize {
            guard let parsed = BlobCache.parseSize(maxSize) else { throw CLIError.usage("--max-size \(maxSize): give bytes or a size like 500M, 2G") }
            limit = parsed
        }
        let cache = BlobCache(directory: DefaultCatalog.cacheDirectory)
        let (blobs, bytes) = cache.prune(maxBytes: limit)
        let measurements = MeasuredImageCache(cacheDirectory: cache.directory).removeAll()
        let left = cache.entries().reduce(0) { $0 + $1.bytes }
        Output.standard("removed \(blobs) blobs (\(bytes) bytes) and \(measurements) measurements from \(cache.directory); \(left) bytes of blobs left\n")
    }
}
