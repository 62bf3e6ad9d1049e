import Foundation
import POSIXFiles

/// Rewrites a Data/ directory with refreshed rows, in the files' own format: family files keep
/// their key order and indentation (only the refreshed fields change), measured files are
/// written as `catalog measure` writes them. The new file set is decoded and built as a
/// catalog before anything is written; files are written to temporary names and renamed into
/// place, and a failure puts back what was already renamed, so a run changes all or nothing.
public struct CatalogDataWriter: Sendable {
    /// The Data/ directory (holding images/ and measured/).
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The files to write (path relative to the directory → text) and what changes.
    public struct Plan: Sendable {
        public var files: [String: String]
        public var changes: [CatalogDataChange]
    }

    /// Applies the refreshes to the current files, in memory.
    public func plan(_ refreshes: [CatalogRowRefresh]) throws(CatalogError) -> Plan {
        let raw = try CatalogDataSet.rawFiles(directory: directory)
        let current = try CatalogDataSet(files: raw)
        var documents: [String: DataFileJSON] = [:]
        var output: [String: String] = [:]
        var changes: [CatalogDataChange] = []
        func parsed(_ name: String) throws(CatalogError) -> DataFileJSON {
            if let document = documents[name] { return document }
            do {
                return try DataFileJSON(parsing: raw[name]!)
            } catch {
                throw CatalogError(.invalidData, path: directory + "/" + name, detail: error.description)
            }
        }
        let familyFiles = raw.keys.filter { $0.hasPrefix("images/") }.sorted()
        for refresh in refreshes {
            var found: (name: String, members: [(String, DataFileJSON)], imagesIndex: Int, rows: [DataFileJSON], rowIndex: Int)?
            for name in familyFiles where found == nil {
                guard case .object(let members) = try parsed(name), let imagesIndex = members.firstIndex(where: { $0.0 == "images" }),
                      case .array(let rows) = members[imagesIndex].1,
                      let rowIndex = rows.firstIndex(where: { $0["reference"]?.stringValue == refresh.reference }) else { continue }
                found = (name, members, imagesIndex, rows, rowIndex)
            }
            guard let found else {
                throw CatalogError(.notFound, path: directory + "/images", detail: "no row has the reference \(refresh.reference)")
            }
            var rows = found.rows
            var members = found.members
            changes += apply(refresh, to: &rows[found.rowIndex], measured: current.measured)
            members[found.imagesIndex].1 = .array(rows)
            documents[found.name] = .object(members)
            for platform in refresh.platforms {
                output["measured/\(platform.measuredName).json"] = Self.measuredText(platform.measured)
            }
        }
        for (name, document) in documents { output[name] = document.fileText() }
        output = output.filter { raw[$0.key] != $0.value }
        // The refreshed set must still decode and build.
        let merged = raw.merging(output) { $1 }
        do {
            _ = try CatalogBuilder.images(from: try CatalogDataSet(files: merged))
        } catch {
            throw CatalogError(.invalidData, path: directory, detail: "the refreshed data would not load: \(error.description); nothing was written")
        }
        return Plan(files: output, changes: changes)
    }

