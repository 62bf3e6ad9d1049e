import ELFInspection

/// A file named as a Node addon (`x.node`) that `require()` cannot load on any image: no
/// shared library at all (empty, text, a linker script, an archive), an object file, or an
/// executable, which glibc's `dlopen` refuses. Each is reported as not judged, so that the
/// gate does not pass a project whose addon will not load (a broken build, a file cut to
/// nothing by a failed copy).
enum AddonFile {
    static func isAddonName(_ path: String) -> Bool { path.hasSuffix(".node") }

    /// Why a file that is not ELF (and not a Mach-O/PE build or a Git LFS pointer, which are
    /// reported on their own) cannot be an addon.
    static func message(for content: NonELFContent) -> String? {
        let what: String
        switch content {
        case .empty: what = "an empty file"
        case .linkerScript: what = "a GNU ld script"
        case .staticArchive: what = "a static archive"
        case .other: what = "not ELF"
        case .gitLFSPointer: return nil
        }
        return "\(what), named as a Node addon: require() loads no such file on any image (\"file too short\" or \"invalid ELF header\")"
    }

    /// Why an ELF file named as an addon cannot be loaded by `dlopen`, or nil when it can.
    static func message(for facts: BinaryFacts) -> String? {
        switch facts.fileType {
        case .relocatable:
            return "an object file (ELF REL), not a shared library, named as a Node addon: require() loads it on no image (\"only ET_DYN and ET_EXEC can be loaded\")"
        case .executable:
            return "an executable (ELF EXEC), not a shared library, named as a Node addon: glibc's dlopen refuses it (\"cannot dynamically load executable\")"
        case .sharedObject where facts.flags1.contains("PIE"):
            return "a position-independent executable, not a shared library, named as a Node addon: glibc's dlopen refuses it (\"cannot dynamically load position-independent executable\")"
        case .core, .other:
            return "an ELF file that is no shared library (\(facts.fileType.rawValue)), named as a Node addon: require() loads it on no image"
        case .sharedObject:
            return nil
        }
    }
}
