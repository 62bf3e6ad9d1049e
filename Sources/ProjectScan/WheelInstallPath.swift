/// Where pip puts a wheel member: `<dist>.data/platlib/…` and `<dist>.data/purelib/…` go to
/// the root of site-packages, beside the wheel's top-level members (PEP 427), so
/// `x.whl!/pkg-1.0.data/platlib/pkg/_ext.so` is installed as `x.whl!/pkg/_ext.so`, and its
/// `$ORIGIN/../pkg.libs` is the wheel's top-level `pkg.libs/`. Any other path is its own.
enum WheelInstallPath {
    /// A path as the scan names it (`x.whl!/member`); anything else is returned as it is.
    static func installed(_ path: String) -> String {
        guard let bang = path.range(of: ".whl!/") else { return path }
        return String(path[..<bang.upperBound]) + installed(member: path[bang.upperBound...])
    }

    /// A member's path inside its wheel, relative to site-packages once installed.
    static func installed(member: Substring) -> String {
        let parts = member.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].hasSuffix(".data"), parts[1] == "platlib" || parts[1] == "purelib" else { return String(member) }
        return String(parts[2])
    }
}
