import Domain
import ELFInspection
import PackageKnowledge

/// Turns the Data/ files into catalog images: libraries of `basedOn` images are
/// inherited, measured root filesystems supply their whole library set (one per
/// architecture where measured per architecture), and each image's own additions
/// and removals apply on top. Every string of the data becomes a typed value here,
/// and every error names the file and the image.
public enum CatalogBuilder {
    /// Library sets by architecture; the nil key is the set for every architecture without its own.
    typealias LibrarySets = [Architecture?: [String: ProvidedLibrary]]

    public static func images(from data: CatalogDataSet) throws(CatalogError) -> [Image] {
        var rows: [String: (file: CatalogDataFile, image: CatalogDataImage)] = [:]
        var owners: [String: String] = [:]
        for file in data.families {
            for image in file.images {
                let path = "Data/images/\(file.family).json"
                guard rows[image.reference] == nil else {
                    throw CatalogError(.invalidData, path: path, detail: "\(image.reference) is defined twice")
                }
                rows[image.reference] = (file, image)
                for tag in Set([image.reference] + (image.tags ?? [])) {
                    if let owner = owners[tag], owner != image.reference {
                        throw CatalogError(.invalidData, path: path, detail: "tag \(tag) points at both \(owner) and \(image.reference)")
                    }
                    owners[tag] = image.reference
                }
            }
        }
        var built: [String: (image: Image, sets: LibrarySets)] = [:]
        func build(_ reference: String, chain: [String]) throws(CatalogError) -> (image: Image, sets: LibrarySets) {
            if let done = built[reference] { return done }
            guard let (file, row) = rows[reference] else {
                throw CatalogError(.invalidData, path: "Data/images", detail: "\(chain.last ?? reference) is based on \(reference), which is not in the catalog")
            }
            let path = "Data/images/\(file.family).json"
            func invalid(_ detail: String) -> CatalogError {
                CatalogError(.invalidData, path: path, detail: "\(reference): \(detail)")
            }
            guard chain.count < 64 else { throw invalid("basedOn chain is deeper than 64 images") }
            guard !chain.contains(reference) else {
                throw CatalogError(.invalidData, path: path, detail: "basedOn loop: \((chain + [reference]).joined(separator: " → "))")
            }
            var sets: LibrarySets = [nil: [:]]
            var inheritedLibcSonames: Set<String>?
            var installed: Set<String>?
            if let base = row.basedOn {
                let parent = try build(base, chain: chain + [reference])
                sets = parent.sets
                inheritedLibcSonames = parent.image.libcSonames
                installed = parent.image.installedPackages
            }
            // Architectures (nil: the default set) this row measured itself: its own files are
            // the whole set there, so basedOn's and addsLibraries/removesLibraries do not apply.
            var ownMeasured = Set<Architecture?>()
            for measuredName in row.measured?.names ?? [] {
                let key = measuredName.hasPrefix("measured/") ? measuredName : "measured/\(measuredName)"
                let fileKey = key.hasSuffix(".json") ? key : key + ".json"
                guard let measured = data.measured[fileKey] else {
                    throw invalid("names measured file \(measuredName), which does not exist")
                }
                let architectureName = measured.architecture ?? "amd64"
                guard let architecture = Architecture(architectureName) else {
                    throw CatalogError(.invalidData, path: "Data/" + fileKey, detail: "architecture \(architectureName) is not a platform name")
                }
                var libraries: [String: ProvidedLibrary] = [:]
                for library in measured.libraries {
                    libraries[library.soname] = try provided(library, architecture: architecture, defaultSource: measured.measuredBy, file: fileKey)
                }
                sets[architecture] = libraries
                ownMeasured.insert(architecture)
                if let packages = measured.installedPackages, !packages.isEmpty, installed == nil || architecture == .amd64 {
                    installed = Set(packages)
                }
                // The first measured file (amd64 first) stands for architectures measured on none.
                if measuredName == row.measured?.names.first || architecture == .amd64 {
                    sets[nil] = libraries
                    ownMeasured.insert(nil)
                }
            }
            for library in row.addsLibraries ?? [] {
                let limited = try (library.architectures ?? []).map { name throws(CatalogError) -> Architecture in
                    guard let architecture = Architecture(name) else { throw invalid("\(library.soname): architecture \(name) is not a platform name") }
                    return architecture
                }
                if limited.isEmpty {
                    for key in Array(sets.keys) where !ownMeasured.contains(key) {
                        sets[key]![library.soname] = try provided(library, architecture: key, defaultSource: row.provenance, file: path)
                    }
                } else {
                    for architecture in limited where !ownMeasured.contains(architecture) {
                        var set = sets[architecture] ?? sets[nil] ?? [:]
                        set[library.soname] = try provided(library, architecture: architecture, defaultSource: row.provenance, file: path)
                        sets[architecture] = set
                    }
                }
            }
            for soname in row.removesLibraries ?? [] {
                for key in Array(sets.keys) where !ownMeasured.contains(key) { sets[key]![soname] = nil }
            }
            guard let libc = LibcFamily(rawValue: row.libc.family), [.glibc, .musl, .none].contains(libc) else {
                throw invalid("libc family \(row.libc.family) is not glibc, musl or none")
            }
            let libcVersion: VersionNumber?
            if let text = row.libc.version {
                guard let parsed = VersionNumber(text) else { throw invalid("libc version \(text) is not a dotted number") }
                libcVersion = parsed
            } else {
                libcVersion = nil
            }
            var runtime: Image.Runtime?
            if let data = row.runtime {
                guard let kind = RuntimeKind(rawValue: data.kind) else { throw invalid("runtime \(data.kind) is not node or python") }
                runtime = Image.Runtime(kind: kind, version: data.version, path: data.path, abi: data.abi,
                                        freeThreaded: data.freeThreaded ?? false, moduleVersion: data.moduleVersion)
            }
            var manager: PackageManager?
            if let name = row.packageManager {
                guard let parsed = PackageManager(rawValue: name) else { throw invalid("package manager \(name) is not one of \(PackageManager.allCases.map(\.rawValue).joined(separator: ", "))") }
                manager = parsed
            }
            var architectures: [Architecture] = []
            var forAny = false
            for name in row.architectures {
                if name == "any" { forAny = true; continue }
                guard let architecture = Architecture(name), architecture.platformName != nil else {
                    throw invalid("architecture \(name) is not a platform name (amd64, arm64, arm/v7, 386, ppc64le, s390x, riscv64 …)")
                }
                architectures.append(architecture)
            }
            let sizes = try row.sizes.map { size throws(CatalogError) -> Image.Size in
                guard let architecture = Architecture(size.arch) else { throw invalid("size architecture \(size.arch) is not a platform name") }
                return Image.Size(architecture: architecture, compressedBytes: size.compressedBytes, uncompressedBytes: size.uncompressedBytes,
                                  estimate: size.estimate, source: size.source, date: size.date)
            }
            for dated in [row.endOfLife, row.discontinued].compactMap({ $0 }) where Day(dated.date) == nil {
                throw invalid("date \(dated.date) is not YYYY-MM-DD")
            }
            if let digest = row.digest, !ImageReference.isDigest(digest) {
                throw invalid("digest \(digest) is not sha256: and 64 hex digits")
            }
            var layers: [Architecture: [String]] = [:]
            for (name, diffIDs) in row.layers ?? [:] {
                guard let architecture = Architecture(name), architecture.platformName != nil else { throw invalid("layers for \(name), not a platform name") }
                if let bad = diffIDs.first(where: { !ImageReference.isDigest($0) }) { throw invalid("layer \(bad) is not sha256: and 64 hex digits") }
                layers[architecture] = diffIDs
            }
            var files: Image.Files?
            if let data = row.files {
                files = Image.Files(caCertificates: data.caCertificates, tzdata: data.tzdata,
                                    nonRootUser: data.nonRootUser?.name, nonRootUID: data.nonRootUser?.uid)
            }
            var architectureLibraries = sets
            let defaultLibraries = architectureLibraries.removeValue(forKey: nil) ?? [:]
            var image = Image(
                reference: reference, family: file.family, variant: row.variant, osName: row.os.name,
                osVersion: row.os.version, osCodename: row.os.codename, basedOn: row.basedOn,
                libcFamily: libc, libcVersion: libcVersion,
                libcSonames: row.libc.sonames.map(Set.init) ?? inheritedLibcSonames,
                runtime: runtime, shell: row.shell, packageManager: manager, defaultUser: row.defaultUser,
                architectures: architectures.sorted(), forAnyArchitecture: forAny,
                tags: (row.tags ?? []).filter { $0 != reference }, tagsAsOf: file.tagsAsOf?.date,
                endOfLife: row.endOfLife.map { Image.Lifecycle(date: $0.date, source: $0.source) },
                discontinued: row.discontinued.map { Image.Lifecycle(date: $0.date, source: $0.source) },
                floating: row.floating, notes: row.notes, files: files, digest: row.digest, sizes: sizes,
                libraries: defaultLibraries,
                architectureLibraries: Dictionary(uniqueKeysWithValues: architectureLibraries.map { ($0.key!, $0.value) }),
                // A published package list (repo-info) beats a row's own list, which beats the base's.
                installedPackages: InstalledPackages.forImage(reference) ?? row.installedPackages.map(Set.init) ?? installed,
                layers: layers, measured: row.measured?.names.joined(separator: ", "), provenance: row.provenance)
            image.entrypoint = row.entrypoint
            built[reference] = (image, sets)
            return (image, sets)
        }
        var result: [Image] = []
        for reference in rows.keys.sorted() {
            result.append(try build(reference, chain: []).image)
        }
        return result
    }

