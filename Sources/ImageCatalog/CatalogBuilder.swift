import ELFInspection

/// Turns the Data/ files into catalog images: libraries of `basedOn` images are
/// inherited, measured root filesystems supply their whole library set, and each
/// image's own additions and removals apply on top.
public enum CatalogBuilder {
    public static func images(from data: CatalogDataSet) throws(CatalogError) -> [Image] {
        var rows: [String: (family: String, image: CatalogDataImage)] = [:]
        for file in data.families {
            for image in file.images {
                guard rows[image.reference] == nil else {
                    throw CatalogError(.invalidData, path: "Data/images/\(file.family).json",
                                       detail: "\(image.reference) is defined twice")
                }
                rows[image.reference] = (file.family, image)
            }
        }
        var built: [String: Image] = [:]
        func build(_ reference: String, chain: [String]) throws(CatalogError) -> Image {
            if let done = built[reference] { return done }
            guard let (family, row) = rows[reference] else {
                throw CatalogError(.invalidData, path: "Data/images", detail: "\(chain.last ?? reference) is based on \(reference), which is not in the catalog")
            }
            guard chain.count < 64 else {
                throw CatalogError(.invalidData, path: "Data/images/\(family).json", detail: "basedOn chain of \(reference) is deeper than 64 images")
            }
            guard !chain.contains(reference) else {
                throw CatalogError(.invalidData, path: "Data/images/\(family).json", detail: "basedOn loop: \((chain + [reference]).joined(separator: " → "))")
            }
            var libraries: [String: ProvidedLibrary] = [:]
            if let base = row.basedOn {
                libraries = try build(base, chain: chain + [reference]).libraries
            }
            if let measuredName = row.measured {
                guard let measured = data.measured[measuredName] else {
                    throw CatalogError(.invalidData, path: "Data/images/\(family).json",
                                       detail: "\(reference) names measured file \(measuredName), which does not exist")
                }
                for library in measured.libraries {
                    libraries[library.soname] = try provided(library, defaultSource: measured.measuredBy, file: measuredName)
                }
            }
            for library in row.addsLibraries ?? [] {
                libraries[library.soname] = try provided(library, defaultSource: row.provenance, file: "images/\(family).json")
            }
            for soname in row.removesLibraries ?? [] { libraries[soname] = nil }
            let libcVersion: VersionNumber?
            if let text = row.libc.version {
                guard let parsed = VersionNumber(text) else {
                    throw CatalogError(.invalidData, path: "Data/images/\(family).json", detail: "\(reference): libc version \(text) is not a dotted number")
                }
                libcVersion = parsed
            } else {
                libcVersion = nil
            }
            guard ["glibc", "musl", "none"].contains(row.libc.family) else {
                throw CatalogError(.invalidData, path: "Data/images/\(family).json", detail: "\(reference): libc family \(row.libc.family) is not glibc, musl or none")
            }
            let image = Image(
                reference: reference, family: family, variant: row.variant, osName: row.os.name,
                osVersion: row.os.version, osCodename: row.os.codename, basedOn: row.basedOn,
                libcFamily: row.libc.family, libcVersion: libcVersion,
                runtime: row.runtime.map { Image.Runtime(kind: $0.kind, version: $0.version, path: $0.path, abi: $0.abi) },
                shell: row.shell, packageManager: row.packageManager, defaultUser: row.defaultUser,
                architectures: row.architectures.sorted(), discontinuedDate: row.discontinued?.date,
                discontinuedSource: row.discontinued?.source,
                sizes: row.sizes.map { Image.Size(architecture: $0.arch, compressedBytes: $0.compressedBytes,
                                                  uncompressedBytes: $0.uncompressedBytes, estimate: $0.estimate,
                                                  source: $0.source, date: $0.date) },
                libraries: libraries, measured: row.measured, provenance: row.provenance)
            built[reference] = image
            return image
        }
        var result: [Image] = []
        for reference in rows.keys.sorted() {
            result.append(try build(reference, chain: []))
        }
        return result
    }

    public static func hints(from data: CatalogDataSet) -> [PackageHint] {
        data.hints.hints.flatMap { hint in
            hint.providers.map {
                PackageHint(soname: hint.soname, manager: $0.manager, release: $0.release, package: $0.package,
                            installedBytes: $0.installedBytes, estimate: $0.estimate ?? false, source: $0.source)
            }
        }
    }

    static func provided(_ library: CatalogDataImage.Library, defaultSource: String, file: String) throws(CatalogError) -> ProvidedLibrary {
        var maxima: [String: VersionNumber] = [:]
        for (family, text) in library.maxVersions ?? [:] {
            guard let number = VersionNumber(text) else {
                throw CatalogError(.invalidData, path: "Data/" + file, detail: "\(library.soname): \(family) version \(text) is not a dotted number")
            }
            maxima[family] = number
        }
        return ProvidedLibrary(
            soname: library.soname, path: library.path, package: library.package,
            versions: Set(library.versions ?? []), maxima: maxima, estimate: library.estimate ?? false,
            source: library.source ?? defaultSource)
    }
}
