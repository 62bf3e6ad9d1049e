/// The functions musl's libc.so began to export after 1.2.2, with the release that did. musl has
/// no symbol versions: a file built against a newer musl loads on an older one until the loader
/// meets such a symbol ("Error relocating x.so: statx: symbol not found").
///
/// Read from musl's own builds (`scripts/musl-symbols.sh`: tags v1.2.2 to v1.2.5 of
/// git.musl-libc.org through its mirror bminor/musl, built for x86_64 by gcc 12, `readelf
/// --dyn-syms` of lib/libc.so), matching musl's WHATSNEW ("statx function", "preadv2 and pwritev2
/// … syscall wrappers" in 1.2.5). 1.2.4 added none and stopped exporting the 61 LFS64 names
/// (`stat64`, `fopen64` …), which its loader still resolves for files linked against them
/// (`get_lfs64` in ldso/dynlink.c), so those are not a need.
///
/// `posix_getdents` and `renameat2` are exported by musl's master of 2025-05-27 (86373b49), after
/// 1.2.5 and before 1.2.6 (which Alpine 3.24 ships, after 3.23 shipped 1.2.5 in late 2025): they
/// count as 1.2.6. What else 1.2.6 added is not in the table, and releases before 1.2.2 are not
/// told apart: an image with such a musl cannot be confirmed for any of these files.
public enum MuslSymbols {
    /// The first release of the table: everything it exports counts as always there.
    public static let baseline = VersionNumber("1.2.2")!

    /// Name → the musl release that first exports it.
    public static let firstRelease: [String: VersionNumber] = [
        "pthread_getname_np": VersionNumber("1.2.3")!,
        "qsort_r": VersionNumber("1.2.3")!,
        "preadv2": VersionNumber("1.2.5")!,
        "pwritev2": VersionNumber("1.2.5")!,
        "statx": VersionNumber("1.2.5")!,
        "posix_getdents": VersionNumber("1.2.6")!,
        "renameat2": VersionNumber("1.2.6")!,
    ]
}
