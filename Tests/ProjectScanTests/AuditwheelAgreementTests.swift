import Foundation
import Testing
import TestSupport
@testable import ELFInspection
@testable import ProjectScan

/// basefit against PyPA's auditwheel (`auditwheel show --json`) on the real wheels in
/// Fixtures/projects/wheels: the same libc family, the same highest GLIBC, and the
/// same view of which libraries the wheel bundles. Runs where auditwheel is installed
/// (scripts/deps.sh installs it from PyPI).
@Suite(.enabled(if: Run.which("auditwheel") != nil, "auditwheel is not installed (pip install auditwheel)"))
struct AuditwheelAgreementTests {
    static let directory = TestPaths.fixtures.appendingPathComponent("projects/wheels")
    static let wheels: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { $0.hasSuffix(".whl") }.sorted()

    @Test func thereAreWheelsToCompare() {
        #expect(Self.wheels.count >= 7)
    }

    @Test(arguments: wheels)
    func agreesWithAuditwheel(_ wheel: String) throws {
        let path = Self.directory.appendingPathComponent(wheel).path
        let result = try Run.program(Run.which("auditwheel")!, ["show", "--json", path],
                                     environment: ProcessInfo.processInfo.environment.merging(["PYTHONHASHSEED": "0"]) { $1 })
        let report = try Scanner().scan([path])
        let members = report.artifacts
        try #require(!members.isEmpty)
        guard result.status == 0 else {
            // auditwheel refuses wheels whose files contradict their libc (wrongc): basefit must flag them too.
            #expect(report.findings.contains { $0.kind == .wheelTagViolation }, "auditwheel rejected \(wheel): \(result.stderr)")
            return
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let symTag = try #require(json["sym_tag"] as? String)
        let expectedLibc: LibcFamily = symTag.hasPrefix("musllinux") ? .musl : .glibc
        #expect(members.allSatisfy { $0.facts.libc == expectedLibc }, "libc of \(wheel)")

        let versioned = json["versioned_symbols"] as? [String: [String]] ?? [:]
        let theirGlibc = versioned.values.flatMap { $0 }.map(SymbolVersion.init)
            .filter { $0.family == "GLIBC" }.compactMap(\.number).max()
        #expect(report.requirements.minimum["GLIBC"]?.version == theirGlibc, "highest GLIBC of \(wheel)")
        if expectedLibc == .glibc, let theirGlibc {
            // auditwheel's tag is manylinux_X_Y with X.Y at least the highest GLIBC needed.
            let parts = symTag.split(separator: "_")
            if parts.count >= 3, let major = Int(parts[1]), let minor = Int(parts[2]) {
                #expect(VersionNumber([major, minor]) >= theirGlibc)
            }
        }
        // Libraries auditwheel calls system-provided are external for basefit too;
        // what basefit finds bundled, auditwheel does not list as system-provided.
        let external = Set(members.flatMap(\.external))
        let bundled = Set(members.flatMap { $0.bundled.keys })
        for library in versioned.keys where !LibcNames.isLibc(library) {
            #expect(external.contains(library), "\(library) of \(wheel)")
        }
        #expect(bundled.isDisjoint(with: versioned.keys), "bundled libraries of \(wheel)")
        let externalLibs = json["external_libs"] as? [String: Any] ?? [:]
        #expect(bundled.isDisjoint(with: externalLibs.keys))
    }
}
