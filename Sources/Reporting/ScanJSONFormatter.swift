import ELFInspection
import ProjectScan

/// `basefit scan --format json`. Keys follow the contract in DESIGN.md; new keys
/// may be added, existing ones never change meaning.
public enum ScanJSONFormatter {
    public static let schemaVersion = 1

    public static func format(_ report: ScanReport) -> String {
        JSONValue.object([
            ("schemaVersion", .int(schemaVersion)),
            ("command", .string("scan")),
            ("artifacts", .array(report.artifacts.map(artifact))),
            ("requirements", requirements(report.requirements)),
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
        ])
    }

    static func requirements(_ requirements: Requirements) -> JSONValue {
        let families = requirements.minimum.keys.sorted()
        return .object([
            ("architectures", .strings(requirements.architectures)),
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
            ("x86ISALevel", requirements.x86ISALevel.map { .string(isaName($0)) } ?? .null),
        ])
    }
}

/// binutils' names for x86-64 ISA levels.
func isaName(_ level: Int) -> String {
    level <= 1 ? "x86-64-baseline" : "x86-64-v\(level)"
}
