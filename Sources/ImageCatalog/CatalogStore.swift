import ELFInspection
import Foundation
import GRDB

/// Reads and writes images in a catalog database.
public struct CatalogStore: Sendable {
    public let database: CatalogDatabase

    public init(database: CatalogDatabase) {
        self.database = database
    }

    // MARK: Reading

    public struct Filter: Sendable {
        public var family: String?
        public var libc: String?
        public var architecture: String?

        public init(family: String? = nil, libc: String? = nil, architecture: String? = nil) {
            self.family = family
            self.libc = libc
            self.architecture = architecture
        }
    }

    public func images(_ filter: Filter = Filter()) throws(CatalogError) -> [Image] {
        do {
            return try database.writer.read { db in
                var request = ImageRecord.order(Column("reference"))
                if let family = filter.family { request = request.filter(Column("family") == family) }
                if let libc = filter.libc { request = request.filter(Column("libcFamily") == libc) }
                return try request.fetchAll(db).map { try Self.image(from: $0, db) }
                    .filter { filter.architecture == nil || $0.architectures.contains(filter.architecture!) }
            }
        } catch {
            throw CatalogDatabase.translate(error, path: database.path)
        }
    }

    public func image(_ reference: String) throws(CatalogError) -> Image? {
        do {
            return try database.writer.read { db in
                try ImageRecord.filter(Column("reference") == reference).fetchOne(db).map { try Self.image(from: $0, db) }
            }
        } catch {
            throw CatalogDatabase.translate(error, path: database.path)
        }
    }

    public func hints(for soname: String) throws(CatalogError) -> [PackageHint] {
        do {
            return try database.writer.read { db in
                try PackageHintRecord.filter(Column("soname") == soname).order(Column("manager"), Column("release")).fetchAll(db)
                    .map { PackageHint(soname: $0.soname, manager: $0.manager, release: $0.release, package: $0.package,
                                       installedBytes: $0.installedBytes, estimate: $0.estimate, source: $0.source) }
            }
        } catch {
            throw CatalogDatabase.translate(error, path: database.path)
        }
    }

    /// Every package hint, by soname (one query; the advisor asks for many sonames).
    public func allHints() throws(CatalogError) -> [String: [PackageHint]] {
        do {
            return try database.writer.read { db in
                Dictionary(grouping: try PackageHintRecord.order(Column("soname"), Column("manager"), Column("release")).fetchAll(db)
                    .map { PackageHint(soname: $0.soname, manager: $0.manager, release: $0.release, package: $0.package,
                                       installedBytes: $0.installedBytes, estimate: $0.estimate, source: $0.source) },
                           by: \.soname)
            }
        } catch {
            throw CatalogDatabase.translate(error, path: database.path)
        }
    }

    public func meta(_ key: String) throws(CatalogError) -> String? {
        do {
            return try database.writer.read { db in try CatalogMetaRecord.fetchOne(db, key: key)?.value }
        } catch {
            throw CatalogDatabase.translate(error, path: database.path)
        }
    }

