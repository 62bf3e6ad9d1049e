import ELFInspection
/// The directories a glibc loader searches by default on a Debian-style multiarch system, in the
/// order the compact index numbers them (0…3). Subdirectories (debug files, private plugin
/// directories) are not library directories.
public enum LibraryDirectories {
    /// Debian's multiarch tuple for an architecture named any way (`amd64`, `x86_64`, `armhf`, `ppc64el`).
    public static func multiarchTriplet(_ architecture: String) -> String? {
        Architecture(architecture)?.debianMultiarch.first
    }

    /// `/lib`, `/usr/lib`, `/lib/<triplet>`, `/usr/lib/<triplet>` (the last two only for known architectures).
    public static func debian(_ architecture: String) -> [String] {
        var directories = ["/lib", "/usr/lib"]
        if let triplet = multiarchTriplet(architecture) {
            directories += ["/lib/\(triplet)", "/usr/lib/\(triplet)"]
        }
        return directories
    }

    /// `lib*.so.N[.N…]`: a shared library's versioned file name (not the `.so` development link).
    public static func isSharedLibraryName(_ name: Substring) -> Bool {
        guard name.hasPrefix("lib"), !name.contains("/"), let range = name.range(of: ".so.", options: .backwards) else {
            return false
        }
        let suffix = name[range.upperBound...]
        guard !suffix.isEmpty, name.distance(from: name.startIndex, to: range.lowerBound) > 3 else { return false }
        return suffix.split(separator: ".", omittingEmptySubsequences: false).allSatisfy {
            !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber }
        }
    }
}
