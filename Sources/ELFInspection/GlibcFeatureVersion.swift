/// glibc's version names that mark a loader feature rather than a set of symbols
/// (`GLIBC_ABI_DT_RELR`). The linker adds one to a file's `.gnu.version_r` when the file
/// uses the feature (packed relative relocations: `ld -z pack-relative-relocs`, the default of
/// some distributions' toolchains), and glibc's loader refuses the file, as for any version,
/// when its `libc.so.6` does not define the name:
/// "version `GLIBC_ABI_DT_RELR' not found". They carry no number, so they are judged by the
/// image's measured version definitions, or by the first release that defines them.
public enum GlibcFeatureVersion {
    /// The names glibc uses for such markers.
    public static func isMarker(_ version: SymbolVersion) -> Bool {
        version.number == nil && version.name.hasPrefix("GLIBC_ABI_")
    }

    /// The first glibc release whose `libc.so.6` defines the marker, where every later release
    /// does too; nil for a marker whose first release is not certain (distributions backport
    /// them: Debian 13's glibc 2.41 defines `GLIBC_ABI_GNU2_TLS` of upstream 2.42).
    ///
    /// - `GLIBC_ABI_DT_RELR`: glibc 2.36 ("Add GLIBC_ABI_DT_RELR for DT_RELR support",
    ///   H.J. Lu, glibc commit 57292f574156, released in 2.36). Measured: Debian 11's glibc 2.31
    ///   does not define it, Debian 12's 2.36 and Debian 13's 2.41 do (`Data/measured/`).
    /// What the marker stands for, where known ("packed relative relocations (DT_RELR)").
    public static func feature(of version: SymbolVersion) -> String? {
        switch version.name {
        case "GLIBC_ABI_DT_RELR": return "packed relative relocations: DT_RELR, from ld -z pack-relative-relocs"
        default: return nil
        }
    }

    public static func firstRelease(of version: SymbolVersion) -> VersionNumber? {
        switch version.name {
        case "GLIBC_ABI_DT_RELR": return VersionNumber([2, 36])
        default: return nil
        }
    }
}
