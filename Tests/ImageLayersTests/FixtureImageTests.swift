import Foundation
import Testing
import TestSupport
@testable import ImageLayers

/// A real image made by scripts/make-oci-fixture.sh (umoci + skopeo, no Docker engine),
/// unpacked from both its OCI layout and its `docker save` archive.
@Suite struct FixtureImageTests {
    /// The fixture, built once per test process; nil (with the reason) when the tools are missing.
    static let fixture: Result<URL, FixtureUnavailable> = {
        // Inside .build: rebuilt by every test run, never left in /tmp.
        let directory = TestPaths.packageRoot.appendingPathComponent(".build/test-fixtures/oci-image")
        let script = TestPaths.packageRoot.appendingPathComponent("scripts/make-oci-fixture.sh").path
        do {
            let started = Date()
            let result = try Run.program("/bin/bash", [script, directory.path])
            if result.status == 3 {
                return .failure(FixtureUnavailable(reason: "umoci/skopeo cannot be installed: \(result.stderr)"))
            }
            guard result.status == 0 else {
                return .failure(FixtureUnavailable(reason: "make-oci-fixture.sh failed (\(result.status)): \(result.stderr)", isFailure: true))
            }
            FileHandle.standardError.write(Data("make-oci-fixture.sh took \(String(format: "%.2f", Date().timeIntervalSince(started))) s\n".utf8))
            return .success(directory)
        } catch {
            return .failure(FixtureUnavailable(reason: "cannot run make-oci-fixture.sh: \(error)", isFailure: true))
        }
    }()

    struct FixtureUnavailable: Error {
        var reason: String
        var isFailure = false
    }

    func fixtureDirectory() throws -> URL {
        switch Self.fixture {
        case .success(let url): return url
        case .failure(let unavailable):
            if unavailable.isFailure { Issue.record(Comment(rawValue: unavailable.reason)) }
            try Test.cancel(Comment(rawValue: "skipped: \(unavailable.reason)"))
        }
    }

