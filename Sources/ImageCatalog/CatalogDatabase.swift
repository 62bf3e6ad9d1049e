import Foundation
import GRDB

/// Owns the SQLite connection and the schema. Migrations are registered once and
/// never edited after they ship: a change is a new migration.
public struct CatalogDatabase: Sendable {
    let writer: DatabaseQueue
    public let path: String

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-images") { db in
            try db.create(table: "image") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("reference", .text).notNull().unique()
                table.column("family", .text).notNull()
                table.column("variant", .text).notNull()
                table.column("osName", .text).notNull()
                table.column("osVersion", .text)
                table.column("osCodename", .text)
                table.column("basedOn", .text)
                table.column("libcFamily", .text).notNull().check { ["glibc", "musl", "none"].contains($0) }
                table.column("libcVersion", .text)
                table.column("runtimeKind", .text).check { $0 == nil || ["node", "python"].contains($0) }
                table.column("runtimeVersion", .text)
                table.column("runtimePath", .text)
                table.column("runtimeABI", .text)
                table.column("shell", .text)
                table.column("packageManager", .text)
                table.column("defaultUser", .text)
                table.column("discontinuedDate", .text)
                table.column("discontinuedSource", .text)
                table.column("measured", .text)
                table.column("provenance", .text).notNull()
            }
            try db.create(table: "imageArchitecture") { table in
                table.column("imageId", .integer).notNull().references("image", onDelete: .cascade)
                table.column("architecture", .text).notNull()
                table.primaryKey(["imageId", "architecture"])
            }
            try db.create(table: "imageSize") { table in
                table.column("imageId", .integer).notNull().references("image", onDelete: .cascade)
                table.column("architecture", .text).notNull()
                table.column("compressedBytes", .integer).check { $0 == nil || $0 >= 0 }
                table.column("uncompressedBytes", .integer).check { $0 == nil || $0 >= 0 }
                table.column("estimate", .boolean).notNull()
                table.column("source", .text).notNull()
                table.column("date", .text)
                table.primaryKey(["imageId", "architecture"])
            }
            try db.create(table: "providedLibrary") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("imageId", .integer).notNull().references("image", onDelete: .cascade)
                table.column("soname", .text).notNull()
                table.column("path", .text)
                table.column("package", .text)
                table.column("estimate", .boolean).notNull()
                table.column("source", .text).notNull()
                table.uniqueKey(["imageId", "soname"])
            }
            try db.create(table: "libraryVersion") { table in
                table.column("libraryId", .integer).notNull().references("providedLibrary", onDelete: .cascade)
                table.column("name", .text).notNull()
                table.column("isMaximum", .boolean).notNull()
                table.primaryKey(["libraryId", "name"])
            }
            try db.create(table: "packageHint") { table in
                table.column("soname", .text).notNull()
                table.column("manager", .text).notNull()
                table.column("release", .text).notNull()
                table.column("package", .text).notNull()
                table.column("installedBytes", .integer)
                table.column("estimate", .boolean).notNull()
                table.column("source", .text)
                table.primaryKey(["soname", "manager", "release"])
            }
            try db.create(table: "catalogMeta") { table in
                table.column("key", .text).primaryKey()
                table.column("value", .text).notNull()
            }
        }
        // Tags, lifecycle, files besides libraries, runtime details, and library sets
        // per architecture (providedLibrary is rebuilt with an architecture column:
        // '' is the set for every architecture without its own).
        migrator.registerMigration("v2-tags-lifecycle-architectures") { db in
            try db.alter(table: "image") { table in
                table.add(column: "forAnyArchitecture", .boolean).notNull().defaults(to: false)
                table.add(column: "libcSonames", .text)
                table.add(column: "runtimeFreeThreaded", .boolean).notNull().defaults(to: false)
                table.add(column: "runtimeModuleVersion", .integer)
                table.add(column: "tagsAsOf", .text)
                table.add(column: "endOfLifeDate", .text)
                table.add(column: "endOfLifeSource", .text)
                table.add(column: "floating", .text)
                table.add(column: "notes", .text)
                table.add(column: "caCertificates", .boolean)
                table.add(column: "tzdata", .boolean)
                table.add(column: "nonRootUser", .text)
                table.add(column: "nonRootUID", .integer)
                table.add(column: "digest", .text)
                // Nil: the installed set is unknown; an empty set is an image with no packages.
                table.add(column: "packagesKnown", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "imagePackage") { table in
                table.column("imageId", .integer).notNull().references("image", onDelete: .cascade)
                table.column("name", .text).notNull()
                table.primaryKey(["imageId", "name"])
            }
            try db.create(table: "imageTag") { table in
                table.column("tag", .text).primaryKey()
                table.column("imageId", .integer).notNull().indexed().references("image", onDelete: .cascade)
            }
            try db.execute(sql: """
                CREATE TABLE providedLibraryV2 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    imageId INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
                    architecture TEXT NOT NULL DEFAULT '',
                    soname TEXT NOT NULL,
                    path TEXT,
                    package TEXT,
                    estimate BOOLEAN NOT NULL,
                    source TEXT NOT NULL,
                    UNIQUE (imageId, architecture, soname));
                INSERT INTO providedLibraryV2 (id, imageId, architecture, soname, path, package, estimate, source)
                    SELECT id, imageId, '', soname, path, package, estimate, source FROM providedLibrary;
                DROP TABLE providedLibrary;
                ALTER TABLE providedLibraryV2 RENAME TO providedLibrary;
                CREATE INDEX providedLibraryImage ON providedLibrary(imageId);
                """)
        }
        // Layers (diff_ids) of measured images per architecture: `--app-only` finds an
        // image's base among the catalog rows by them.
        migrator.registerMigration("v3-layers") { db in
            try db.create(table: "imageLayer") { table in
                table.column("imageId", .integer).notNull().references("image", onDelete: .cascade)
                table.column("architecture", .text).notNull()
                table.column("position", .integer).notNull()
                table.column("diffID", .text).notNull()
                table.primaryKey(["imageId", "architecture", "position"])
            }
            try db.create(index: "imageLayerFirst", on: "imageLayer", columns: ["diffID", "position"])
        }
        // The ENTRYPOINT of images that set one a Dockerfile's CMD is appended to (distroless runtimes).
        migrator.registerMigration("v4-entrypoint") { db in
            try db.alter(table: "image") { table in
                table.add(column: "entrypoint", .text)
            }
        }
        return migrator
    }

    public enum Mode: Sendable {
        /// Read an existing catalog; never create or change it.
        case readOnly
        /// Create the file if needed and migrate it to the current schema.
        case readWrite
    }

    public init(path: String, mode: Mode) throws(CatalogError) {
        self.path = path
        let exists = FileManager.default.fileExists(atPath: path)
        if mode == .readOnly && !exists {
            throw CatalogError(.missing, path: path, detail: "no catalog database here")
        }
        var configuration = Configuration()
        configuration.readonly = mode == .readOnly
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(2)
        do {
            let opened = try DatabaseQueue(path: path, configuration: configuration)
            let migrator = Self.migrator
            let known = Set(migrator.migrations)
            let applied = try opened.read { db in
                try db.tableExists("grdb_migrations") ? try migrator.appliedIdentifiers(db) : []
            }
            if !applied.isSubset(of: known) {
                throw CatalogError(.newerSchema, path: path,
                                   detail: "the catalog was written by a newer basefit (schema \(applied.subtracting(known).sorted().joined(separator: ", "))); upgrade basefit or use another --catalog")
            }
            if mode == .readWrite {
                try migrator.migrate(opened)
                writer = opened
            } else if applied == known {
                writer = opened
            } else if !applied.isEmpty, Set(migrator.migrations.prefix(applied.count)) == applied {
                // Written by an older basefit: read a migrated copy in memory, the file untouched.
                let copy = try DatabaseQueue()
                try opened.backup(to: copy)
                try migrator.migrate(copy)
                writer = copy
            } else {
                throw CatalogError(.corrupt, path: path, detail: "not a basefit catalog (schema incomplete)")
            }
        } catch let error as CatalogError {
            throw error
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// Maps SQLite failures to errors a user can act on.
    static func translate(_ error: any Error, path: String) -> CatalogError {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return CatalogError(.corrupt, path: path, detail: "not a SQLite database, or damaged (\(error.message ?? "corrupt"))")
            case .SQLITE_READONLY:
                return CatalogError(.readOnly, path: path, detail: "the catalog is read-only (\(error.message ?? "read-only"))")
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return CatalogError(.locked, path: path, detail: "the catalog is locked by another process; try again")
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
                return CatalogError(.unreadable, path: path, detail: "cannot open the catalog (\(error.message ?? "permission denied"))")
            case .SQLITE_CONSTRAINT:
                return CatalogError(.invalidData, path: path, detail: "the data breaks a catalog rule (\(error.message ?? "constraint failed")); nothing was changed")
            case .SQLITE_FULL, .SQLITE_IOERR:
                return CatalogError(.writeFailed, path: path, detail: "could not write the catalog (\(error.message ?? "I/O error"): the disk may be full or a file-size limit reached); nothing was changed")
            default:
                return CatalogError(.corrupt, path: path, detail: error.message ?? "\(error)")
            }
        }
        return CatalogError(.unreadable, path: path, detail: "\(error)")
    }
}
