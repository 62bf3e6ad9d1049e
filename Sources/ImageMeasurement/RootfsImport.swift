import ImageCatalog
import Domain
import ELFInspection
import Foundation

/// Turns a measured root filesystem into a catalog image and into the Data/measured format.
public enum RootfsImport {
    public static func image(
        _ result: RootfsMeasurer.Result, reference: String, source: String, compressedBytes: Int64? = nil,
        defaultUser: String? = nil, architecture: Architecture? = nil
    ) -> Image {
        // A root without any ELF file (only data, scripts) runs on every platform, like scratch.
        let arch = architecture ?? result.architecture.flatMap(Architecture.init) ?? result.machine.map { Architecture($0) ?? .other($0) }
        let date = today()
        let family = familyName(reference)
        var image = Image(
            reference: reference, family: family, variant: "imported", osName: result.osName,
            osVersion: result.osVersion, osCodename: result.osCodename, basedOn: nil,
            libcFamily: LibcFamily(rawValue: result.libcFamily) ?? .none, libcVersion: result.libcVersion, runtime: result.runtime.map(runtime), shell: result.shell,
            packageManager: result.packageManager.flatMap(PackageManager.init(rawValue:)),
            defaultUser: defaultUser ?? (result.users.contains("root") ? "root" : result.users.first),
            architectures: arch.map { [$0] } ?? [], forAnyArchitecture: arch == nil,
            sizes: arch.map { [Image.Size(architecture: $0, compressedBytes: compressedBytes, uncompressedBytes: result.totalBytes,
                                          estimate: false, source: source, date: date)] } ?? [],
            libraries: Dictionary(uniqueKeysWithValues: result.libraries.map {
                var library = $0
                library.source = source
                return ($0.soname, library)
            }),
            installedPackages: result.installedPackages.map(Set.init),
            measured: source, provenance: "\(source), \(date)")
        image.uncachedLibraries = result.uncachedLibraries
        image.refusedLibraries = result.refusedLibraries
        image.preloads = result.preloads
        image.setID = result.setID
        image.otherNodes = result.runtimes.dropFirst().filter { $0.kind == .node }.map(runtime)
        return image
    }

    /// The catalog's view of a detected runtime.
    public static func runtime(_ detected: DetectedRuntime) -> Image.Runtime {
        Image.Runtime(kind: detected.kind, version: detected.version, path: detected.path, abi: detected.abi,
                      freeThreaded: detected.freeThreaded, moduleVersion: detected.moduleVersion,
                      nodeAPIExports: detected.nodeAPIExports.map(Set.init))
    }

    /// `architecture` overrides the measured one (`--platform`).
    public static func measuredData(
        _ result: RootfsMeasurer.Result, reference: String, source: String, architecture: String? = nil
    ) -> MeasuredRootfs {
        MeasuredRootfs(
            reference: reference, architecture: architecture ?? result.architecture, measuredBy: source, date: today(),
            libc: .init(family: result.libcFamily, version: result.libcVersion?.description),
            shell: result.shell, packageManager: result.packageManager, users: result.users,
            searchPath: result.searchPath, totalBytes: result.totalBytes,
            libraries: result.libraries.map {
                CatalogDataImage.Library(soname: $0.soname, maxVersions: nil, versions: $0.versions.sorted(by: versionOrder),
                                         package: nil, path: $0.path, estimate: nil, source: nil)
            }, installedPackages: result.installedPackages)
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

    /// The UTC date, or BASEFIT_TODAY (YYYY-MM-DD) when set.
    static func today() -> String {
        if let fixed = ProcessInfo.processInfo.environment["BASEFIT_TODAY"], fixed.count == 10 { return fixed }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }
}
