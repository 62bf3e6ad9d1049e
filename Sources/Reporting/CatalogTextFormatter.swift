import ELFInspection
import ImageCatalog

/// `basefit catalog list|show` as text.
public enum CatalogTextFormatter {
    public static func list(_ images: [Image]) -> String {
        var rows: [[String]] = [["IMAGE", "LIBC", "GLIBCXX", "RUNTIME", "AMD64 (MB)", "NOTE"]]
        for image in images {
            let libc = image.libcFamily == "none" ? "none" : "\(image.libcFamily) \(image.libcVersion?.description ?? "?")"
            let glibcxx = image.libraries["libstdc++.so.6"]?.highest("GLIBCXX")?.description ?? "-"
            let runtime = image.runtime.map { "\($0.kind) \($0.version)" } ?? "-"
            let size = image.size(for: "amd64")?.compressedBytes.map { megabytes($0) + (image.size(for: "amd64")!.estimate ? "~" : "") } ?? "-"
            var notes: [String] = []
            if let date = image.discontinuedDate { notes.append("discontinued \(date)") }
            if image.measured != nil { notes.append("measured") }
            rows.append([image.reference, libc, glibcxx, runtime, size, notes.joined(separator: ", ")])
        }
        return ScanTextFormatter.table(rows) + "\(images.count) image\(images.count == 1 ? "" : "s"); ~ marks an estimated size.\n"
    }

    public static func show(_ image: Image) -> String {
        var lines: [String] = []
        lines.append("\(image.reference)  (\(image.family), \(image.variant))")
        lines.append("  os: \(image.osName) \(image.osVersion ?? "")\(image.osCodename.map { " (\($0))" } ?? "")")
        if let base = image.basedOn { lines.append("  based on: \(base)") }
        lines.append("  libc: \(image.libcFamily)\(image.libcVersion.map { " \($0)" } ?? "")")
        if let glibcxx = image.libraries["libstdc++.so.6"]?.highest("GLIBCXX") { lines.append("  libstdc++: GLIBCXX up to \(glibcxx)") }
        if let runtime = image.runtime {
            lines.append("  runtime: \(runtime.kind) \(runtime.version)\(runtime.path.map { " at \($0)" } ?? "")")
        }
        lines.append("  shell: \(image.shell ?? "none"); package manager: \(image.packageManager ?? "none"); user: \(image.defaultUser ?? "?")")
        lines.append("  architectures: \(image.architectures.joined(separator: ", "))")
        for size in image.sizes {
            let compressed = size.compressedBytes.map(megabytes) ?? "?"
            let uncompressed = size.uncompressedBytes.map(megabytes) ?? "?"
            lines.append("  size \(size.architecture): \(compressed) MB compressed, \(uncompressed) MB uncompressed\(size.estimate ? " (estimate)" : "") — \(size.source)")
        }
        if let date = image.discontinuedDate { lines.append("  discontinued: \(date) (\(image.discontinuedSource ?? ""))") }
        lines.append("  provenance: \(image.provenance)")
        lines.append("  libraries (\(image.libraries.count)):")
        for soname in image.libraries.keys.sorted() {
            let library = image.libraries[soname]!
            var families = Set(library.maxima.keys)
            for version in library.versions {
                let parsed = SymbolVersion(version)
                if parsed.number != nil { families.insert(parsed.family) }
            }
            let summary = families.sorted().compactMap { family in
                library.highest(family).map { "\(family) ≤ \($0)" }
            }.joined(separator: ", ")
            lines.append("    \(soname)\(summary.isEmpty ? "" : "  (\(summary))")\(library.package.map { "  [\($0)]" } ?? "")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `79.9` (decimal megabytes, no unit: the column header says MB).
    static func megabytes(_ bytes: Int64) -> String {
        String(Reporting.megabytes(bytes).dropLast(3))
    }
}
