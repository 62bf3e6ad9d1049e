import ELFInspection

/// A file named as a native library (`x.node`, `x.so`, `x.so.1`) that holds a macOS or
/// Windows build: node_modules or a virtualenv installed on a Mac and copied into the
/// build context. No Linux image loads it, and the Linux build npm or pip would install
/// is not there to judge, so unless its package is for that system only it is not judged.
public struct ForeignBuild: Sendable, Hashable {
    public var path: String
    public var format: ForeignExecutable

    public init(path: String, format: ForeignExecutable) {
        self.path = path
        self.format = format
    }

    /// `.node`, `.so` and `.so.<digits>…`: names a loader or `require` opens.
    static func isNamedAsNativeLibrary(_ name: String) -> Bool {
        if name.hasSuffix(".node") || name.hasSuffix(".so") { return true }
        guard let range = name.range(of: ".so.") else { return false }
        return name[range.upperBound...].allSatisfy { $0.isNumber || $0 == "." }
    }

    /// `prebuilds/darwin-arm64/x.node` → `darwin`: a prebuild a loader picks for another system.
    var prebuildSystem: String? {
        NodeAddon.prebuildPlatform(of: path)?.split(separator: "-").first.map(String.init)
    }

    /// `a/prebuilds/darwin-arm64/x.node` → `a`: the package directory holding the prebuilds.
    var prebuildPackage: String? {
        prebuildSystem == nil ? nil : PathText.directory(of: PathText.directory(of: PathText.directory(of: path)))
    }

    /// The warning for it, which leaves it unjudged.
    var warning: ScanWarning {
        ScanWarning(path: path, message: "a \(format.system) build (\(format.rawValue)), not ELF: no Linux image loads it, and the Linux "
                    + "build is not here to judge (installed on \(format.system)? scan a Linux install, or judge the lockfile)",
                    effect: .unjudged)
    }
}
