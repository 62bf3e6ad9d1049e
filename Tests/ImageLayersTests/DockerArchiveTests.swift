import Foundation
import Testing
import TestSupport
@testable import ImageLayers

/// Hand-made `docker save` archives: diff_id checks through a gzip layer, links between
/// members, and hostile members and layers.
@Suite struct DockerArchiveTests {
    /// Builds an archive: config `<hex>.json`, each layer at `<n>/layer.tar` (gzip when asked).
    func archive(
        layers: [TarBuilder], gzipped: Bool = false, diffIDOverride: String? = nil,
        configName: String? = nil, repoTag: String = "example/app:1"
    ) throws -> Data {
        var outer = TarBuilder()
        var diffIDs: [String] = []
        var layerNames: [String] = []
        for (index, layer) in layers.enumerated() {
            let tar = layer.archive
            diffIDs.append(#""\#(diffIDOverride ?? "sha256:" + SHA256.hex(of: tar))""#)
            let name = "\(index)/layer.tar"
            outer.directory("\(index)/")
            outer.file(name, bytes: gzipped ? try gzip(tar) : tar)
            layerNames.append(#""\#(name)""#)
        }
        let config = Data(#"{"architecture":"arm64","variant":"v8","os":"linux","config":{"User":"","Env":["A=1"]},"rootfs":{"type":"layers","diff_ids":[\#(diffIDs.joined(separator: ","))]}}"#.utf8)
        let configFile = configName ?? SHA256.hex(of: config) + ".json"
        outer.file(SHA256.hex(of: config) + ".json", bytes: config)
        outer.file("manifest.json", #"[{"Config":"\#(configFile)","RepoTags":["\#(repoTag)"],"Layers":[\#(layerNames.joined(separator: ","))]}]"#)
        return outer.archive
    }

    func unpack(_ data: Data, reference: String? = nil) throws -> (Result<ImageConfig, ImageLayersError>, String, Scratch) {
        let scratch = try Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.path("image.tar")
        try data.write(to: URL(fileURLWithPath: path))
        let destination = try scratch.directory("sentinel/rootfs")
        do {
            return (.success(try ImageLayers.unpackDockerArchive(at: path, reference: reference, into: destination)), destination, scratch)
        } catch {
            return (.failure(error), destination, scratch)
        }
    }

    @Test func gzipLayersAreCheckedAgainstTheirDiffIDs() throws {
        var base = TarBuilder()
        base.file("etc/os-release", "ID=test\n")
        base.file("etc/gone", "x")
        var top = TarBuilder()
        top.file("etc/.wh.gone", "")
        let (result, root, scratch) = try unpack(try archive(layers: [base, top], gzipped: true), reference: "docker.io/example/app:1")
        let config = try result.get()
        #expect(config.architecture == "arm64")
        #expect(config.variant == "v8")
        #expect(config.platform == "linux/arm64/v8")
        #expect(config.user == nil, "an empty User is nil")
        #expect(config.environment == ["A=1"])
        #expect(config.layerCount == 2)
        #expect(contents(root + "/etc/os-release") == "ID=test\n")
        #expect(lstatInfo(root + "/etc/gone") == nil)
        #expect(listing(scratch.path("sentinel")) == ["rootfs"])
    }

    @Test func aWrongDiffIDIsRefused() throws {
        var layer = TarBuilder()
        layer.file("a", "x")
        let (result, root, scratch) = try unpack(try archive(layers: [layer], gzipped: true, diffIDOverride: "sha256:" + String(repeating: "1", count: 64)))
        guard case .failure(let error) = result else { Issue.record("must fail"); return }
        #expect(error.kind == .digestMismatch)
        #expect(listing(root).isEmpty)
        #expect(listing(scratch.path("sentinel")) == ["rootfs"])
    }

    @Test func aConfigNamedOutsideTheArchiveIsRefused() throws {
        var layer = TarBuilder()
        layer.file("a", "x")
        let (result, _, scratch) = try unpack(try archive(layers: [layer], configName: "../../etc/passwd"))
        guard case .failure(let error) = result else { Issue.record("must fail"); return }
        #expect(error.kind == .malformed)
        #expect(error.detail.contains("leaves the archive"))
        withExtendedLifetime(scratch) {}
    }

    @Test func hostileLayerEntriesAreRefusedHereToo() throws {
        for hostile in ["../escape", "/etc/evil"] {
            var layer = TarBuilder()
            layer.file("fine", "x")
            layer.file(hostile, "evil")
            let (result, root, scratch) = try unpack(try archive(layers: [layer]))
            guard case .failure(let error) = result else { Issue.record("\(hostile) must fail"); continue }
            #expect(error.kind == .unsafeEntry)
            #expect(error.path.hasSuffix("0/layer.tar!/\(hostile)"))
            #expect(listing(root).isEmpty)
            #expect(listing(scratch.path("sentinel")) == ["rootfs"])
            #expect(!FileManager.default.fileExists(atPath: scratch.path("sentinel/escape")))
        }
    }

    @Test func nonASCIINamesSurvive() throws {
        // GNU tar in pax format stores the name in a UTF-8 pax header.
        let scratch = try Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let source = try scratch.directory("tree")
        try Data("ü".utf8).write(to: URL(fileURLWithPath: source + "/café-ü.txt"))
        let tarPath = scratch.path("layer.tar")
        let made = try Run.program("/bin/tar", ["--format=pax", "-C", source, "-cf", tarPath, "café-ü.txt"],
                                   environment: ["LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"])
        #expect(made.status == 0)
        var builder = OCILayoutBuilder()
        builder.layers = [.init(data: try Data(contentsOf: URL(fileURLWithPath: tarPath)))]
        let layout = try scratch.directory("layout")
        try builder.write(to: layout)
        let destination = try scratch.directory("rootfs")
        let config = try ImageLayers.unpackOCILayout(at: layout, reference: nil, platform: nil, into: destination)
        #expect(config.skippedEntries.isEmpty)
        #expect(listing(destination) == ["café-ü.txt"])
    }

    @Test func truncatedLayerIsMalformed() throws {
        var layer = TarBuilder()
        layer.file("big", String(repeating: "z", count: 100_000))
        let whole = try gzip(layer.archive)
        var builder = OCILayoutBuilder()
        builder.layers = [.init(data: whole.prefix(whole.count / 2), mediaType: "application/vnd.oci.image.layer.v1.tar+gzip")]
        let scratch = try Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let layout = try scratch.directory("layout")
        try builder.write(to: layout)
        let destination = try scratch.directory("rootfs")
        do {
            _ = try ImageLayers.unpackOCILayout(at: layout, reference: nil, platform: nil, into: destination)
            Issue.record("a truncated layer must fail")
        } catch {
            #expect(error.kind == .malformed)
        }
        #expect(listing(destination).isEmpty)
    }
}
