import ELFInspection
import Domain
import Foundation
import GRDB
import Testing
import TestSupport
@testable import ImageCatalog

@Suite struct CatalogDatabaseTests {
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("basefit-\(UUID().uuidString)-\(name)").path
    }

    @Test func buildsAndReadsBackTheEmbeddedCatalog() throws {
        let path = temporaryPath("catalog.sqlite")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = CatalogStore(database: try CatalogDatabase(path: path, mode: .readWrite))
        let data = try DefaultCatalog.data()
        try DefaultCatalog.build(into: store, data: data)
        let built = try CatalogBuilder.images(from: data)
        let read = try store.images()
        #expect(read.count == built.count)
        let original = try #require(built.first { $0.reference == "node:22-bookworm-slim" })
        let roundTrip = try #require(try store.image("node:22-bookworm-slim"))
        #expect(roundTrip == original, "round trip of node:22-bookworm-slim differs")
        // Every image's libraries, with their versions and maxima, per architecture, read back as
        // built (the bulk of the catalog, read through row cursors).
        let byReference = Dictionary(uniqueKeysWithValues: built.map { ($0.reference, $0) })
        for image in read {
            let original = try #require(byReference[image.reference])
            #expect(image.libraries == original.libraries, "libraries of \(image.reference) differ")
            #expect(image.architectureLibraries == original.architectureLibraries, "per-architecture libraries of \(image.reference) differ")
        }
        #expect(read.reduce(0) { $0 + $1.libraries.count + $1.architectureLibraries.values.reduce(0) { $0 + $1.count } } > 10_000)
        // What a run reads instead of decoding the embedded files again.
        #expect(CatalogDataSet.digest(of: EmbeddedCatalogData.files) == data.digest)
        let snapshot = try #require(data.snapshotDate)
        #expect(try store.meta(DefaultCatalog.MetaKey.snapshotDate) == snapshot.description)
        #expect(try store.meta("digest") == data.digest)
        #expect(try store.images(.init(libc: .musl)).allSatisfy { $0.libcFamily == .musl })
        #expect(try store.images(.init(family: "distroless")).count >= 8)
        #expect(!(try store.hints(for: "libpq.so.5")).isEmpty)
    }

    @Test func missingDatabaseIsReported() {
        #expect {
            _ = try CatalogDatabase(path: temporaryPath("none.sqlite"), mode: .readOnly)
        } throws: { ($0 as? CatalogError)?.kind == .missing }
    }

    @Test func corruptDatabaseIsReportedNotCrashed() throws {
        let path = temporaryPath("corrupt.sqlite")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        for mode in [CatalogDatabase.Mode.readOnly, .readWrite] {
            #expect {
                _ = try CatalogDatabase(path: path, mode: mode)
            } throws: { ($0 as? CatalogError)?.kind == .corrupt }
        }
        // Nothing was written over the user's file.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(repeating: 0x41, count: 8192))
    }

    /// A hand-made or hostile catalog (`--catalog`, possibly pulled from a registry) whose table
    /// lets a NULL in where basefit needs a value: a CatalogError naming the file, not a crash.
    @Test func aNullWhereAValueMustBeIsAnErrorNotACrash() throws {
        for (table, column) in [("providedLibrary", "soname"), ("libraryVersion", "name")] {
            let path = temporaryPath("nulls.sqlite")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let store = CatalogStore(database: try CatalogDatabase(path: path, mode: .readWrite))
            let images = try CatalogBuilder.images(from: DefaultCatalog.data())
            try store.write(images: [try #require(images.first { $0.reference == "node:22-bookworm-slim" })])
            #expect(try store.images().count == 1)
            let queue = try DatabaseQueue(path: path)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA writable_schema = ON")
                try db.execute(sql: "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE name = ?",
                               arguments: ["\(column) TEXT NOT NULL", "\(column) TEXT", table])
                try db.execute(sql: "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE name = ?",
                               arguments: ["\"\(column)\" TEXT NOT NULL", "\"\(column)\" TEXT", table])
                try db.execute(sql: "PRAGMA writable_schema = OFF")
            }
            try queue.close()
            let edited = try DatabaseQueue(path: path)
            try edited.write { db in
                try db.execute(sql: "UPDATE \(table) SET \(column) = NULL WHERE rowid = (SELECT min(rowid) FROM \(table))")
            }
            try edited.close()
            #expect {
                _ = try CatalogStore(database: try CatalogDatabase(path: path, mode: .readOnly)).images()
            } throws: { error in
                guard let error = error as? CatalogError else { return false }
                return error.path == path && error.detail.contains("NULL")
            }
        }
    }

    @Test func newerSchemaIsRefused() throws {
        let path = temporaryPath("newer.sqlite")
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try CatalogDatabase(path: path, mode: .readWrite)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')") }
        #expect {
            _ = try CatalogDatabase(path: path, mode: .readOnly)
        } throws: { error in
            guard let error = error as? CatalogError else { return false }
            return error.kind == .newerSchema && error.detail.contains("v99-future")
        }
    }

    /// A catalog an older basefit wrote (schema up to v2, before layers) still opens read-only:
    /// it is read through a migrated copy in memory, and the file itself is not changed.
    @Test func olderSchemaIsReadWithoutChangingTheFile() throws {
        let path = temporaryPath("older.sqlite")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let queue = try DatabaseQueue(path: path)
        try CatalogDatabase.migrator.migrate(queue, upTo: "v2-tags-lifecycle-architectures")
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        // Written as v2 would: the same rows, no layer table.
        let old = try DatabaseQueue(path: path)
        try old.write { db in
            try db.execute(sql: "INSERT INTO image (reference, family, variant, osName, libcFamily, provenance) VALUES ('old:1', 'old', 'full', 'debian', 'glibc', 'p')")
        }
        try old.close()
        let changed = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(changed != before)
        let store = CatalogStore(database: try CatalogDatabase(path: path, mode: .readOnly))
        #expect(try store.images().map(\.reference) == ["old:1"])
        #expect(try store.base(ofLayers: ["sha256:" + String(repeating: "0", count: 64)], architecture: .amd64) == nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == changed)
        let applied = try DatabaseQueue(path: path).read { try CatalogDatabase.migrator.appliedIdentifiers($0) }
        #expect(!applied.contains("v3-layers"))
    }

    @Test func aFailedWriteLeavesTheCatalogAsItWas() throws {
        let path = temporaryPath("atomic.sqlite")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = CatalogStore(database: try CatalogDatabase(path: path, mode: .readWrite))
        let images = try CatalogBuilder.images(from: DefaultCatalog.data())
        try store.write(images: Array(images.prefix(3)))
        var broken = images[3]
        broken.sizes[0].compressedBytes = -1  // violates the CHECK constraint
        #expect(throws: CatalogError.self) { try store.write(images: [images[4], broken]) }
        #expect(try store.images().map(\.reference) == images.prefix(3).map(\.reference).sorted())
    }
}
