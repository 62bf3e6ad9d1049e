/// The sonames that belong to the C library itself. A project needing them needs
/// "a glibc" or "a musl", which the libc requirement states; they are never
/// libraries to install on their own.
public enum LibcSonames {
    private static let glibc: Set<String> = [
        "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libutil.so.1",
        "libresolv.so.2", "libanl.so.1", "libmvec.so.1", "libnsl.so.1", "libBrokenLocale.so.1",
        "libthread_db.so.1", "libc_malloc_debug.so.0", "libc.so.6.1", "libm.so.6.1",
    ]
    private static let musl: Set<String> = [
        "libc.so", "libm.so", "libpthread.so", "libdl.so", "librt.so", "libutil.so", "libxnet.so",
    ]

    public static func isLibc(_ soname: String) -> Bool {
        glibc.contains(soname) || musl.contains(soname)
            || soname.hasPrefix("ld-linux") || soname.hasPrefix("ld64.so.") || soname == "ld.so.1"
            || soname.hasPrefix("ld-musl-") || soname.hasPrefix("libc.musl-")
    }
}
