import Domain
import Foundation
import ImageCatalog

/// `basefit catalog list|show --format json`.
public enum CatalogJSONFormatter {
    public static func list(_ images: [Image], today: Day) -> String {
        JSONValue.object([
            ("schemaVersion", .int(OutputSchema.version)),
            ("command", .string("catalog list")),
            ("today", .string(today.description)),
            ("images", .array(images.map { .object(summaryMembers($0) + [("status", status($0, today))]) })),
        ]).rendered()
    }

    public static func show(_ image: Image, today: Day) -> String {
        var members = summaryMembers(image) + [("status", status(image, today))]
        members.append(("libraries", .array(image.libraries.keys.sorted().map { soname in
            let library = image.libraries[soname]!
            return .object([
                ("soname", .string(soname)),
                ("path", .optional(library.path)),
                ("package", .optional(library.package)),
                ("versions", .strings(library.versions.sorted())),
                ("maxVersions", .object(library.maxima.keys.sorted().map { ($0, .string(library.maxima[$0]!.description)) })),
                ("estimate", .bool(library.estimate)),
                ("source", .string(library.source)),
            ])
        })))
        return JSONValue.object([
            ("schemaVersion", .int(OutputSchema.version)),
            ("command", .string("catalog show")),
            ("image", .object(members)),
        ]).rendered()
    }

    /// The Data/measured file format: sorted keys, so regenerated files diff cleanly.
    public static func measured(_ measured: MeasuredRootfs) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(measured) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func image(summary image: Image) -> JSONValue { .object(summaryMembers(image)) }

    /// `maintained`, `end-of-life` or `discontinued` on `today`.
    static func status(_ image: Image, _ today: Day) -> JSONValue {
        switch image.status(on: today) {
        case .maintained: return .string("maintained")
        case .endOfLife: return .string("end-of-life")
        case .discontinued: return .string("discontinued")
        }
    }

    static func lifecycle(_ event: Image.Lifecycle?) -> JSONValue {
        event.map { .object([("date", .string($0.date)), ("source", .string($0.source))]) } ?? .null
    }

    static func summaryMembers(_ image: Image) -> [(String, JSONValue)] {
        let glibcxx = image.libraries["libstdc++.so.6"]?.highest("GLIBCXX")
        return [
            ("reference", .string(image.reference)),
            ("family", .string(image.family)),
            ("variant", .string(image.variant)),
            ("os", .object([("name", .string(image.osName)), ("version", .optional(image.osVersion)), ("codename", .optional(image.osCodename))])),
            ("basedOn", .optional(image.basedOn)),
            ("tags", .strings(image.tags)),
            ("tagsAsOf", .optional(image.tagsAsOf)),
            ("libc", .object([("family", .string(image.libcFamily.rawValue)), ("version", .optional(image.libcVersion?.description)),
                              ("sonames", image.libcSonames.map { .strings($0.sorted()) } ?? .null)])),
            ("glibcxx", .optional(glibcxx?.description)),
            ("runtime", image.runtime.map { runtime in
                .object([("kind", .string(runtime.kind.rawValue)), ("version", .string(runtime.version)),
                         ("path", .optional(runtime.path)), ("abi", .optional(runtime.abi)), ("freeThreaded", .bool(runtime.freeThreaded)),
                         ("moduleVersion", runtime.moduleVersion.map { .int($0) } ?? .null)])
            } ?? .null),
            ("shell", .optional(image.shell)),
            ("packageManager", .optional(image.packageManager?.rawValue)),
            ("defaultUser", .optional(image.defaultUser)),
            ("architectures", .strings(image.forAnyArchitecture ? ["any"] : image.architectures.map(\.description))),
            ("sizes", .array(image.sizes.map { size in
                .object([
                    ("architecture", .string(size.architecture.description)),
                    ("compressedBytes", size.compressedBytes.map { .int(Int($0)) } ?? .null),
                    ("uncompressedBytes", size.uncompressedBytes.map { .int(Int($0)) } ?? .null),
                    ("estimate", .bool(size.estimate)),
                    ("source", .string(size.source)),
                    ("date", .optional(size.date)),
                ])
            })),
            ("libraryCount", .int(image.libraries.count)),
            ("endOfLife", lifecycle(image.endOfLife)),
            ("discontinued", lifecycle(image.discontinued)),
            ("floating", .optional(image.floating)),
            ("notes", .optional(image.notes)),
            ("files", image.files.map { files in
                .object([
                    ("caCertificates", files.caCertificates.map(JSONValue.bool) ?? .null),
                    ("tzdata", files.tzdata.map(JSONValue.bool) ?? .null),
                    ("nonRootUser", .optional(files.nonRootUser)),
                    ("nonRootUID", files.nonRootUID.map(JSONValue.int) ?? .null),
                ])
            } ?? .null),
            ("digest", .optional(image.digest)),
            ("measured", .optional(image.measured)),
            ("provenance", .string(image.provenance)),
        ]
    }
}