    func expected(_ fixture: URL) throws -> [String: String] {
        let text = try String(contentsOf: fixture.appendingPathComponent("expected.env"), encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        return values
    }

    enum Form: String, CaseIterable, Sendable { case oci, dockerArchive }

    func unpack(_ form: Form, fixture: URL, into destination: String) throws -> ImageConfig {
        switch form {
        case .oci:
            return try ImageLayers.unpackOCILayout(
                at: fixture.appendingPathComponent("layout").path, reference: "test", platform: nil, into: destination)
        case .dockerArchive:
            return try ImageLayers.unpackDockerArchive(
                at: fixture.appendingPathComponent("image.tar").path, reference: "basefit/test:1", into: destination)
        }
    }

    @Test(arguments: Form.allCases)
    func unpacksTheImage(form: Form) throws {
        let fixture = try fixtureDirectory()
        let expected = try expected(fixture)
        let scratch = try Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let sentinel = try scratch.directory("sentinel")
        let root = try scratch.directory("sentinel/rootfs")
        let config = try unpack(form, fixture: fixture, into: root)

        // Layer 1: real files with their bytes, links, modes.
        for (inImage, fixtureName) in [("usr/bin/hello-glibc", "hello-glibc"), ("usr/bin/hello-musl", "hello-musl"),
                                       ("usr/lib/x86_64-linux-gnu/libcxxdemo.so", "libcxxdemo.so")] {
            let written = FileManager.default.contents(atPath: root + "/" + inImage)
            #expect(written == FileManager.default.contents(atPath: TestPaths.elf(fixtureName)), "\(inImage)")
        }
        let hello = try #require(lstatInfo(root + "/usr/bin/hello-glibc"))
        #expect(hello.st_mode & 0o777 == 0o755)
        #expect(try #require(lstatInfo(root + "/usr/bin/hello-hardlink")).st_ino == hello.st_ino)
        #expect(isSymlink(root + "/bin"))
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: root + "/bin")) == "usr/bin")
        #expect(isSymlink(root + "/etc/libcxxdemo-link"))
        #expect(try #require(lstatInfo(root + "/usr/bin/suid-tool")).st_mode & 0o7777 == 0o755, "setuid dropped")
        #expect(contents(root + "/etc/basefit-release") == "ID=basefit-fixture\nVERSION_ID=1\n")
        #expect(contents(root + "/etc/keep.txt") == "kept\n")
        // Layer 2: the whiteout removed etc/delete-me.
        #expect(lstatInfo(root + "/etc/delete-me") == nil)
        #expect(contents(root + "/etc/layer2.txt") == "added by layer 2\n")
        // Layer 3: the opaque directory holds only the new layer's file.
        #expect(listing(root + "/opaque") == ["new.txt"])
        #expect(contents(root + "/opaque/new.txt") == "new in layer 3\n")
        #expect(listing(root).filter { $0.hasPrefix(".wh.") }.isEmpty)

        // Config and sizes.
        #expect(config.architecture == expected["ARCHITECTURE"])
        #expect(config.os == "linux")
        #expect(config.user == "1000:1000")
        #expect(config.environment.contains("FIXTURE=1"))
        #expect(config.layerCount == 3)
        #expect(config.skippedEntries.isEmpty)
        let regularBytes = ["hello-glibc", "hello-musl", "libcxxdemo.so"].reduce(UInt64(0)) { total, name in
            total + UInt64((try? FileManager.default.attributesOfItem(atPath: TestPaths.elf(name))[.size] as? Int) ?? 0)
        }
        let textBytes = ["ID=basefit-fixture\nVERSION_ID=1\n", "this file is deleted by layer 2\n", "kept\n", "old a\n", "old b\n",
                         "#!/bin/sh\necho setuid\n", "added by layer 2\n", "new in layer 3\n", ""]
            .reduce(UInt64(0)) { $0 + UInt64($1.utf8.count) }
        if expected["FULL"] == "0" {
            #expect(config.uncompressedBytes == regularBytes + textBytes)
        }
        #expect(config.compressedBytes == (try storedLayerBytes(form, fixture: fixture)))
        #expect(listing(sentinel) == ["rootfs"])
    }

    /// What the layers take as stored: blob sizes from the OCI manifest, tar members in the archive.
    func storedLayerBytes(_ form: Form, fixture: URL) throws -> UInt64 {
        let layout = fixture.appendingPathComponent("layout")
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: layout.appendingPathComponent("index.json"))) as? [String: Any]
        let manifestDigest = try #require(((index?["manifests"] as? [[String: Any]])?.first?["digest"] as? String)?.dropFirst(7))
        let manifest = try JSONSerialization.jsonObject(
            with: Data(contentsOf: layout.appendingPathComponent("blobs/sha256/\(manifestDigest)"))) as? [String: Any]
        let layers = try #require(manifest?["layers"] as? [[String: Any]])
        switch form {
        case .oci:
            return layers.reduce(0) { $0 + UInt64(($1["size"] as? Int) ?? 0) }
        case .dockerArchive:
            // skopeo stores each layer uncompressed, named by its diff_id.
            var total: UInt64 = 0
            for layer in layers {
                let blob = layout.appendingPathComponent("blobs/sha256/\(((layer["digest"] as? String) ?? "").dropFirst(7))")
                let result = try Run.program("/bin/sh", ["-c", "gzip -dc '\(blob.path)' | wc -c"])
                total += UInt64(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            }
            return total
        }
    }

    @Test func selectionErrorsNameTheChoices() throws {
        let fixture = try fixtureDirectory()
        let scratch = try Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let first = try scratch.directory("a")
        do {
            _ = try ImageLayers.unpackDockerArchive(
                at: fixture.appendingPathComponent("image.tar").path, reference: "other:2", into: first)
            Issue.record("an unknown tag must fail")
        } catch {
            #expect(error.kind == .selection)
            #expect(error.detail.contains("basefit/test:1"))
        }
        // docker.io/ and library/ prefixes do not matter; nor does a missing reference with one image.
        let viaFullName = try ImageLayers.unpackDockerArchive(
            at: fixture.appendingPathComponent("image.tar").path, reference: "docker.io/basefit/test:1", into: try scratch.directory("b"))
        #expect(viaFullName.layerCount == 3)
        let onlyOne = try ImageLayers.unpackOCILayout(
            at: fixture.appendingPathComponent("layout").path, reference: nil, platform: "linux/amd64", into: try scratch.directory("c"))
        #expect(onlyOne.layerCount == 3)
    }

    @Test func aTamperedBlobIsRefused() throws {
        let fixture = try fixtureDirectory()
        let scratch = try Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let copy = try scratch.directory("layout")
        _ = try Run.program("/bin/cp", ["-a", fixture.appendingPathComponent("layout").path + "/.", copy])
        // Flip a byte in the largest blob (the first layer).
        let blobs = copy + "/blobs/sha256"
        let largest = try #require(listing(blobs).max { lhs, rhs in
            (lstatInfo(blobs + "/" + lhs)?.st_size ?? 0) < (lstatInfo(blobs + "/" + rhs)?.st_size ?? 0)
        })
        let handle = try #require(FileHandle(forUpdatingAtPath: blobs + "/" + largest))
        try handle.seek(toOffset: 100)
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: Data([byte ^ 0xff]))
        try handle.close()
        let destination = try scratch.directory("rootfs")
        do {
            _ = try ImageLayers.unpackOCILayout(at: copy, reference: "test", platform: nil, into: destination)
            Issue.record("a tampered blob must be refused")
        } catch {
            #expect(error.kind == .digestMismatch)
        }
        #expect(listing(destination).isEmpty)
    }
}
