import ELFInspection

/// What a Python extension module's file name says (PEP 3149 suffixes):
/// `_foo.cpython-312-x86_64-linux-gnu.so`, `_foo.abi3.so`, `_foo.pypy39-pp73-x86_64-linux-gnu.so`.
public struct PythonExtension: Sendable, Hashable {
    public var implementation: String
    /// `3.12` for CPython; nil for abi3 and unknown.
    public var pythonVersion: String?
    /// `cp312`, `cp312d`, `abi3`, `pp73`.
    public var abi: String
    /// The platform triplet (`x86_64-linux-gnu`), when the name carries one.
    public var platform: String?
    /// For an `abi3` module, the oldest CPython its wheel's tag lets it load on (`cp313-abi3` →
    /// `3.13`), from the `.whl` name or the installed `*.dist-info/WHEEL`; nil when unknown.
    public var minimumPythonVersion: String?

    public init?(fileName: String) {
        guard fileName.hasSuffix(".so") else { return nil }
        let parts = fileName.dropLast(3).split(separator: ".")
        guard parts.count >= 2, let tag = parts.last else { return nil }
        if tag == "abi3" {
            implementation = "cpython"
            abi = "abi3"
            pythonVersion = nil
            platform = nil
            return
        }
        let fields = tag.split(separator: "-").map(String.init)
        if fields.first == "cpython", fields.count >= 2 {
            let digits = fields[1]
            let number = String(digits.prefix(while: \.isNumber))
            guard number.count >= 2 else { return nil }
            implementation = "cpython"
            pythonVersion = "\(number.prefix(1)).\(number.dropFirst())"
            abi = "cp" + digits
            platform = fields.count > 2 ? fields.dropFirst(2).joined(separator: "-") : nil
            return
        }
        if let first = fields.first, first.hasPrefix("pypy"), fields.count >= 2 {
            implementation = "pypy"
            pythonVersion = nil
            abi = fields[1]
            platform = fields.count > 2 ? fields.dropFirst(2).joined(separator: "-") : nil
            return
        }
        return nil
    }

    /// The libc the platform triplet names (`-linux-gnu` → glibc, `-linux-musl` → musl).
    public var libc: LibcFamily? {
        guard let platform else { return nil }
        if platform.contains("-linux-musl") { return .musl }
        if platform.contains("-linux-gnu") { return .glibc }
        return nil
    }

    /// The architecture of the triplet's CPU (`x86_64-linux-gnu`, `arm-linux-gnueabihf`).
    public var architecture: Architecture? {
        guard let cpu = platform?.split(separator: "-").first else { return nil }
        return Architecture(String(cpu))
    }

    /// The basefit machine name of the triplet's CPU.
    public var machine: String? { architecture?.elfName }
}