    public static func hints(from data: CatalogDataSet) throws(CatalogError) -> [PackageHint] {
        var hints: [PackageHint] = []
        for hint in data.hints.hints {
            for provider in hint.providers {
                guard let manager = PackageManager(rawValue: provider.manager) else {
                    throw CatalogError(.invalidData, path: "Data/package-hints.json", detail: "\(hint.soname): package manager \(provider.manager) is unknown")
                }
                hints.append(PackageHint(soname: hint.soname, manager: manager, release: provider.release, package: provider.package,
                                         installedBytes: provider.installedBytes, estimate: provider.estimate ?? false, source: provider.source))
            }
        }
        return hints
    }

    static func provided(
        _ library: CatalogDataImage.Library, architecture: Architecture?, defaultSource: String, file: String
    ) throws(CatalogError) -> ProvidedLibrary {
        var maxima: [String: VersionNumber] = [:]
        var texts = library.maxVersions ?? [:]
        if let architecture, let name = architecture.platformName, let specific = library.maxVersionsByArch?[name] {
            texts.merge(specific) { $1 }
        }
        for (family, text) in texts {
            guard let number = VersionNumber(text) else {
                throw CatalogError(.invalidData, path: file.hasPrefix("Data/") ? file : "Data/" + file,
                                   detail: "\(library.soname): \(family) version \(text) is not a dotted number")
            }
            maxima[family] = number
        }
        return ProvidedLibrary(
            soname: library.soname, path: library.path, package: library.package,
            versions: Set(library.versions ?? []), maxima: maxima, estimate: library.estimate ?? false,
            source: library.source ?? defaultSource)
    }
}
