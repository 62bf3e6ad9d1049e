/// What the project's Python extension modules and venv files say about the interpreter.
public struct PythonRuntime: Sendable, Hashable {
    /// CPython `X.Y` → the extension modules built for exactly that version.
    public var versions: [String: [String]] = [:]
    /// Stable-ABI (`abi3`) modules: any CPython at least as new as their wheel says.
    public var abi3Modules: [String] = []
    /// `version` from `pyvenv.cfg`, when a virtualenv was scanned.
    public var virtualenvVersion: String?

    public var isEmpty: Bool { versions.isEmpty && abi3Modules.isEmpty && virtualenvVersion == nil }
}

/// One wheel the scan read.
public struct WheelSummary: Sendable, Hashable {
    public var path: String
    public var name: WheelName?
    /// `Tag:` lines of the wheel's `WHEEL` file.
    public var declaredTags: [String]
    public var elfMembers: Int
}
