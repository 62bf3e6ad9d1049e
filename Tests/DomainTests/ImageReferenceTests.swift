import Domain
import ELFInspection
import XCTest

final class ImageReferenceTests: XCTestCase {
    func testDockerHubSpellingsAreOneReference() throws {
        for text in ["python", "library/python", "docker.io/python", "docker.io/library/python", "index.docker.io/library/python:latest", "python:latest"] {
            let reference = try ImageReference(parsing: text)
            XCTAssertEqual(reference.taggedName, "python:latest", text)
            XCTAssertNil(reference.registry, text)
        }
        XCTAssertTrue(try ImageReference(parsing: "python").tagImplied)
        XCTAssertFalse(try ImageReference(parsing: "python:latest").tagImplied)
    }

    func testRegistriesPortsAndDigests() throws {
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let distroless = try ImageReference(parsing: "gcr.io/distroless/cc-debian12")
        XCTAssertEqual(distroless.registry, "gcr.io")
        XCTAssertEqual(distroless.taggedName, "gcr.io/distroless/cc-debian12:latest")
        let local = try ImageReference(parsing: "localhost:5000/team/app:1.2@\(digest)")
        XCTAssertEqual(local.registry, "localhost:5000")
        XCTAssertEqual(local.repository, "team/app")
        XCTAssertEqual(local.tag, "1.2")
        XCTAssertEqual(local.digest, digest)
        let digestOnly = try ImageReference(parsing: "node@\(digest.uppercased().replacingOccurrences(of: "SHA256", with: "sha256"))")
        XCTAssertNil(digestOnly.tag)
        XCTAssertEqual(digestOnly.digest, digest)
        XCTAssertEqual(digestOnly.withoutDigest.taggedName, "node:latest")
        // A user-namespace repository on Docker Hub keeps its namespace.
        XCTAssertEqual(try ImageReference(parsing: "bitnami/node:22").taggedName, "bitnami/node:22")
    }

    func testMalformedReferencesAreErrors() {
        for text in ["", "node@sha256:abc", "node@md5:" + String(repeating: "a", count: 32), "node:", "Node:22", "a//b", "node:-x"] {
            XCTAssertThrowsError(try ImageReference(parsing: text), text)
        }
    }

    func testDays() throws {
        let a = try XCTUnwrap(Day("2026-04-30"))
        let b = try XCTUnwrap(Day("2026-11-30T10:00:00Z"))
        XCTAssertLessThan(a, b)
        XCTAssertEqual(a.days(until: b), 214)
        XCTAssertEqual(b.description, "2026-11-30")
        XCTAssertNil(Day("2026-13-01"))
        XCTAssertNil(Day("yesterday"))
    }

    func testArchitectureNamesFromEverySide() {
        XCTAssertEqual(Architecture("x86_64"), .amd64)
        XCTAssertEqual(Architecture("linux/amd64"), .amd64)
        XCTAssertEqual(Architecture("x64"), .amd64)
        XCTAssertEqual(Architecture("arm64/v8"), .arm64)
        XCTAssertEqual(Architecture("aarch64"), .arm64)
        XCTAssertEqual(Architecture("armv7l"), .arm(.v7))
        XCTAssertEqual(Architecture("arm/v6"), .arm(.v6))
        XCTAssertEqual(Architecture("i686"), .i386)
        XCTAssertEqual(Architecture("386"), .i386)
        XCTAssertEqual(Architecture("ppc64el"), .ppc64le)
        XCTAssertNil(Architecture("sparc"))
        XCTAssertEqual(Architecture.arm(.v7).platformName, "arm/v7")
        XCTAssertEqual(Architecture(elfMachine: ELFMachine.arm, is64Bit: false, littleEndian: true), .arm(nil))
        XCTAssertEqual(Architecture(elfMachine: ELFMachine.x86_64, is64Bit: true, littleEndian: true).platformName, "amd64")
        XCTAssertEqual(Architecture(elfMachine: ELFMachine.ppc64, is64Bit: true, littleEndian: false), .other("ppc64"))
    }

    func testArmVariantsMatchTheWayCPUsRunThem() {
        // An ELF file says only "ARM": it is held to arm/v7.
        XCTAssertTrue(Architecture.arm(nil).runs(on: .arm(.v7)))
        XCTAssertFalse(Architecture.arm(nil).runs(on: .arm(.v6)))
        XCTAssertTrue(Architecture.arm(.v6).runs(on: .arm(.v7)))
        XCTAssertFalse(Architecture.arm(.v7).runs(on: .arm(.v5)))
        XCTAssertFalse(Architecture.amd64.runs(on: .arm64))
        XCTAssertTrue(Architecture.arm64.runs(on: .arm64))
    }
}
