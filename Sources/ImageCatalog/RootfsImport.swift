import Domain
import ELFInspection
import Foundation

/// Turns a measured root filesystem into a catalog image and into the Data/measured format.
public enum RootfsImport {
    public static func image(
        _ result: RootfsMeasurer.Result, reference: String, source: String, compressedBytes: Int64? = nil,
        defaultUser: String? = nil, architecture: Architecture? = nil
    ) -> Image {
        let arch = architecture ?? result.machine.flatMap(Architecture.init)
        let date = today()
        let family = familyName(reference)
        return Image(
            reference: reference, family: family, variant: "imported", osName: result.osName,
            osVersion: result.osVersion, osCodename: result.osCodename, basedOn: nil,
            libcFamily: LibcFamily(rawValue: result.libcFamily) ?? .none, libcVersion: result.libcVersion, runtime: nil, shell: result.shell,
            packageManager: result.packageManager.flatMap(PackageManager.init(rawValue:)),
            defaultUser: defaultUser ?? (result.users.contains("root") ? "root" : result.users.first),
            architectures: arch.map { [$0] } ?? [],
            sizes: arch.map { [Image.Size(architecture: $0, compressedBytes: compressedBytes, uncompressedBytes: result.totalBytes,
                                          estimate: false, source: source, date: date)] } ?? [],
            libraries: Dictionary(uniqueKeysWithValues: result.libraries.map {
                var library = $0
                library.source = source
                return ($0.soname, library)
            }),
            measured: source, provenance: "\(source), \(date)")
    }

    public static func measuredData(_ result: RootfsMeasurer.Result, reference: String, source: String) -> MeasuredRootfs {
        MeasuredRootfs(
            reference: reference, measuredBy: source, date: today(),
            libc: .init(family: result.libcFamily, version: result.libcVersion?.description),
            shell: result.shell, packageManager: result.packageManager, users: result.users,
            searchPath: result.searchPath, totalBytes: result.totalBytes,
            libraries: result.libraries.map {
                CatalogDataImage.Library(soname: $0.soname, maxVersions: nil, versions: $0.versions.sorted(by: versionOrder),
                                         package: nil, path: $0.path, estimate: nil, source: nil)
            })
    }

    /// The catalog family of a reference (`node:22-slim` → node, `gcr.io/distroless/cc` → distroless).
    public static func familyName(_ reference: String) -> String {
        let withoutTag = reference.split(separator: ":").first.map(String.init) ?? reference
        let parts = withoutTag.split(separator: "/")
        if parts.contains("distroless") { return "distroless" }
        if parts.contains("chainguard") { return "chainguard" }
        return parts.last.map(String.init) ?? withoutTag
    }

    static func versionOrder(_ a: String, _ b: String) -> Bool {
        let left = SymbolVersion(a)
        let right = SymbolVersion(b)
        if left.family != right.family { return left.family < right.family }
        switch (left.number, right.number) {
        case let (l?, r?): return l < r
        case (nil, _?): return true
        case (_?, nil): return false
        default: return a < b
        }
    }

    static func today() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }
}
