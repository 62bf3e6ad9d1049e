import Domain
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
        public var libc: LibcFamily?
        public var architecture: Architecture?

        public init(family: String? = nil, libc: LibcFamily? = nil, architecture: Architecture? = nil) {
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
                if let libc = filter.libc { request = request.filter(Column("libcFamily") == libc.rawValue) }
                return try request.fetchAll(db).map { try Self.image(from: $0, db) }
                    .filter { filter.architecture == nil || $0.isPublished(for: filter.architecture!) }
            }
        } catch {
            throw CatalogDatabase.translate(error, path: database.path)
        }
    }

    /// The image whose reference is exactly `reference`.
    public func image(_ reference: String) throws(CatalogError) -> Image? {
        do {
            return try database.writer.read { db in
                try ImageRecord.filter(Column("reference") == reference).fetchOne(db).map { try Self.image(from: $0, db) }
            }
        } catch {
            throw CatalogDatabase.translate(error, path: database.path)
        }
    }

    /// The image whose reference or one of whose tags is `name` (`python:3.12-slim`).
    public func image(tagged name: String) throws(CatalogError) -> Image? {
        if let exact = try image(name) { return exact }
        do {
            return try database.writer.read { db in
                guard let tag = try ImageTagRecord.fetchOne(db, key: name) else { return nil }
                return try ImageRecord.fetchOne(db, key: tag.imageId).map { try Self.image(from: $0, db) }
            }
        } catch {
            throw CatalogDatabase.translate(error, path: database.path)
        }
    }

    /// The image that recorded `digest` for its reference, if any.
    public func image(digest: String) throws(CatalogError) -> Image? {
        do {
            return try database.writer.read { db in
                try ImageRecord.filter(Column("digest") == digest).fetchOne(db).map { try Self.image(from: $0, db) }
            }
        } catch {
            throw CatalogDatabase.translate(error, path: database.path)
        }
    }

    /// The image whose layers on `architecture` are the longest prefix of `diffIDs` (an image
    /// built on it), with how many layers it accounts for; nil when no row's layers are.
    public func base(ofLayers diffIDs: [String], architecture: Architecture) throws(CatalogError) -> (image: Image, layers: Int)? {
        guard let first = diffIDs.first else { return nil }
        do {
            return try database.writer.read { db in
                let candidates = try Int64.fetchAll(db, sql: """
                    SELECT DISTINCT imageId FROM imageLayer WHERE diffID = ? AND position = 0 AND architecture = ?
                    """, arguments: [first, architecture.description])
                var best: (image: Image, layers: Int)?
                for id in candidates {
                    guard let record = try ImageRecord.fetchOne(db, key: id) else { continue }
                    let image = try Self.image(from: record, db)
                    guard let own = image.layers[architecture], own.count <= diffIDs.count,
                          Array(diffIDs.prefix(own.count)) == own, own.count > (best?.layers ?? 0) else { continue }
                    best = (image, own.count)
                }
                return best
            }
        } catch {
            throw CatalogDatabase.translate(error, path: database.path)
        }
    }

    /// Every reference and tag the catalog answers to.
    public func allNames() throws(CatalogError) -> [String] {
        do {
            return try database.writer.read { db in
                try String.fetchAll(db, sql: "SELECT reference FROM image UNION SELECT tag FROM imageTag ORDER BY 1")
            }
        } catch {
            throw CatalogDatabase.translate(error, path: database.path)
        }
    }

    public func hints(for soname: String) throws(CatalogError) -> [PackageHint] {
        do {
            return try database.writer.read { db in
                try PackageHintRecord.filter(Column("soname") == soname).order(Column("manager"), Column("release")).fetchAll(db)
                    .compactMap(Self.hint)
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
                    .compactMap(Self.hint), by: \.soname)
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

    private static func hint(_ record: PackageHintRecord) -> PackageHint? {
        guard let manager = PackageManager(rawValue: record.manager) else { return nil }
        return PackageHint(soname: record.soname, manager: manager, release: record.release, package: record.package,
                           installedBytes: record.installedBytes, estimate: record.estimate, source: record.source)
    }

    private static func image(from record: ImageRecord, _ db: Database) throws -> Image {
        let id = record.id!
        func invalid(_ detail: String) -> CatalogError {
            CatalogError(.invalidData, path: db.description, detail: "\(record.reference): \(detail)")
        }
        // Statements asked for once per image are prepared once per read (cachedStatement).
        let architectures = try String.fetchAll(
            db.cachedStatement(sql: "SELECT architecture FROM imageArchitecture WHERE imageId = ? ORDER BY architecture"), arguments: [id])
            .map { name throws -> Architecture in
                guard let architecture = Architecture(name) else { throw invalid("architecture \(name) is unknown") }
                return architecture
            }
        let sizes = try ImageSizeRecord.filter(Column("imageId") == id).order(Column("architecture")).fetchAll(db).map { size throws -> Image.Size in
            guard let architecture = Architecture(size.architecture) else { throw invalid("size architecture \(size.architecture) is unknown") }
            return Image.Size(architecture: architecture, compressedBytes: size.compressedBytes, uncompressedBytes: size.uncompressedBytes,
                              estimate: size.estimate, source: size.source, date: size.date)
        }
        // The libraries and their versions are most of the catalog (40,000 and 145,000 rows for
        // the built-in one): read through row cursors by column, not decoded record by record. A
        // NULL where a value must be (a hand-made or hostile --catalog) is an error, not a crash.
        var defined: [Int64: Set<String>] = [:]
        var maxima: [Int64: [String: VersionNumber]] = [:]
        let versions = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT v.libraryId, v.name, v.isMaximum FROM libraryVersion v
            JOIN providedLibrary l ON l.id = v.libraryId WHERE l.imageId = ?
            """), arguments: [id])
        while let row = try versions.next() {
            let library: Int64 = try row.decode(atIndex: 0)
            let name: String = try row.decode(atIndex: 1)
            if try row.decode(Bool.self, atIndex: 2) {
                let version = SymbolVersion(name)
                if let number = version.number { maxima[library, default: [:]][version.family] = number }
            } else {
                defined[library, default: []].insert(name)
            }
        }
        var sets: [String: [String: ProvidedLibrary]] = [:]
        let libraries = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT id, architecture, soname, path, package, estimate, source FROM providedLibrary WHERE imageId = ?
            """), arguments: [id])
        while let row = try libraries.next() {
            let library: Int64 = try row.decode(atIndex: 0)
            let soname: String = try row.decode(atIndex: 2)
            sets[try row.decode(String.self, atIndex: 1), default: [:]][soname] = ProvidedLibrary(
                soname: soname, path: try row.decode(atIndex: 3), package: try row.decode(atIndex: 4),
                versions: defined[library] ?? [], maxima: maxima[library] ?? [:],
                estimate: try row.decode(atIndex: 5), source: try row.decode(atIndex: 6))
        }
        var architectureLibraries: [Architecture: [String: ProvidedLibrary]] = [:]
        for (name, set) in sets where !name.isEmpty {
            guard let architecture = Architecture(name) else { throw invalid("library set for unknown architecture \(name)") }
            architectureLibraries[architecture] = set
        }
        guard let libc = LibcFamily(rawValue: record.libcFamily) else { throw invalid("libc \(record.libcFamily) is unknown") }
        var runtime: Image.Runtime?
        if let name = record.runtimeKind {
            guard let kind = RuntimeKind(rawValue: name) else { throw invalid("runtime \(name) is unknown") }
            runtime = Image.Runtime(kind: kind, version: record.runtimeVersion ?? "", path: record.runtimePath, abi: record.runtimeABI,
                                    freeThreaded: record.runtimeFreeThreaded, moduleVersion: record.runtimeModuleVersion)
        }
        var manager: PackageManager?
        if let name = record.packageManager {
            guard let parsed = PackageManager(rawValue: name) else { throw invalid("package manager \(name) is unknown") }
            manager = parsed
        }
        let tags = try String.fetchAll(db.cachedStatement(sql: "SELECT tag FROM imageTag WHERE imageId = ? ORDER BY tag"), arguments: [id])
        let packages = record.packagesKnown
            ? Set(try String.fetchAll(db.cachedStatement(sql: "SELECT name FROM imagePackage WHERE imageId = ?"), arguments: [id])) : nil
        var layers: [Architecture: [String]] = [:]
        for row in try ImageLayerRecord.filter(Column("imageId") == id).order(Column("architecture"), Column("position")).fetchAll(db) {
            guard let architecture = Architecture(row.architecture) else { throw invalid("layers for unknown architecture \(row.architecture)") }
            layers[architecture, default: []].append(row.diffID)
        }
        let hasFiles = record.caCertificates != nil || record.tzdata != nil || record.nonRootUser != nil
        var image = Image(
            reference: record.reference, family: record.family, variant: record.variant, osName: record.osName,
            osVersion: record.osVersion, osCodename: record.osCodename, basedOn: record.basedOn,
            libcFamily: libc, libcVersion: record.libcVersion.flatMap(VersionNumber.init),
            libcSonames: record.libcSonames.map { Set($0.split(separator: " ").map(String.init)) },
            runtime: runtime, shell: record.shell, packageManager: manager, defaultUser: record.defaultUser,
            architectures: architectures, forAnyArchitecture: record.forAnyArchitecture,
            tags: tags, tagsAsOf: record.tagsAsOf,
            endOfLife: record.endOfLifeDate.map { Image.Lifecycle(date: $0, source: record.endOfLifeSource ?? "") },
            discontinued: record.discontinuedDate.map { Image.Lifecycle(date: $0, source: record.discontinuedSource ?? "") },
            floating: record.floating, notes: record.notes,
            files: hasFiles ? Image.Files(caCertificates: record.caCertificates, tzdata: record.tzdata,
                                          nonRootUser: record.nonRootUser, nonRootUID: record.nonRootUID) : nil,
            digest: record.digest, sizes: sizes, libraries: sets[""] ?? [:], architectureLibraries: architectureLibraries,
            installedPackages: packages, layers: layers, measured: record.measured, provenance: record.provenance)
        image.entrypoint = try record.entrypoint.map { text in
            guard let words = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else { throw invalid("entrypoint \(text) is not a JSON array of strings") }
            return words
        }
        return image
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
                        basedOn: image.basedOn, libcFamily: image.libcFamily.rawValue, libcVersion: image.libcVersion?.description,
                        runtimeKind: image.runtime?.kind.rawValue, runtimeVersion: image.runtime?.version,
                        runtimePath: image.runtime?.path, runtimeABI: image.runtime?.abi, shell: image.shell,
                        packageManager: image.packageManager?.rawValue, defaultUser: image.defaultUser,
                        discontinuedDate: image.discontinued?.date, discontinuedSource: image.discontinued?.source,
                        measured: image.measured, provenance: image.provenance,
                        forAnyArchitecture: image.forAnyArchitecture,
                        libcSonames: image.libcSonames.map { $0.sorted().joined(separator: " ") },
                        runtimeFreeThreaded: image.runtime?.freeThreaded ?? false,
                        runtimeModuleVersion: image.runtime?.moduleVersion, tagsAsOf: image.tagsAsOf,
                        endOfLifeDate: image.endOfLife?.date, endOfLifeSource: image.endOfLife?.source,
                        floating: image.floating, notes: image.notes, caCertificates: image.files?.caCertificates,
                        tzdata: image.files?.tzdata, nonRootUser: image.files?.nonRootUser, nonRootUID: image.files?.nonRootUID,
                        digest: image.digest, packagesKnown: image.installedPackages != nil)
                    record.entrypoint = try image.entrypoint.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
                    try record.insert(db)
                    let id = record.id!
                    for architecture in Set(image.architectures.compactMap(\.platformName)) {
                        try ImageArchitectureRecord(imageId: id, architecture: architecture).insert(db)
                    }
                    for name in (image.installedPackages ?? []).sorted() {
                        try ImagePackageRecord(imageId: id, name: name).insert(db)
                    }
                    for (architecture, diffIDs) in image.layers {
                        for (position, diffID) in diffIDs.enumerated() {
                            try ImageLayerRecord(imageId: id, architecture: architecture.description, position: position, diffID: diffID).insert(db)
                        }
                    }
                    for tag in Set(image.tags) where tag != image.reference {
                        try ImageTagRecord(tag: tag, imageId: id).insert(db, onConflict: .replace)
                    }
                    for size in image.sizes {
                        try ImageSizeRecord(imageId: id, architecture: size.architecture.description, compressedBytes: size.compressedBytes,
                                            uncompressedBytes: size.uncompressedBytes, estimate: size.estimate,
                                            source: size.source, date: size.date).insert(db)
                    }
                    var sets: [(String, [String: ProvidedLibrary])] = [("", image.libraries)]
                    for (architecture, set) in image.architectureLibraries.sorted(by: { $0.key < $1.key }) {
                        sets.append((architecture.description, set))
                    }
                    for (architecture, set) in sets {
                    for library in set.values.sorted(by: { $0.soname < $1.soname }) {
                        var libraryRecord = ProvidedLibraryRecord(
                            id: nil, imageId: id, architecture: architecture, soname: library.soname, path: library.path,
                            package: library.package, estimate: library.estimate, source: library.source)
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
                }
                for hint in hints {
                    try PackageHintRecord(soname: hint.soname, manager: hint.manager.rawValue, release: hint.release,
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