    /// Writes the plan: temporary files first, then renames; on a failure what was renamed
    /// is put back and the temporary files removed.
    public func write(_ plan: Plan) throws(CatalogError) {
        var temporaries: [(temporary: String, target: String)] = []
        func cleanUp() { for entry in temporaries { unlink(entry.temporary) } }
        for (name, text) in plan.files.sorted(by: { $0.key < $1.key }) {
            let target = directory + "/" + name
            let folder = (target as NSString).deletingLastPathComponent
            let temporary = folder + "/.refresh-\(UUID().uuidString).partial"
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            } catch {
                unlink(temporary)
                cleanUp()
                throw CatalogError(.writeFailed, path: target, detail: "cannot write \(temporary): \(error.localizedDescription); nothing in \(directory) was changed")
            }
            temporaries.append((temporary, target))
        }
        var done: [(target: String, previous: Data?)] = []
        for entry in temporaries {
            let previous = FileManager.default.contents(atPath: entry.target)
            do {
                try FileRename.replace(entry.temporary, with: entry.target)
                done.append((entry.target, previous))
            } catch {
                for (target, previous) in done.reversed() {
                    if let previous { try? previous.write(to: URL(fileURLWithPath: target)) } else { unlink(target) }
                }
                cleanUp()
                throw CatalogError(.writeFailed, path: entry.target, detail: "\(error.description); the files already replaced were put back")
            }
        }
    }

    /// Data/measured files: sorted keys, as `basefit catalog measure` prints them.
    public static func measuredText(_ measured: MeasuredRootfs) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(measured) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: - One row

    private func apply(_ refresh: CatalogRowRefresh, to row: inout DataFileJSON, measured: [String: MeasuredRootfs]) -> [CatalogDataChange] {
        var changes: [CatalogDataChange] = []
        func note(_ field: String, _ old: String, _ new: String) {
            if old != new { changes.append(CatalogDataChange(row: refresh.reference, field: field, old: old, new: new)) }
        }
        let architectures = row["architectures"]?.arrayValue?.compactMap(\.stringValue) ?? []
        func order(_ architecture: String) -> Int { architectures.firstIndex(of: architecture) ?? architectures.count }

        note("digest", row["digest"]?.stringValue ?? "(none)", refresh.digest)
        row.set("digest", .string(refresh.digest), before: ["sizes", "addsLibraries", "measured", "provenance"])

        var sizes = row["sizes"]?.arrayValue ?? []
        for platform in refresh.platforms {
            let index = sizes.firstIndex { $0["arch"]?.stringValue == platform.architecture }
            let old = index.map { sizes[$0] }
            for field in ["compressedBytes", "uncompressedBytes", "estimate"] {
                note("sizes[\(platform.architecture)].\(field)", old?[field]?.text() ?? "(none)", Self.sizeJSON(platform.size)[field]?.text() ?? "")
            }
            if let index { sizes[index] = Self.sizeJSON(platform.size) } else { sizes.append(Self.sizeJSON(platform.size)) }
        }
        sizes = sizes.enumerated().sorted { (order($0.element["arch"]?.stringValue ?? ""), $0.offset) < (order($1.element["arch"]?.stringValue ?? ""), $1.offset) }
            .map(\.element)
        row.set("sizes", .array(sizes), before: ["addsLibraries", "measured", "provenance"])

        let oldNames: [String]
        switch row["measured"] {
        case .string(let name)?: oldNames = [name]
        case .array(let names)?: oldNames = names.compactMap(\.stringValue)
        default: oldNames = []
        }
        let refreshed = Set(refresh.platforms.map(\.architecture))
        func architecture(ofMeasured name: String) -> String {
            let key = (name.hasPrefix("measured/") ? name : "measured/" + name) + (name.hasSuffix(".json") ? "" : ".json")
            return measured[key]?.architecture ?? "amd64"
        }
        let kept = oldNames.map { ($0, architecture(ofMeasured: $0)) }.filter { !refreshed.contains($0.1) }
        let names = (kept + refresh.platforms.map { ($0.measuredName, $0.architecture) })
            .enumerated().sorted { (order($0.element.1), $0.offset) < (order($1.element.1), $1.offset) }.map(\.element.0)
        var layers: [(String, DataFileJSON)] = []
        if case .object(let members)? = row["layers"] { layers = members }
        for platform in refresh.platforms where !platform.diffIDs.isEmpty {
            let value = DataFileJSON.array(platform.diffIDs.map(DataFileJSON.string))
            func summary(_ layers: DataFileJSON?) -> String {
                guard let ids = layers?.arrayValue?.compactMap(\.stringValue) else { return "(none)" }
                return "\(ids.count) layers, top \(ids.last.map { String($0.prefix(19)) + "…" } ?? "-")"
            }
            note("layers[\(platform.architecture)]", summary(layers.first { $0.0 == platform.architecture }?.1), summary(value))
            if let index = layers.firstIndex(where: { $0.0 == platform.architecture }) { layers[index].1 = value } else { layers.append((platform.architecture, value)) }
        }
        if !layers.isEmpty {
            layers = layers.enumerated().sorted { (order($0.element.0), $0.offset) < (order($1.element.0), $1.offset) }.map(\.element)
            row.set("layers", .object(layers), before: ["measured", "provenance"])
        }

        note("measured", oldNames.isEmpty ? "(none)" : oldNames.joined(separator: ", "), names.joined(separator: ", "))
        row.set("measured", .array(names.map(DataFileJSON.string)), before: ["provenance"])

        if let first = refresh.platforms.first, let version = first.measured.libc.version,
           case .object? = row["libc"], var libc = row["libc"], libc["family"]?.stringValue == first.measured.libc.family {
            note("libc.version", libc["version"]?.stringValue ?? "(none)", version)
            libc.set("version", .string(version))
            row.set("libc", libc)
        }

        note("provenance", row["provenance"]?.stringValue ?? "(none)", refresh.provenance)
        row.set("provenance", .string(refresh.provenance))
        return changes
    }

    static func sizeJSON(_ size: CatalogDataImage.Size) -> DataFileJSON {
        .object([
            ("arch", .string(size.arch)),
            ("compressedBytes", size.compressedBytes.map { .number(String($0)) } ?? .null),
            ("uncompressedBytes", size.uncompressedBytes.map { .number(String($0)) } ?? .null),
            ("estimate", .bool(size.estimate)),
            ("source", .string(size.source)),
            ("date", size.date.map(DataFileJSON.string) ?? .null),
        ])
    }
}