    private static func image(from record: ImageRecord, _ db: Database) throws -> Image {
        let id = record.id!
        let architectures = try String.fetchAll(db, sql: "SELECT architecture FROM imageArchitecture WHERE imageId = ? ORDER BY architecture", arguments: [id])
        let sizes = try ImageSizeRecord.filter(Column("imageId") == id).order(Column("architecture")).fetchAll(db).map {
            Image.Size(architecture: $0.architecture, compressedBytes: $0.compressedBytes, uncompressedBytes: $0.uncompressedBytes,
                       estimate: $0.estimate, source: $0.source, date: $0.date)
        }
        var libraries: [String: ProvidedLibrary] = [:]
        let libraryRecords = try ProvidedLibraryRecord.filter(Column("imageId") == id).fetchAll(db)
        let versions = try Row.fetchAll(db, sql: """
            SELECT v.libraryId, v.name, v.isMaximum FROM libraryVersion v
            JOIN providedLibrary l ON l.id = v.libraryId WHERE l.imageId = ?
            """, arguments: [id])
        var byLibrary: [Int64: [(String, Bool)]] = [:]
        for row in versions { byLibrary[row[0], default: []].append((row[1], row[2])) }
        for library in libraryRecords {
            var defined = Set<String>()
            var maxima: [String: VersionNumber] = [:]
            for (name, isMaximum) in byLibrary[library.id!] ?? [] {
                if isMaximum {
                    let version = SymbolVersion(name)
                    if let number = version.number { maxima[version.family] = number }
                } else {
                    defined.insert(name)
                }
            }
            libraries[library.soname] = ProvidedLibrary(
                soname: library.soname, path: library.path, package: library.package, versions: defined,
                maxima: maxima, estimate: library.estimate, source: library.source)
        }
        return Image(
            reference: record.reference, family: record.family, variant: record.variant, osName: record.osName,
            osVersion: record.osVersion, osCodename: record.osCodename, basedOn: record.basedOn,
            libcFamily: record.libcFamily, libcVersion: record.libcVersion.flatMap(VersionNumber.init),
            runtime: record.runtimeKind.map { Image.Runtime(kind: $0, version: record.runtimeVersion ?? "", path: record.runtimePath, abi: record.runtimeABI) },
            shell: record.shell, packageManager: record.packageManager, defaultUser: record.defaultUser,
            architectures: architectures, discontinuedDate: record.discontinuedDate,
            discontinuedSource: record.discontinuedSource, sizes: sizes, libraries: libraries,
            measured: record.measured, provenance: record.provenance)
    }

    // MARK: Writing

    /// Writes images (replacing any with the same reference) and, optionally, package
    /// hints and metadata, in one transaction: on any failure nothing is changed.
    public func write(images: [Image], hints: [PackageHint] = [], meta: [String: String] = [:]) throws(CatalogError) {
        do {
            try database.writer.write { db in
                for image in images {
                    try ImageRecord.filter(Column("reference") == image.reference).deleteAll(db)
                    var record = ImageRecord(
                        id: nil, reference: image.reference, family: image.family, variant: image.variant,
                        osName: image.osName, osVersion: image.osVersion, osCodename: image.osCodename,
                        basedOn: image.basedOn, libcFamily: image.libcFamily, libcVersion: image.libcVersion?.description,
                        runtimeKind: image.runtime?.kind, runtimeVersion: image.runtime?.version,
                        runtimePath: image.runtime?.path, runtimeABI: image.runtime?.abi, shell: image.shell,
                        packageManager: image.packageManager, defaultUser: image.defaultUser,
                        discontinuedDate: image.discontinuedDate, discontinuedSource: image.discontinuedSource,
                        measured: image.measured, provenance: image.provenance)
                    try record.insert(db)
                    let id = record.id!
                    for architecture in Set(image.architectures) {
                        try ImageArchitectureRecord(imageId: id, architecture: architecture).insert(db)
                    }
                    for size in image.sizes {
                        try ImageSizeRecord(imageId: id, architecture: size.architecture, compressedBytes: size.compressedBytes,
                                            uncompressedBytes: size.uncompressedBytes, estimate: size.estimate,
                                            source: size.source, date: size.date).insert(db)
                    }
                    for library in image.libraries.values.sorted(by: { $0.soname < $1.soname }) {
                        var libraryRecord = ProvidedLibraryRecord(
                            id: nil, imageId: id, soname: library.soname, path: library.path, package: library.package,
                            estimate: library.estimate, source: library.source)
                        try libraryRecord.insert(db)
                        for name in library.versions.sorted() {
                            try LibraryVersionRecord(libraryId: libraryRecord.id!, name: name, isMaximum: false).insert(db)
                        }
                        for (family, number) in library.maxima.sorted(by: { $0.key < $1.key }) {
                            try LibraryVersionRecord(libraryId: libraryRecord.id!, name: "\(family)_\(number)", isMaximum: true)
                                .insert(db, onConflict: .ignore)
                        }
                    }
                }
                for hint in hints {
                    try PackageHintRecord(soname: hint.soname, manager: hint.manager, release: hint.release,
                                          package: hint.package, installedBytes: hint.installedBytes,
                                          estimate: hint.estimate, source: hint.source).insert(db, onConflict: .replace)
                }
                for (key, value) in meta {
                    try CatalogMetaRecord(key: key, value: value).insert(db, onConflict: .replace)
                }
            }
        } catch {
            throw CatalogDatabase.translate(error, path: database.path)
        }
    }
}
