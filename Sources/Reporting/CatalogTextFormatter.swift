import Domain
import ELFInspection
import ImageCatalog

/// `basefit catalog list|show` as text.
public enum CatalogTextFormatter {
    public static func list(_ images: [Image], today: Day, tags: Bool = false) -> String {
        var rows: [[String]] = [["IMAGE", "LIBC", "GLIBCXX", "RUNTIME", "AMD64 (MB)", "NOTE"] + (tags ? ["TAGS"] : [])]
        for image in images {
            let libc = image.libcFamily == .none ? "none" : "\(image.libcFamily.rawValue) \(image.libcVersion?.description ?? "?")"
            let glibcxx = image.libraries["libstdc++.so.6"]?.highest("GLIBCXX")?.description ?? "-"
            let runtime = image.runtime.map { "\($0.kind.rawValue) \($0.version)\($0.freeThreaded ? "t" : "")" } ?? "-"
            let size = image.size(for: .amd64)?.compressedBytes.map { megabytes($0) + (image.size(for: .amd64)!.estimate ? "~" : "") } ?? "-"
            var notes: [String] = []
            switch image.status(on: today) {
            case .discontinued(let event): notes.append("discontinued \(event.date)")
            case .endOfLife(let event): notes.append("end of life \(event.date)")
            case .maintained: break
            }
            if image.measured != nil { notes.append("measured") }
            if image.floating != nil { notes.append("floating") }
            rows.append([image.reference, libc, glibcxx, runtime, size, notes.joined(separator: ", ")] + (tags ? [image.tags.joined(separator: " ")] : []))
        }
        return ScanTextFormatter.table(rows) + "\(images.count) image\(images.count == 1 ? "" : "s"); ~ marks an estimated size.\n"
    }

    public static func show(_ image: Image, today: Day) -> String {
        var lines: [String] = []
        lines.append("\(image.reference)  (\(image.family), \(image.variant))")
        lines.append("  os: \(image.osName) \(image.osVersion ?? "")\(image.osCodename.map { " (\($0))" } ?? "")")
        if let base = image.basedOn { lines.append("  based on: \(base)") }
        lines.append("  libc: \(image.libcFamily.rawValue)\(image.libcVersion.map { " \($0)" } ?? "")"
                     + (image.libcSonames.map { " (only \($0.sorted().joined(separator: ", ")))" } ?? ""))
        if !image.tags.isEmpty {
            lines.append("  tags: \(image.tags.joined(separator: ", "))\(image.tagsAsOf.map { " (as of \($0))" } ?? "")")
        }
        if let glibcxx = image.libraries["libstdc++.so.6"]?.highest("GLIBCXX") { lines.append("  libstdc++: GLIBCXX up to \(glibcxx)") }
        if let runtime = image.runtime {
            lines.append("  runtime: \(runtime.kind.rawValue) \(runtime.version)\(runtime.freeThreaded ? " (free-threaded)" : "")\(runtime.path.map { " at \($0)" } ?? "")")
        }
        lines.append("  shell: \(image.shell ?? "none"); package manager: \(image.packageManager?.rawValue ?? "none"); user: \(image.defaultUser ?? "?")")
        if let files = image.files {
            let ca = files.caCertificates.map { $0 ? "yes" : "no" } ?? "?"
            let tz = files.tzdata.map { $0 ? "yes" : "no" } ?? "?"
            let user = files.nonRootUser.map { "\($0)\(files.nonRootUID.map { " (\($0))" } ?? "")" } ?? "none"
            lines.append("  CA certificates: \(ca); tzdata: \(tz); non-root user: \(user)")
        }
        lines.append("  architectures: \(image.forAnyArchitecture ? "any" : image.architectures.map(\.description).joined(separator: ", "))")
        for size in image.sizes {
            let compressed = size.compressedBytes.map(megabytes) ?? "?"
            let uncompressed = size.uncompressedBytes.map(megabytes) ?? "?"
            lines.append("  size \(size.architecture): \(compressed) MB compressed, \(uncompressed) MB uncompressed\(size.estimate ? " (estimate)" : "") — \(size.source)")
        }
        if let event = image.endOfLife {
            let past = image.status(on: today) == .endOfLife(event) ? " — past" : ""
            lines.append("  end of life: \(event.date) (\(event.source))\(past)")
        }
        if let event = image.discontinued { lines.append("  discontinued: \(event.date) (\(event.source))") }
        if let floating = image.floating { lines.append("  floating: \(floating)") }
        if let notes = image.notes { lines.append("  notes: \(notes)") }
        lines.append("  provenance: \(image.provenance)")
        for (architecture, set) in image.architectureLibraries.sorted(by: { $0.key < $1.key }) {
            lines.append("  libraries measured for \(architecture): \(set.count)")
        }
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
