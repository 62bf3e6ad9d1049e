import ELFInspection
import ProjectScan

/// `basefit scan --format json`. Keys follow the README's command-line contract; new keys
/// may be added, existing ones never change meaning.
public enum ScanJSONFormatter {
    public static func format(_ report: ScanReport) -> String {
        JSONValue.object([
            ("schemaVersion", .int(OutputSchema.version)),
            ("command", .string("scan")),
            ("artifacts", .array(report.artifacts.map(artifact))),
            ("requirements", requirements(report.requirements)),
            ("findings", .array(report.findings.map(finding))),
            ("wheels", .array(report.wheels.map(wheel))),
            ("warnings", .array(report.warnings.map { .object([("path", .string($0.path)), ("message", .string($0.message))]) })),
            ("summary", .object([
                ("filesExamined", .int(report.filesExamined)),
                ("elfFiles", .int(report.artifacts.count)),
            ])),
        ]).rendered()
    }

    static func artifact(_ artifact: Artifact) -> JSONValue {
        let facts = artifact.facts
        let families = facts.minimum.keys.sorted()
        return .object([
            ("path", .string(artifact.path)),
            ("machine", .string(facts.machine)),
            ("class", .int(facts.is64Bit ? 64 : 32)),
            ("endianness", .string(facts.littleEndian ? "little" : "big")),
            ("fileType", .string(facts.fileType.rawValue)),
            ("pie", .bool(facts.pie)),
            ("libc", .string(facts.libc.rawValue)),
            ("linkage", .string(facts.linkage.rawValue)),
            ("interpreter", .optional(facts.interpreter)),
            ("soname", .optional(facts.soname)),
            ("needed", .strings(facts.needed)),
            ("rpath", .optional(facts.rpath)),
            ("runpath", .optional(facts.runpath)),
            ("flags1", .strings(facts.flags1)),
            ("versionNeeds", .object(facts.versionNeeds.map { need in
                (need.library, .strings(need.versions.map(\.version.name)))
            })),
            ("minimum", .object(families.map { ($0, .string(facts.minimum[$0]!.version.description)) })),
            ("minimumSymbols", .object(families.map { family in
                let need = facts.minimum[family]!
                return (family, .object([
                    ("version", .string(need.versionName)),
                    ("library", .string(need.library)),
                    ("symbols", .strings(need.symbols)),
                ]))
            })),
            ("versionDefinitions", .strings(facts.versionDefinitions)),
            ("exports", .strings(facts.exports)),
            ("go", facts.go.map { go in
                .object([("version", .optional(go.version)), ("cgo", go.cgo.map(JSONValue.bool) ?? .null)])
            } ?? .null),
            ("x86ISALevel", facts.x86ISALevel.map { .string(isaName($0)) } ?? .null),
            ("executableStack", .bool(facts.executableStack)),
            ("muslSymbols", .strings(facts.muslSymbols)),
            ("nodeAPIFunctions", .strings(facts.nodeAPIFunctions)),
            ("bundled", .object(artifact.bundled.keys.sorted().map { ($0, .string(artifact.bundled[$0]!)) })),
            ("external", .strings(artifact.external)),
            ("package", artifact.origin.map(origin) ?? .null),
            ("node", artifact.nodeAddon.map(nodeAddon) ?? .null),
            ("python", artifact.pythonExtension.map(pythonExtension) ?? .null),
            ("hasOtherLibcVariant", .bool(artifact.hasOtherLibcVariant)),
        ])
    }

    static func origin(_ origin: PackageOrigin) -> JSONValue {
        .object([
            ("ecosystem", .string(origin.ecosystem.rawValue)),
            ("name", .string(origin.name)),
            ("version", .optional(origin.version)),
            ("manifest", .string(origin.manifest)),
            ("os", origin.declaredOS.map(JSONValue.strings) ?? .null),
            ("cpu", origin.declaredCPU.map(JSONValue.strings) ?? .null),
            ("libc", origin.declaredLibc.map(JSONValue.strings) ?? .null),
            ("glibcRange", .optional(origin.declaredGlibcRange)),
            ("muslRange", .optional(origin.declaredMuslRange)),
        ])
    }

    static func nodeAddon(_ addon: NodeAddon) -> JSONValue {
        var binding = "unknown"
        var moduleVersion: JSONValue = .null
        switch addon.binding {
        case .napi: binding = "napi"
        case .abi(let version):
            binding = "abi"
            moduleVersion = .int(version)
        case .unconfirmed: binding = "unconfirmed"
        case .unknown: break
        }
        return .object([
            ("binding", .string(binding)),
            ("moduleVersion", moduleVersion),
            ("nodeMajor", addon.nodeMajor.map(JSONValue.int) ?? .null),
            ("libnodeModuleVersion", addon.libnodeModuleVersion.map(JSONValue.int) ?? .null),
            ("prebuildPlatform", .optional(addon.prebuildPlatform)),
            ("prebuildTags", .strings(addon.prebuildTags)),
        ])
    }

