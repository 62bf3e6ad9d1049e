import ELFInspection

/// A file a runtime loads with `dlopen` as a module of its own: a Node addon (`x.node`, by
/// `require()`) or a CPython extension module (`x.cpython-312-x86_64-linux-gnu.so`,
/// `x.abi3.so`, `x.so` in an importable place, by `import`). Such a file that no loader opens
/// on any image — no shared library at all (empty, text, a linker script, an archive), an
/// object file, an executable, or a library linked with `-z nodlopen` — is reported as not
/// judged, so that the gate does not pass a project whose module will not load (a broken build,
/// a file cut to nothing by a failed copy, an error page saved under the module's name).
enum ModuleFile: Sendable, Hashable {
    case nodeAddon
    case pythonExtension

    /// What loads the file at `path` as a module, or nil for any other file. A wheel member
    /// is taken at the place pip installs it (`WheelInstallPath`); a `.node` inside a wheel is
    /// nobody's addon.
    static func kind(of path: String) -> ModuleFile? {
        if let bang = path.range(of: ".whl!/") { return kind(ofWheelMember: path[bang.upperBound...]) }
        if isAddonName(path) { return .nodeAddon }
        return PythonImportName.isExtensionModule(path: path) ? .pythonExtension : nil
    }

    /// The same for a member of a wheel, by its path inside the wheel.
    static func kind(ofWheelMember member: Substring) -> ModuleFile? {
        PythonImportName.isExtensionModule(wheelMember: member) ? .pythonExtension : nil
    }

    static func isAddonName(_ path: String) -> Bool { path.hasSuffix(".node") }

    /// "named as a Node addon: require()", "named as a Python extension module: import".
    private var named: String {
        switch self {
        case .nodeAddon: return "named as a Node addon"
        case .pythonExtension: return "named as a Python extension module"
        }
    }

    private var loader: String {
        switch self {
        case .nodeAddon: return "require()"
        case .pythonExtension: return "import"
        }
    }

    /// Why a file that is not ELF (and not a Mach-O/PE build or a Git LFS pointer, which are
    /// reported on their own) cannot be such a module.
    func message(for content: NonELFContent) -> String? {
        let what: String
        switch content {
        case .empty: what = "an empty file"
        case .linkerScript: what = "a GNU ld script"
        case .staticArchive: what = "a static archive"
        case .other: what = "not ELF"
        case .gitLFSPointer: return nil
        }
        return "\(what), \(named): \(loader) loads no such file on any image (\"file too short\" or \"invalid ELF header\")"
    }

    /// Why an ELF file named as such a module cannot be loaded by `dlopen`, or nil when it can.
    func message(for facts: BinaryFacts) -> String? {
        switch facts.fileType {
        case .relocatable:
            return "an object file (ELF REL), not a shared library, \(named): \(loader) loads it on no image (\"only ET_DYN and ET_EXEC can be loaded\")"
        case .executable:
            return "an executable (ELF EXEC), not a shared library, \(named): glibc's dlopen refuses it (\"cannot dynamically load executable\")"
        case .sharedObject where facts.flags1.contains("PIE"):
            return "a position-independent executable, not a shared library, \(named): glibc's dlopen refuses it (\"cannot dynamically load position-independent executable\")"
        case .sharedObject where facts.flags1.contains("NOOPEN"):
            return "a shared library linked with -z nodlopen (DF_1_NOOPEN), \(named): glibc's dlopen refuses it (\"shared object cannot be dlopen()ed\")"
        case .core, .other:
            return "an ELF file that is no shared library (\(facts.fileType.rawValue)), \(named): \(loader) loads it on no image"
        case .sharedObject:
            return nil
        }
    }
}
