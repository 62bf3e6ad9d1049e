import Foundation
import Testing
import TestSupport
@testable import ImageLayers

/// Changeset rules and the safety policy, on hand-made layers in an OCI layout.
/// Each destination lives inside a sentinel directory that must hold nothing else afterwards.
@Suite struct LayerRulesTests {
    struct Outcome {
        var result: Result<ImageConfig, ImageLayersError>
        var destination: String
        var sentinel: String
        let scratch: Scratch

        var config: ImageConfig? { try? result.get() }
        var error: ImageLayersError? {
            if case .failure(let error) = result { return error }
            return nil
        }
        func path(_ relative: String) -> String { destination + "/" + relative }
    }

    func unpack(_ layers: [TarBuilder], gzip useGzip: Bool = false, limits: UnpackLimits = .default,
                configure: (inout OCILayoutBuilder) -> Void = { _ in }) throws -> Outcome {
        let scratch = try Scratch()
        defer { withExtendedLifetime(scratch) {} }
        var builder = OCILayoutBuilder()
        for layer in layers {
            if useGzip { try builder.addGzip(layer) } else { builder.add(layer) }
        }
        configure(&builder)
        let layout = try scratch.directory("layout")
        try builder.write(to: layout)
        let sentinel = try scratch.directory("sentinel")
        let destination = try scratch.directory("sentinel/rootfs")
        let result: Result<ImageConfig, ImageLayersError>
        do {
            result = .success(try ImageLayers.unpackOCILayout(
                at: layout, reference: nil, platform: nil, into: destination, limits: limits))
        } catch {
            result = .failure(error)
        }
        return Outcome(result: result, destination: destination, sentinel: sentinel, scratch: scratch)
    }

