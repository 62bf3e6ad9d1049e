/// The file names that belong to a C library itself: its dynamic loaders and the
/// sonames of its own libraries. The one place they are recognised (the inspector's
/// libc verdict, the project's external sonames, a root's measurement).
public enum LibcNames {
    private static let glibcSonames: Set<String> = [
        "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libutil.so.1",
        "libresolv.so.2", "libanl.so.1", "libmvec.so.1", "libnsl.so.1", "libBrokenLocale.so.1",
        "libthread_db.so.1", "libc_malloc_debug.so.0", "libc.so.6.1", "libm.so.6.1",
    ]
    private static let muslSonames: Set<String> = [
        "libc.so", "libm.so", "libpthread.so", "libdl.so", "librt.so", "libutil.so", "libxnet.so",
    ]

    /// The libc a dynamic loader belongs to, from its file name or path
    /// (`/lib/ld-musl-x86_64.so.1` → musl, `ld-linux-aarch64.so.1`, `ld64.so.2`, `ld.so.1` → glibc).
    public static func family(ofLoader path: String) -> LibcFamily? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasPrefix("ld-musl-") { return .musl }
        if name.hasPrefix("ld-linux") || name.hasPrefix("ld64.so") || name == "ld.so.1" { return .glibc }
        return nil
    }

    /// The libc a NEEDED soname names as a whole (`libc.so.6` → glibc, `libc.musl-*.so.1`, `libc.so` → musl);
    /// nil for other sonames, even the libc's own helper libraries.
    public static func family(ofNeeded soname: String) -> LibcFamily? {
        if let loader = family(ofLoader: soname) { return loader }
        if soname.hasPrefix("libc.musl-") || soname == "libc.so" { return .musl }
        if soname == "libc.so.6" || soname == "libc.so.6.1" || soname == "libc.so.7" { return .glibc }
        return nil
    }

    /// The paths the psABI fixes for the loaders (glibc's and musl's), where every
    /// distribution's image has them; nil for an architecture not judged this way.
    public static func standardLoaders(for architecture: Architecture) -> Set<String>? {
        switch architecture {
        case .amd64: return ["/lib64/ld-linux-x86-64.so.2", "/lib/ld-musl-x86_64.so.1"]
        case .arm64: return ["/lib/ld-linux-aarch64.so.1", "/lib/ld-musl-aarch64.so.1"]
        case .i386: return ["/lib/ld-linux.so.2", "/lib/ld-musl-i386.so.1"]
        default: return nil
        }
    }

    /// True for any soname of the C library itself (a loader, libc, libm, libdl …): a project
    /// needing them needs "a glibc" or "a musl", never a library to install on its own.
    public static func isLibc(_ soname: String) -> Bool {
        glibcSonames.contains(soname) || muslSonames.contains(soname) || family(ofNeeded: soname) != nil
    }
}
