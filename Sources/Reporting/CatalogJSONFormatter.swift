import Foundation
import ImageCatalog

/// `basefit catalog list|show --format json`.
public enum CatalogJSONFormatter {
    public static func list(_ images: [Image]) -> String {
        JSONValue.object([
            ("schemaVersion", .int(ScanJSONFormatter.schemaVersion)),
            ("command", .string("catalog list")),
            ("images", .array(images.map { image(summary: $0) })),
        ]).rendered()
    }

    public static func show(_ image: Image) -> String {
        var members = summaryMembers(image)
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
            ("schemaVersion", .int(ScanJSONFormatter.schemaVersion)),
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

    static func summaryMembers(_ image: Image) -> [(String, JSONValue)] {
        let glibcxx = image.libraries["libstdc++.so.6"]?.highest("GLIBCXX")
        return [
            ("reference", .string(image.reference)),
            ("family", .string(image.family)),
            ("variant", .string(image.variant)),
            ("os", .object([("name", .string(image.osName)), ("version", .optional(image.osVersion)), ("codename", .optional(image.osCodename))])),
            ("basedOn", .optional(image.basedOn)),
            ("libc", .object([("family", .string(image.libcFamily)), ("version", .optional(image.libcVersion?.description))])),
            ("glibcxx", .optional(glibcxx?.description)),
            ("runtime", image.runtime.map { runtime in
                .object([("kind", .string(runtime.kind)), ("version", .string(runtime.version)),
                         ("path", .optional(runtime.path)), ("abi", .optional(runtime.abi))])
            } ?? .null),
            ("shell", .optional(image.shell)),
            ("packageManager", .optional(image.packageManager)),
            ("defaultUser", .optional(image.defaultUser)),
            ("architectures", .strings(image.architectures)),
            ("sizes", .array(image.sizes.map { size in
                .object([
                    ("architecture", .string(size.architecture)),
                    ("compressedBytes", size.compressedBytes.map { .int(Int($0)) } ?? .null),
                    ("uncompressedBytes", size.uncompressedBytes.map { .int(Int($0)) } ?? .null),
                    ("estimate", .bool(size.estimate)),
                    ("source", .string(size.source)),
                    ("date", .optional(size.date)),
                ])
            })),
            ("libraryCount", .int(image.libraries.count)),
            ("discontinued", image.discontinuedDate.map { date in
                .object([("date", .string(date)), ("source", .optional(image.discontinuedSource))])
            } ?? .null),
            ("measured", .optional(image.measured)),
            ("provenance", .string(image.provenance)),
        ]
    }
}