    static func pythonExtension(_ module: PythonExtension) -> JSONValue {
        .object([
            ("implementation", .string(module.implementation)),
            ("pythonVersion", .optional(module.pythonVersion)),
            ("abi", .string(module.abi)),
            ("platform", .optional(module.platform)),
            ("minimumPythonVersion", .optional(module.minimumPythonVersion)),
        ])
    }

    static func finding(_ finding: Finding) -> JSONValue {
        .object([
            ("kind", .string(finding.kind.rawValue)),
            ("path", .string(finding.path)),
            ("message", .string(finding.message)),
            ("fix", .optional(finding.fix)),
        ])
    }

    static func wheel(_ wheel: WheelSummary) -> JSONValue {
        .object([
            ("path", .string(wheel.path)),
            ("distribution", .optional(wheel.name?.distribution)),
            ("version", .optional(wheel.name?.version)),
            ("pythonTags", .strings(wheel.name?.pythonTags ?? [])),
            ("abiTags", .strings(wheel.name?.abiTags ?? [])),
            ("platformTags", .strings(wheel.name?.platformTags ?? [])),
            ("declaredTags", .strings(wheel.declaredTags)),
            ("elfMembers", .int(wheel.elfMembers)),
            ("membersByTheirEnds", .int(wheel.membersByTheirEnds)),
        ])
    }

    static func nodeRuntime(_ node: NodeRuntime) -> JSONValue {
        .object([
            ("pinnedModuleVersions", .object(node.pinnedModuleVersions.keys.sorted().map { (String($0), .strings(node.pinnedModuleVersions[$0]!)) })),
            ("pinnedNodeMajors", .array(node.pinnedMajors.map(JSONValue.int))),
            ("napiAddons", .strings(node.napiAddons)),
            ("unconfirmedAddons", .strings(node.unconfirmedAddons)),
            ("installedPackages", .int(node.installedPackages)),
            ("libnodeAddons", .object(node.libnodeAddons.keys.sorted().map { ($0, .int(node.libnodeAddons[$0]!)) })),
            ("engines", .optional(node.enginesRange)),
            ("nvmrc", .optional(node.nvmrc)),
            ("nodeVersionFile", .optional(node.nodeVersionFile)),
        ])
    }

    static func pythonRuntime(_ python: PythonRuntime) -> JSONValue {
        .object([
            ("versions", .object(python.versions.keys.sorted().map { ($0, .strings(python.versions[$0]!)) })),
            ("abi3Modules", .strings(python.abi3Modules)),
            ("abi3MinimumVersions", .object(python.abi3MinimumVersions.keys.sorted().map { ($0, .strings(python.abi3MinimumVersions[$0]!)) })),
            ("wheelPlatformTags", .object(python.wheelPlatformTags.keys.sorted().map { ($0, .strings(python.wheelPlatformTags[$0]!)) })),
            ("virtualenvVersion", .optional(python.virtualenvVersion)),
            ("installedDistributions", .int(python.installedDistributions)),
            ("virtualenvFreeThreaded", .bool(python.virtualenvFreeThreaded)),
        ])
    }

    static func requirements(_ requirements: Requirements) -> JSONValue {
        let families = requirements.minimum.keys.sorted()
        return .object([
            ("schemaVersion", .int(requirements.schemaVersionWritten)),
            ("digest", .string(requirements.digest)),
            ("architectures", .strings(requirements.architectures.map(\.elfName).sorted())),
            ("libc", .string(requirements.libc.rawValue)),
            ("minimum", .object(families.map { ($0, .string(requirements.minimum[$0]!.version.description)) })),
            ("minimumSetBy", .object(families.map { family in
                let need = requirements.minimum[family]!
                return (family, .object([
                    ("version", .string(need.versionName)),
                    ("artifact", .string(need.artifact)),
                    ("library", .string(need.library)),
                    ("symbols", .strings(need.symbols)),
                ]))
            })),
            ("sonames", .strings(requirements.sonames.map(\.soname))),
            ("sonamesNeededBy", .object(requirements.sonames.map { ($0.soname, .strings($0.neededBy)) })),
            ("sonamesOnlyFor", .object(requirements.sonames.compactMap { soname in
                soname.onlyFor.map { (soname.soname, .string($0.rawValue)) }
            })),
            ("runtime", .object([
                ("node", requirements.node.map(nodeRuntime) ?? .null),
                ("python", requirements.python.map(pythonRuntime) ?? .null),
            ])),
            ("x86ISALevel", requirements.x86ISALevel.map { .string(isaName($0)) } ?? .null),
            // The contract `--requirements FILE` reads back: each file's needs, bundled ones removed.
            ("files", JSONValue(encoding: requirements.files)),
            ("hints", JSONValue(encoding: requirements.hints)),
        ] + (requirements.lockfiles.map { locked in
            // Lockfile pins, their files, and the wheels read for the candidate images (only with lockfiles).
            [("lockfiles", JSONValue(encoding: locked))]
        } ?? []) + (requirements.unjudged.isEmpty ? [] : [
            // What may be native code and was not judged (only when something was not).
            ("unjudged", JSONValue(encoding: requirements.unjudged)),
        ]))
    }
}

/// binutils' names for x86-64 ISA levels.
func isaName(_ level: Int) -> String {
    level <= 1 ? "x86-64-baseline" : "x86-64-v\(level)"
}
