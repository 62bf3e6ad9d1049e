import Domain
import Foundation

/// The catalog's source files (Data/images/*.json, Data/measured/*.json,
/// Data/package-hints.json) by their path relative to Data/, decoded and checked.
public struct CatalogDataSet: Sendable {
    public var families: [CatalogDataFile]
    public var measured: [String: MeasuredRootfs]
    public var hints: PackageHintsFile
    /// A digest of the raw files: the embedded catalog is rebuilt when it changes.
    public var digest: String

    /// Decodes raw files. Every error names the file and the image.
    public init(files: [String: String]) throws(CatalogError) {
        var families: [CatalogDataFile] = []
        var measured: [String: MeasuredRootfs] = [:]
        var hints = PackageHintsFile(hints: [])
        let decoder = JSONDecoder()
        for name in files.keys.sorted() {
            let data = Data(files[name]!.utf8)
            do {
                if name.hasPrefix("images/") {
                    families.append(try decoder.decode(CatalogDataFile.self, from: data))
                } else if name.hasPrefix("measured/") {
                    measured[name] = try decoder.decode(MeasuredRootfs.self, from: data)
                } else if name == "package-hints.json" {
                    hints = try decoder.decode(PackageHintsFile.self, from: data)
                }
            } catch {
                throw CatalogError(.invalidData, path: "Data/" + name, detail: Self.describe(error))
            }
        }
        self.families = families
        self.measured = measured
        self.hints = hints
        self.digest = Self.digest(of: files)
    }

    /// The newest dated fact in the data (a tag snapshot, a measured root, a size): no figure
    /// in the catalog is newer than that.
    public var snapshotDate: Day? {
        var dates = measured.values.compactMap { Day($0.date) }
        for family in families {
            if let snapshot = family.tagsAsOf.flatMap({ Day($0.date) }) { dates.append(snapshot) }
            for image in family.images {
                dates += image.sizes.compactMap { $0.date.flatMap(Day.init) }
            }
        }
        return dates.max()
    }

    public var imageCount: Int { families.reduce(0) { $0 + $1.images.count } }

    /// Reads a Data/ directory from disk.
    public static func load(directory: String) throws(CatalogError) -> CatalogDataSet {
        try CatalogDataSet(files: rawFiles(directory: directory))
    }

    public static func rawFiles(directory: String) throws(CatalogError) -> [String: String] {
        var files: [String: String] = [:]
        let manager = FileManager.default
        for sub in ["images", "measured"] {
            let folder = directory + "/" + sub
            guard let names = try? manager.contentsOfDirectory(atPath: folder) else { continue }
            for name in names where name.hasSuffix(".json") {
                guard let text = try? String(contentsOfFile: folder + "/" + name, encoding: .utf8) else {
                    throw CatalogError(.unreadable, path: folder + "/" + name, detail: "cannot read")
                }
                files[sub + "/" + name] = text
            }
        }
        if let text = try? String(contentsOfFile: directory + "/package-hints.json", encoding: .utf8) {
            files["package-hints.json"] = text
        }
        guard !files.isEmpty else { throw CatalogError(.missing, path: directory, detail: "no catalog data files") }
        return files
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \"\(key.stringValue)\" at \(path(context.codingPath))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            return "\(context.debugDescription) at \(path(context.codingPath))"
        default:
            return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
    }

    /// The digest of raw files (FNV-1a over each name and text, in name order), without
    /// decoding them: what names a materialised catalog.
    /// Every `recommend` and `check` takes it of the 1.2 MB built in, so it runs over each
    /// text's contiguous UTF-8 bytes (a debug build stepped through `String.UTF8View` at about
    /// a tenth of a second per run; the tests start basefit hundreds of times).
    public static func digest(of files: [String: String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ text: String) {
            var text = text
            text.withUTF8 { bytes in
                var index = 0
                while index < bytes.count {
                    hash = (hash ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01b3
                    index += 1
                }
            }
            hash = hash &* 0x0000_0100_0000_01b3  // the 0 that ends each name and text
        }
        for name in files.keys.sorted() {
            add(name)
            add(files[name]!)
        }
        return String(hash, radix: 16)
    }
}
