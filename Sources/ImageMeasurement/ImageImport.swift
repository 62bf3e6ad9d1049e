import Domain
import ImageCatalog
import ELFInspection
import Foundation
import ImageLayers
import ProjectScan

/// Imports a real container image (an OCI layout or `docker save` output): its layers
/// are applied into a private temporary directory (whiteouts honoured, nothing written
/// outside it), the result is measured like any root filesystem, and the directory is
/// removed again whatever happens.
public enum ImageImport {
    public enum Source: Sendable {
        case ociLayout(path: String, reference: String?, platform: String?)
        case dockerArchive(path: String, reference: String?)

        var path: String {
            switch self {
            case .ociLayout(let path, _, _), .dockerArchive(let path, _): return path
            }
        }

        var flag: String {
            switch self {
            case .ociLayout: return "--oci"
            case .dockerArchive: return "--docker-archive"
            }
        }
    }

    /// Unpacks `source`, measures the root, and hands the unpacked root and its measurement to
    /// `inspect` (to scan the image's own files) before it is removed. The image records its layers' diff_ids for
    /// its architecture. Returns the image and what its config and the unpack said (the entries
    /// deliberately not created, the files each layer wrote).
    public static func image(
        from source: Source, name: String, description: String? = nil,
        inspect: (_ root: String, _ measured: RootfsMeasurer.Result) throws -> Void = { _, _ in }
    ) throws -> (image: Image, config: ImageConfig) {
        let (measured, config) = try measureRoot(from: source, inspect: inspect)
        let architecture = config.architecture.flatMap { Architecture([$0, config.variant].compactMap { $0 }.joined(separator: "/")) ?? Architecture($0) }
        var image = RootfsImport.image(
            measured, reference: name, source: description ?? "measured by basefit catalog import \(source.flag) \(source.path)",
            compressedBytes: config.compressedBytes <= UInt64(Int64.max) ? Int64(config.compressedBytes) : nil,
            defaultUser: config.user, architecture: architecture)
        if let architecture = architecture ?? image.architectures.first, !config.diffIDs.isEmpty {
            image.layers[architecture] = config.diffIDs
        }
        return (image, config)
    }

    /// Unpacks `source` into a private temporary directory, measures the root, hands it to
    /// `inspect`, and removes it: the measurement and what the config and unpacking said
    /// (`catalog refresh` writes the measurement in the Data/measured format).
    public static func measureRoot(
        from source: Source, inspect: (_ root: String, _ measured: RootfsMeasurer.Result) throws -> Void = { _, _ in }
    ) throws -> (result: RootfsMeasurer.Result, config: ImageConfig) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-import-\(UUID().uuidString)").path
        do {
            try FileManager.default.createDirectory(atPath: scratch + "/rootfs", withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw CatalogError(.writeFailed, path: scratch, detail: "cannot create a temporary directory (\(error.localizedDescription))")
        }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let rootfs = scratch + "/rootfs"
        let config: ImageConfig
        do {
            switch source {
            case .ociLayout(let path, let reference, let platform):
                config = try ImageLayers.unpackOCILayout(at: path, reference: reference, platform: platform, into: rootfs)
            case .dockerArchive(let path, let reference):
                config = try ImageLayers.unpackDockerArchive(at: path, reference: reference, into: rootfs)
            }
        } catch {
            throw CatalogError(.invalidData, path: source.path, detail: error.description)
        }
        var measurer = try RootfsMeasurer(root: rootfs)
        measurer.libraryPath = config.environment.last { $0.hasPrefix("LD_LIBRARY_PATH=") }
            .map { $0.dropFirst("LD_LIBRARY_PATH=".count).split(separator: ":").map(String.init) } ?? []
        // glibc splits LD_PRELOAD at spaces and colons.
        measurer.preload = config.environment.last { $0.hasPrefix("LD_PRELOAD=") }
            .map { $0.dropFirst("LD_PRELOAD=".count).split(whereSeparator: { $0 == ":" || $0 == " " }).map(String.init) } ?? []
        var measured = measurer.measure()
        // An empty file the loader stops at that stands in for a device or FIFO is named as what the image has.
        let paths = RootPath(root: measurer.root)
        for (name, refusal) in measured.refusedLibraries where refusal.reason == LibraryFailure.Reason.empty.rawValue {
            guard let host = paths.resolve(refusal.path), host.hasPrefix(measurer.root + "/"),
                  config.standIns.contains(String(host.dropFirst(measurer.root.count + 1))) else { continue }
            measured.refusedLibraries[name]?.reason = LibraryFailure.Reason.notARegularFile.rawValue
        }
        if !config.setIDFiles.isEmpty {
            measured.setID.programs = config.setIDFiles.map { "/" + $0 }.sorted()
            if !measurer.libraryPath.isEmpty {
                // glibc's secure mode: the same search without LD_LIBRARY_PATH.
                var secure = measurer
                secure.libraryPath = []
                let without = Dictionary(uniqueKeysWithValues: secure.measure().libraries.map { ($0.soname, $0) })
                let directories = measurer.libraryPath.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
                for library in measured.libraries {
                    guard let path = library.path, directories.contains(where: { path.hasPrefix($0) }) else { continue }
                    if let other = without[library.soname], other.versions.isSuperset(of: library.versions) { continue }
                    measured.setID.libraryPathOnly[library.soname] = path
                }
            }
        }
        try inspect(rootfs, measured)
        return (measured, config)
    }
}
