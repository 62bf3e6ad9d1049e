import ELFInspection

/// What one walk found.
struct WalkResult: Sendable {
    var artifacts: [Artifact] = []
    var warnings: [ScanWarning] = []
    /// Regular files looked at (ELF or not, wheels included).
    var examined = 0
    /// Symbolic links inside a scanned root: display path → display path of the target.
    var aliases: [String: String] = [:]
    /// Manifests the ecosystem passes read: package.json, RECORD, pyvenv.cfg, .nvmrc, .node-version.
    var manifests: [FoundFile] = []
    var wheels: [FoundFile] = []
    /// Files named as native libraries (`.node`, `.so`) that hold a macOS or Windows build.
    var foreignBuilds: [ForeignBuild] = []
    /// Files named as native libraries that are Git LFS pointers: what they stand for was never
    /// fetched.
    var lfsPointers: [String] = []
    /// Links in `node_modules` to a directory or an addon outside the root they were found in
    /// (a workspace package, `npm link`): display path → real target. Not followed; unjudged
    /// unless another scanned root holds the target.
    var linksOut: [String: String] = [:]

    /// A file that is not ELF, named as a native library (`x.node`, `x.so`): a macOS or Windows
    /// build, a Git LFS pointer, or a module `require()` or `import` cannot load is told; anything else is
    /// passed over, as every other file that is not ELF.
    mutating func recordNotELF(path: String, foreign: ForeignExecutable?, content: NonELFContent?) {
        guard ForeignBuild.isNamedAsNativeLibrary(PathText.fileName(of: path)) else { return }
        if let foreign {
            foreignBuilds.append(ForeignBuild(path: path, format: foreign))
        } else if content == .gitLFSPointer {
            lfsPointers.append(path)
        } else if let module = ModuleFile.kind(of: path), let message = module.message(for: content ?? .other) {
            warnings.append(ScanWarning(path: path, message: message, effect: .unjudged))
        }
    }

    mutating func merge(_ other: WalkResult) {
        artifacts += other.artifacts
        warnings += other.warnings
        examined += other.examined
        aliases.merge(other.aliases) { first, _ in first }
        manifests += other.manifests
        wheels += other.wheels
        foreignBuilds += other.foreignBuilds
        lfsPointers += other.lfsPointers
        linksOut.merge(other.linksOut) { first, _ in first }
    }
}
