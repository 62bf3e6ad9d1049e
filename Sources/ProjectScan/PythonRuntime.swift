/// What the project's Python extension modules and venv files say about the interpreter.
public struct PythonRuntime: Sendable, Hashable, Codable {
    /// CPython `X.Y` (`X.Yt` for a free-threaded build) → the extension modules built
    /// for exactly that interpreter.
    public var versions: [String: [String]] = [:]
    /// Stable-ABI (`abi3`) modules: any CPython at least as new as their wheel says.
    public var abi3Modules: [String] = []
    /// CPython `X.Y` → the `abi3` modules whose wheel is tagged `cpXY-abi3`: they load on
    /// CPython X.Y and later only. (Read as empty from a requirements file that lacks it.)
    public var abi3MinimumVersions: [String: [String]] = [:]
    /// `.whl` files scanned → their platform tags (`manylinux_2_17_x86_64`): pip installs such a
    /// wheel only where one of them is the image's (`WheelTags.platformTags`). (Read as empty
    /// from a requirements file that lacks it.)
    public var wheelPlatformTags: [String: [String]] = [:]
    /// `version` from `pyvenv.cfg`, when a virtualenv was scanned.
    public var virtualenvVersion: String?
    /// Installed distributions (`*.dist-info` with a RECORD): evidence of an installed
    /// Python project even when it has no extension module.
    public var installedDistributions = 0
    /// The virtualenv was made by a free-threaded interpreter (`python3.13t`).
    public var virtualenvFreeThreaded = false

    /// A virtualenv, installed distributions or extension modules.
    public var isInstalled: Bool {
        virtualenvVersion != nil || installedDistributions > 0 || !versions.isEmpty || !abi3Modules.isEmpty
    }

    public init() {}

    public var isEmpty: Bool {
        versions.isEmpty && abi3Modules.isEmpty && virtualenvVersion == nil && installedDistributions == 0
    }

    /// `3.12` of a virtualenv's `3.12.1` / `3.12.1.final.0` (`3.13t` for a free-threaded one).
    public var virtualenvLine: String? {
        virtualenvVersion.map { $0.split(separator: ".").prefix(2).joined(separator: ".") + (virtualenvFreeThreaded ? "t" : "") }
    }
}

extension PythonRuntime {
    private enum CodingKeys: String, CodingKey {
        case versions, abi3Modules, abi3MinimumVersions, wheelPlatformTags, virtualenvVersion, installedDistributions, virtualenvFreeThreaded
    }

    /// Requirements files written before `abi3MinimumVersions` and `wheelPlatformTags` are read
    /// as they were (neither fact known).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        versions = try container.decode([String: [String]].self, forKey: .versions)
        abi3Modules = try container.decode([String].self, forKey: .abi3Modules)
        abi3MinimumVersions = try container.decodeIfPresent([String: [String]].self, forKey: .abi3MinimumVersions) ?? [:]
        wheelPlatformTags = try container.decodeIfPresent([String: [String]].self, forKey: .wheelPlatformTags) ?? [:]
        virtualenvVersion = try container.decodeIfPresent(String.self, forKey: .virtualenvVersion)
        installedDistributions = try container.decode(Int.self, forKey: .installedDistributions)
        virtualenvFreeThreaded = try container.decode(Bool.self, forKey: .virtualenvFreeThreaded)
    }
}

/// One wheel the scan read.
public struct WheelSummary: Sendable, Hashable {
    public var path: String
    public var name: WheelName?
    /// `Tag:` lines of the wheel's `WHEEL` file.
    public var declaredTags: [String]
    public var elfMembers: Int
    /// ELF members read by their start and end only (their CRC-32 not checked): see `WheelReader.PartialReads`.
    public var membersByTheirEnds = 0
}
