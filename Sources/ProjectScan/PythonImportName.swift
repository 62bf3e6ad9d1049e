/// Whether a file is one CPython's `import` loads as an extension module: a name with a PEP 3149
/// tag (`_x.cpython-312-x86_64-linux-gnu.so`, `_x.abi3.so`) anywhere, or a plain `x.so` at an
/// importable place, below `site-packages`/`dist-packages` or in a wheel (where pip installs it),
/// through directories that are all Python identifiers (`pkg/sub/x.so`; `numpy.libs/libz-1a2b.so`,
/// a bundled library, is none).
enum PythonImportName {
    /// A file on disk (or in an archive other than a wheel).
    static func isExtensionModule(path: String) -> Bool {
        let parts = path.split(separator: "/")
        guard let name = parts.last, name.hasSuffix(".so") else { return false }
        if PythonExtension(fileName: String(name)) != nil { return true }
        guard let root = parts.dropLast().lastIndex(where: { $0 == "site-packages" || $0 == "dist-packages" }) else { return false }
        return isImportable(parts[(root + 1)...])
    }

    /// A member of a wheel, by its path inside the wheel.
    static func isExtensionModule(wheelMember member: Substring) -> Bool {
        let parts = WheelInstallPath.installed(member: member).split(separator: "/")
        guard let name = parts.last, name.hasSuffix(".so") else { return false }
        return PythonExtension(fileName: String(name)) != nil || isImportable(parts[...])
    }

    /// `pkg/sub/x.so`: every directory and the file's stem are identifiers.
    private static func isImportable(_ parts: ArraySlice<Substring>) -> Bool {
        guard let name = parts.last else { return false }
        return isIdentifier(name.dropLast(3)) && parts.dropLast().allSatisfy(isIdentifier)
    }

    /// An ASCII Python identifier (what a module or package name must be to be imported).
    static func isIdentifier(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || first.properties.isAlphabetic && first.isASCII else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }
}