    /// Nothing but the destination in the sentinel; on failure, an empty destination.
    func expectContained(_ outcome: Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(listing(outcome.sentinel) == ["rootfs"], sourceLocation: sourceLocation)
        #expect(listing(outcome.scratch.root.path).sorted() == ["layout", "sentinel"], sourceLocation: sourceLocation)
        if outcome.error != nil {
            #expect(listing(outcome.destination).isEmpty, "a failed unpack leaves the destination empty", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Changesets

    @Test func filesDirectoriesLinksAndModes() throws {
        var layer = TarBuilder()
        layer.directory("usr/")
        layer.directory("usr/bin/")
        layer.file("usr/bin/tool", "#!/bin/sh\n", mode: 0o4755)
        layer.file("usr/bin/group-tool", "x", mode: 0o2711)
        layer.hardlink("usr/bin/tool-again", to: "usr/bin/tool")
        layer.symlink("bin", to: "usr/bin")
        layer.file("bin/through-relative-link", "inside")
        layer.directory("tmp/", mode: 0o1777)
        layer.file("./dot/slash", "normalised")
        layer.symlink("etc/localtime", to: "/usr/share/zoneinfo/UTC")
        let outcome = try unpack([layer])
        let config = try #require(outcome.config)
        expectContained(outcome)
        #expect(contents(outcome.path("usr/bin/tool")) == "#!/bin/sh\n")
        let tool = try #require(lstatInfo(outcome.path("usr/bin/tool")))
        #expect(tool.st_mode & 0o7777 == 0o755, "setuid dropped")
        #expect(try #require(lstatInfo(outcome.path("usr/bin/group-tool"))).st_mode & 0o7000 == 0, "setgid dropped")
        #expect(try #require(lstatInfo(outcome.path("usr/bin/tool-again"))).st_ino == tool.st_ino)
        #expect(isSymlink(outcome.path("bin")))
        #expect(contents(outcome.path("usr/bin/through-relative-link")) == "inside")
        #expect(try #require(lstatInfo(outcome.path("tmp"))).st_mode & 0o7777 == 0o1777)
        #expect(contents(outcome.path("dot/slash")) == "normalised")
        #expect(isSymlink(outcome.path("etc/localtime")))
        #expect(config.uncompressedBytes == UInt64("#!/bin/sh\n".utf8.count + 1 + "inside".utf8.count + "normalised".utf8.count))
        #expect(config.layerCount == 1)
        #expect(config.architecture == "amd64")
        #expect(config.user == "app")
        #expect(config.skippedEntries.isEmpty)
    }

    @Test func whiteoutsAndOpaqueDirectories() throws {
        var lower = TarBuilder()
        lower.file("etc/gone", "lower")
        lower.file("etc/stays", "lower")
        lower.file("etc/dir/deep", "lower")
        lower.file("var/cache/a", "lower")
        lower.file("var/cache/sub/b", "lower")
        var upper = TarBuilder()
        upper.file("etc/.wh.gone", "")
        upper.file("etc/.wh.dir", "")
        upper.file("etc/.wh.never-existed", "")
        upper.directory("var/cache/")
        upper.file("var/cache/.wh..wh..opq", "")
        upper.file("var/cache/new", "upper")
        upper.file("var/cache/sub/c", "upper")
        upper.file("var/.wh..wh.plnk", "")
        var top = TarBuilder()
        top.file("etc/gone", "recreated")
        let outcome = try unpack([lower, upper, top], gzip: true)
        let config = try #require(outcome.config)
        expectContained(outcome)
        #expect(contents(outcome.path("etc/gone")) == "recreated")
        #expect(contents(outcome.path("etc/stays")) == "lower")
        #expect(!FileManager.default.fileExists(atPath: outcome.path("etc/dir")))
        #expect(listing(outcome.path("var/cache")) == ["new", "sub"])
        #expect(listing(outcome.path("var/cache/sub")) == ["c"])
        #expect(config.layerCount == 3)
        #expect(config.skippedEntries == [SkippedEntry(layer: 1, path: "var/.wh..wh.plnk", reason: .unknownWhiteout)])
    }

    @Test func opaqueMarkerAfterTheLayersOwnFiles() throws {
        var lower = TarBuilder()
        lower.file("d/old", "lower")
        var upper = TarBuilder()
        upper.file("d/new", "upper")
        upper.file("d/.wh..wh..opq", "")
        let outcome = try unpack([lower, upper])
        #expect(outcome.config != nil)
        #expect(listing(outcome.path("d")) == ["new"])
    }

    @Test func laterEntriesReplaceEarlierOnes() throws {
        var lower = TarBuilder()
        lower.file("a/file", "x")
        lower.file("b", "file")
        lower.symlink("c", to: "/etc")
        var upper = TarBuilder()
        upper.file("a", "now a file")
        upper.directory("b/")
        upper.file("c", "now a file")
        let outcome = try unpack([lower, upper])
        #expect(outcome.config != nil)
        #expect(contents(outcome.path("a")) == "now a file")
        #expect(try #require(lstatInfo(outcome.path("b"))).st_mode & S_IFMT == S_IFDIR)
        #expect(contents(outcome.path("c")) == "now a file")
        #expect(!isSymlink(outcome.path("c")))
    }

    // MARK: - Hostile entries

    @Test func parentTraversalIsRejected() throws {
        var layer = TarBuilder()
        layer.file("ok", "fine")
        layer.file("../escape", "evil")
        let outcome = try unpack([layer])
        #expect(outcome.error?.kind == .unsafeEntry)
        #expect(outcome.error?.description.contains("..") == true)
        #expect(!FileManager.default.fileExists(atPath: outcome.sentinel + "/escape"))
        expectContained(outcome)
    }

    @Test func nestedParentTraversalIsRejected() throws {
        var layer = TarBuilder()
        layer.file("a/b/../../../escape", "evil")
        let outcome = try unpack([layer])
        #expect(outcome.error?.kind == .unsafeEntry)
        expectContained(outcome)
    }

    @Test func absolutePathIsRejected() throws {
        var layer = TarBuilder()
        layer.file("/etc/evil", "evil")
        let outcome = try unpack([layer])
        #expect(outcome.error?.kind == .unsafeEntry)
        #expect(outcome.error?.detail.contains("absolute") == true)
        #expect(!FileManager.default.fileExists(atPath: "/etc/evil"))
        expectContained(outcome)
    }

    @Test func writingThroughAnAbsoluteSymlinkIsRejected() throws {
        let hostPath = "/basefit-evil-\(UUID().uuidString)"
        var layer = TarBuilder()
        layer.symlink("link", to: "/")
        layer.file("link" + hostPath, "evil")
        let outcome = try unpack([layer])
        #expect(outcome.error?.kind == .unsafeEntry)
        #expect(outcome.error?.detail.contains("symbolic link link -> /") == true)
        #expect(!FileManager.default.fileExists(atPath: hostPath))
        expectContained(outcome)
    }

    @Test func symlinkFromALowerLayerIsNotFollowedOut() throws {
        var lower = TarBuilder()
        lower.symlink("up", to: "../..")
        var upper = TarBuilder()
        upper.file("up/escape", "evil")
        let outcome = try unpack([lower, upper])
        #expect(outcome.error?.kind == .unsafeEntry)
        #expect(!FileManager.default.fileExists(atPath: outcome.scratch.root.path + "/escape"))
        expectContained(outcome)
    }

    @Test func aSymlinkAtTheFinalComponentIsReplacedNotFollowed() throws {
        let passwd = try String(contentsOfFile: "/etc/passwd", encoding: .utf8)
        let outside = try Scratch()
        defer { withExtendedLifetime(outside) {} }
        let target = try outside.directory("outside")
        var lower = TarBuilder()
        lower.symlink("etc/passwd", to: "/etc/passwd")
        lower.symlink("victim", to: target + "/victim")
        var upper = TarBuilder()
        upper.file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
        upper.file("victim", "mine")
        let outcome = try unpack([lower, upper])
        #expect(outcome.config != nil)
        #expect(try String(contentsOfFile: "/etc/passwd", encoding: .utf8) == passwd)
        #expect(!isSymlink(outcome.path("etc/passwd")))
        #expect(contents(outcome.path("etc/passwd")) == "root:x:0:0::/root:/bin/sh\n")
        #expect(!FileManager.default.fileExists(atPath: target + "/victim"))
        expectContained(outcome)
    }

    @Test func hardLinkToAHostFileIsRejected() throws {
        var layer = TarBuilder()
        layer.hardlink("passwd", to: "/etc/passwd")
        let outcome = try unpack([layer])
        #expect(outcome.error?.kind == .unsafeEntry)
        #expect(!FileManager.default.fileExists(atPath: outcome.path("passwd")))
        expectContained(outcome)
    }

    @Test func hardLinkOutOfTheDestinationIsRejected() throws {
        var traversal = TarBuilder()
        traversal.hardlink("passwd", to: "../../../../../../etc/passwd")
        let first = try unpack([traversal])
        #expect(first.error?.kind == .unsafeEntry)
        expectContained(first)

        var throughLink = TarBuilder()
        throughLink.symlink("root", to: "/")
        throughLink.hardlink("passwd", to: "root/etc/passwd")
        let second = try unpack([throughLink])
        #expect(second.error?.kind == .unsafeEntry)
        expectContained(second)
    }

    /// Devices and FIFOs are never created: an empty regular file stands in for each.
    @Test func devicesFifosAreSkipped() throws {
        var layer = TarBuilder()
        layer.entry("dev/null", type: .characterDevice, mode: 0o666)
        layer.entry("dev/sda", type: .blockDevice, mode: 0o660)
        layer.entry("run/pipe", type: .fifo, mode: 0o644)
        layer.file("etc/kept", "yes")
        let outcome = try unpack([layer])
        let config = try #require(outcome.config)
        #expect(config.skippedEntries.map(\.reason) == [.characterDevice, .blockDevice, .fifo])
        #expect(config.skippedEntries.map(\.path) == ["dev/null", "dev/sda", "run/pipe"])
        for path in ["dev/null", "dev/sda", "run/pipe"] {
            let info = try #require(lstatInfo(outcome.path(path)))
            #expect((info.st_mode & S_IFMT) == S_IFREG && info.st_size == 0, "\(path)")
        }
        #expect(contents(outcome.path("etc/kept")) == "yes")
        expectContained(outcome)
    }

    /// A device node, FIFO (or the `c 0 0` whiteout device of overlay layers) replaces what a
    /// lower layer had at its path, a library or a directory, as any entry does: the lower file
    /// is gone in the image (the loader meets the special file and fails: "file too short",
    /// "cannot open shared object file", or it waits on the FIFO for ever).
    @Test func aDeviceOrFifoReplacesTheLowerLayersFile() throws {
        for type in [TarBuilder.TypeFlag.characterDevice, .blockDevice, .fifo] {
            var lower = TarBuilder()
            lower.file("usr/lib/libfoo.so.1", "the library")
            lower.file("opt/dir/inside", "x")
            var upper = TarBuilder()
            upper.entry("usr/lib/libfoo.so.1", type: type, mode: 0o644)
            upper.entry("opt/dir", type: type, mode: 0o644)
            let outcome = try unpack([lower, upper])
            let config = try #require(outcome.config, "\(type)")
            #expect(config.skippedEntries.count == 2 && config.skippedEntries.allSatisfy(\.hasStandIn), "\(type)")
            #expect(config.standIns == ["usr/lib/libfoo.so.1", "opt/dir"], "\(type)")
            for path in ["usr/lib/libfoo.so.1", "opt/dir"] {
                let info = try #require(lstatInfo(outcome.path(path)), "\(type) \(path)")
                #expect((info.st_mode & S_IFMT) == S_IFREG && info.st_size == 0, "\(type) \(path)")
            }
            expectContained(outcome)
        }
    }

    /// A name or link target that is not UTF-8 cannot be laid out as the image has it: the image
    /// is not judged (an error naming the entry), rather than the entry skipped, which hid a
    /// program from the gate and left the lower layer's library in place of a replacing link.
    @Test func aNameOrLinkTargetThatIsNotUTF8StopsTheUnpack() throws {
        var program = TarBuilder()
        program.entry(rawName: Array("app/".utf8) + [0xff] + Array("server".utf8), type: .regular, mode: 0o755, body: Data("x".utf8))
        let named = try unpack([program])
        #expect(named.error?.kind == .unsupported)
        #expect(named.error?.description.contains("app/\\xffserver") == true, "\(String(describing: named.error))")
        expectContained(named)

        var lower = TarBuilder()
        lower.file("usr/lib/libstdc++.so.6.0.30", "the library")
        lower.symlink("usr/lib/libstdc++.so.6", to: "libstdc++.so.6.0.30")
        for type in [TarBuilder.TypeFlag.symlink, .hardlink] {
            var upper = TarBuilder()
            upper.entry(rawName: Array("usr/lib/libstdc++.so.6".utf8), type: type, mode: 0o777,
                        rawLink: Array("usr/lib/libstdc++.so.6.0.30".utf8) + [0xff])
            let linked = try unpack([lower, upper])
            #expect(linked.error?.kind == .unsupported, "\(type)")
            #expect(linked.error?.description.contains("usr/lib/libstdc++.so.6") == true, "\(String(describing: linked.error))")
            #expect(linked.error?.description.contains("\\xff") == true, "\(String(describing: linked.error))")
            expectContained(linked)
        }
    }

    /// Which files each layer wrote, where the unpack put them: `./`, `.` and doubled slashes
    /// are spelled away, and a path through a lower layer's symbolic link (`bin -> usr/bin`) is
    /// the file's real place, as a scan of the tree names it (`--app-only` keeps these).
    @Test func eachLayersFilesAreNamedWhereTheyWereWritten() throws {
        var lower = TarBuilder()
        lower.directory("usr/bin")
        lower.symlink("bin", to: "usr/bin")
        lower.file("usr/bin/base", "base")
        var upper = TarBuilder()
        upper.file("./app/./bad", "a")
        upper.file("app//bad2", "b")
        upper.file("bin/bad3", "c")
        upper.symlink("app/link", to: "bad")
        upper.hardlink("app/hard", to: "./bin//bad3")
        upper.entry("app/pipe", type: .fifo, mode: 0o644)
        let outcome = try unpack([lower, upper])
        let config = try #require(outcome.config)
        #expect(config.layerFiles == [["usr/bin/base", "bin"], ["app/bad", "app/bad2", "usr/bin/bad3", "app/link", "app/hard"]])
        #expect(contents(outcome.path("usr/bin/bad3")) == "c")
        expectContained(outcome)
    }

    // MARK: - Limits and digests

    @Test func byteLimitStopsTheUnpack() throws {
        var layer = TarBuilder()
        layer.file("small", String(repeating: "a", count: 600))
        layer.file("big", String(repeating: "b", count: 600))
        let outcome = try unpack([layer], limits: UnpackLimits(maxBytes: 1000, maxEntries: 100))
        #expect(outcome.error?.kind == .limitExceeded)
        expectContained(outcome)
    }

    @Test func entryLimitStopsTheUnpack() throws {
        var layer = TarBuilder()
        for index in 0..<20 { layer.file("f\(index)", "x") }
        let outcome = try unpack([layer], limits: UnpackLimits(maxBytes: 1 << 20, maxEntries: 10))
        #expect(outcome.error?.kind == .limitExceeded)
        #expect(outcome.error?.detail.contains("10 entries") == true)
        expectContained(outcome)
    }

    @Test func digestMismatchIsAnError() throws {
        var layer = TarBuilder()
        layer.file("a", "x")
        let outcome = try unpack([layer]) { $0.corruptFirstLayerDigest = true }
        #expect(outcome.error?.kind == .digestMismatch)
        expectContained(outcome)
    }

    @Test func destinationMustBeEmpty() throws {
        let scratch = try Scratch()
        defer { withExtendedLifetime(scratch) {} }
        var builder = OCILayoutBuilder()
        var layer = TarBuilder()
        layer.file("a", "x")
        builder.add(layer)
        let layout = try scratch.directory("layout")
        try builder.write(to: layout)
        let destination = try scratch.directory("rootfs")
        try Data("x".utf8).write(to: URL(fileURLWithPath: destination + "/existing"))
        #expect(throws: ImageLayersError.self) {
            try ImageLayers.unpackOCILayout(at: layout, reference: nil, platform: nil, into: destination)
        }
        #expect(listing(destination) == ["existing"])
    }

    @Test func referenceSelection() throws {
        let scratch = try Scratch()
        defer { withExtendedLifetime(scratch) {} }
        var builder = OCILayoutBuilder()
        builder.referenceName = "v1"
        var layer = TarBuilder()
        layer.file("a", "x")
        builder.add(layer)
        let layout = try scratch.directory("layout")
        try builder.write(to: layout)
        let one = try scratch.directory("one")
        do {
            _ = try ImageLayers.unpackOCILayout(at: layout, reference: "v2", platform: nil, into: one)
            Issue.record("an unknown reference must fail")
        } catch {
            #expect(error.kind == .selection)
            #expect(error.detail.contains("v1"))
        }
        let config = try ImageLayers.unpackOCILayout(at: layout, reference: "v1", platform: nil, into: try scratch.directory("two"))
        #expect(config.layerCount == 1)
    }

    /// A layer whose bytes are not compressed as its media type says (xz under `tar+gzip`, gzip
    /// under plain `tar`) is refused: libarchive reads any compression, a runtime does not.
    @Test func aLayerCompressedOtherwiseThanItsMediaTypeSaysIsRefused() throws {
        var layer = TarBuilder()
        layer.file("usr/lib/libfoo.so.1", "x")
        let scratch = try Scratch()
        let tar = scratch.path("layer.tar")
        try layer.archive.write(to: URL(fileURLWithPath: tar))
        #expect(try Run.program("/usr/bin/xz", ["-k", tar]).status == 0)
        let xz = try Data(contentsOf: URL(fileURLWithPath: tar + ".xz"))
        let wrong = try unpack([]) {
            $0.layers = [.init(data: xz, mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", diffID: SHA256.hex(of: layer.archive))]
        }
        #expect(wrong.error?.kind == .malformed, "\(String(describing: wrong.result))")
        #expect(wrong.error?.detail.contains("is xz but its media type") == true, "\(String(describing: wrong.error))")
        expectContained(wrong)
        let gzipped = try gzip(layer.archive)
        let plain = try unpack([]) {
            $0.layers = [.init(data: gzipped, mediaType: "application/vnd.oci.image.layer.v1.tar", diffID: SHA256.hex(of: layer.archive))]
        }
        #expect(plain.error?.kind == .malformed, "\(String(describing: plain.result))")
        let right = try unpack([layer], gzip: true)
        #expect(right.config != nil, "\(String(describing: right.error))")
    }

    /// The config's diff_ids are held to the layers' uncompressed bytes (umoci: "diffid
    /// mismatch"); `--app-only` finds the base by them.
    @Test func aDiffIDThatIsNotTheLayersIsRefused() throws {
        var layer = TarBuilder()
        layer.file("etc/app", "x")
        let outcome = try unpack([]) {
            $0.layers = [.init(data: layer.archive, diffID: String(repeating: "ab", count: 32))]
        }
        #expect(outcome.error?.kind == .digestMismatch, "\(String(describing: outcome.result))")
        #expect(outcome.error?.detail.contains("diff_id") == true, "\(String(describing: outcome.error))")
        expectContained(outcome)
    }

    @Test func selfHardLinksAreSkipped() throws {
        var layer = TarBuilder()
        layer.file("same", "x")
        layer.hardlink("same", to: "same")
        let outcome = try unpack([layer])
        let config = try #require(outcome.config)
        #expect(config.skippedEntries.map(\.reason) == [.selfHardLink])
        #expect(contents(outcome.path("same")) == "x")
    }
}
