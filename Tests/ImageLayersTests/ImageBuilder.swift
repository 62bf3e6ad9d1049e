import Foundation
import TestSupport
@testable import ImageLayers

/// Writes ustar archives byte by byte, so hostile entries (absolute names, `..`, devices, links
/// anywhere) can be made exactly as an attacker would, without any tool normalising them.
struct TarBuilder {
    enum TypeFlag: UInt8 {
        case regular = 0x30, hardlink = 0x31, symlink = 0x32, characterDevice = 0x33
        case blockDevice = 0x34, directory = 0x35, fifo = 0x36
    }

    private(set) var data = Data()

    mutating func file(_ name: String, _ contents: String, mode: UInt32 = 0o644) {
        entry(name, type: .regular, mode: mode, body: Data(contents.utf8))
    }

    mutating func file(_ name: String, bytes: Data, mode: UInt32 = 0o644) {
        entry(name, type: .regular, mode: mode, body: bytes)
    }

    mutating func directory(_ name: String, mode: UInt32 = 0o755) {
        entry(name, type: .directory, mode: mode)
    }

    mutating func symlink(_ name: String, to target: String) {
        entry(name, type: .symlink, mode: 0o777, link: target)
    }

    mutating func hardlink(_ name: String, to target: String) {
        entry(name, type: .hardlink, mode: 0o644, link: target)
    }

    mutating func entry(_ name: String, type: TypeFlag, mode: UInt32, link: String = "", body: Data = Data()) {
        entry(rawName: Array(name.utf8), type: type, mode: mode, rawLink: Array(link.utf8), body: body)
    }

    /// An entry whose name and link target are the bytes given (not necessarily UTF-8).
    mutating func entry(rawName: [UInt8], type: TypeFlag, mode: UInt32, rawLink: [UInt8] = [], body: Data = Data()) {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int, width: Int) {
            precondition(bytes.count <= width, "\(bytes) does not fit in \(width) bytes")
            for (index, byte) in bytes.enumerated() { header[offset + index] = byte }
        }
        func put(_ text: String, at offset: Int, width: Int) { put(Array(text.utf8), at: offset, width: width) }
        func octal(_ value: UInt64, at offset: Int, width: Int) {
            put(String(repeating: "0", count: max(0, width - 1 - String(value, radix: 8).count)) + String(value, radix: 8), at: offset, width: width - 1)
        }
        put(rawName, at: 0, width: 100)
        octal(UInt64(mode), at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(UInt64(body.count), at: 124, width: 12)
        octal(0, at: 136, width: 12)
        header[156] = type.rawValue
        put(rawLink, at: 157, width: 100)
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        if type == .characterDevice || type == .blockDevice {
            octal(1, at: 329, width: 8)
            octal(3, at: 337, width: 8)
        }
        for index in 148..<156 { header[index] = 0x20 }
        let sum = header.reduce(0) { $0 + UInt64($1) }
        put(String(repeating: "0", count: 6 - String(sum, radix: 8).count) + String(sum, radix: 8), at: 148, width: 6)
        header[154] = 0
        header[155] = 0x20
        data.append(contentsOf: header)
        data.append(body)
        let padding = (512 - body.count % 512) % 512
        data.append(Data(count: padding))
    }

    /// The archive with its end-of-archive blocks.
    var archive: Data {
        var result = data
        result.append(Data(count: 1024))
        return result
    }
}

/// A scratch directory tree for one test; removed at deinit.
final class Scratch {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-layers-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit {
        // Directories the tests made read-only must not stop the clean-up.
        _ = try? Run.program("/bin/chmod", ["-R", "u+rwx", root.path])
        try? FileManager.default.removeItem(at: root)
    }

    func directory(_ name: String) throws -> String {
        let url = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    func path(_ name: String) -> String { root.appendingPathComponent(name).path }
}

/// Writes a minimal OCI image layout around hand-made layers.
struct OCILayoutBuilder {
    struct Layer {
        var data: Data
        var mediaType = "application/vnd.oci.image.layer.v1.tar"
        /// sha256 of the uncompressed tar; nil: of `data`.
        var diffID: String?
    }

    var layers: [Layer] = []
    var architecture = "amd64"
    var os = "linux"
    var user = "app"
    var environment = ["PATH=/usr/bin:/bin"]
    var referenceName: String? = "latest"
    /// When set, the manifest's first layer descriptor lies about its digest.
    var corruptFirstLayerDigest = false

    mutating func add(_ tar: TarBuilder) {
        layers.append(Layer(data: tar.archive))
    }

    mutating func addGzip(_ tar: TarBuilder) throws {
        layers.append(Layer(data: try gzip(tar.archive), mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
                            diffID: SHA256.hex(of: tar.archive)))
    }

    @discardableResult
    func write(to directory: String) throws -> (manifestDigest: String, layerBytes: UInt64) {
        let blobs = URL(fileURLWithPath: directory).appendingPathComponent("blobs/sha256")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        func store(_ data: Data) throws -> String {
            let hex = SHA256.hex(of: data)
            try data.write(to: blobs.appendingPathComponent(hex))
            return hex
        }
        var layerDescriptors: [String] = []
        var diffIDs: [String] = []
        for (index, layer) in layers.enumerated() {
            var hex = try store(layer.data)
            if index == 0 && corruptFirstLayerDigest {
                hex = String(repeating: "0", count: 64)
                try layer.data.write(to: blobs.appendingPathComponent(hex))
            }
            layerDescriptors.append(#"{"mediaType":"\#(layer.mediaType)","digest":"sha256:\#(hex)","size":\#(layer.data.count)}"#)
            diffIDs.append(#""sha256:\#(layer.diffID ?? SHA256.hex(of: layer.data))""#)
        }
        let env = environment.map { #""\#($0)""# }.joined(separator: ",")
        let config = Data(#"{"architecture":"\#(architecture)","os":"\#(os)","config":{"User":"\#(user)","Env":[\#(env)]},"rootfs":{"type":"layers","diff_ids":[\#(diffIDs.joined(separator: ","))]}}"#.utf8)
        let configHex = try store(config)
        let manifest = Data(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:\#(configHex)","size":\#(config.count)},"layers":[\#(layerDescriptors.joined(separator: ","))]}"#.utf8)
        let manifestHex = try store(manifest)
        let annotations = referenceName.map { #","annotations":{"org.opencontainers.image.ref.name":"\#($0)"}"# } ?? ""
        let index = #"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:\#(manifestHex)","size":\#(manifest.count)\#(annotations)}]}"#
        try Data(index.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent("index.json"))
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent("oci-layout"))
        return ("sha256:\(manifestHex)", layers.reduce(0) { $0 + UInt64($1.data.count) })
    }
}

func gzip(_ data: Data) throws -> Data {
    let scratch = try Scratch()
    defer { withExtendedLifetime(scratch) {} }
    let path = scratch.path("layer.tar")
    try data.write(to: URL(fileURLWithPath: path))
    let result = try Run.program("/bin/gzip", ["-n", "-9", path])
    guard result.status == 0 else { throw CocoaError(.fileWriteUnknown) }
    return try Data(contentsOf: URL(fileURLWithPath: path + ".gz"))
}

/// Names in a directory, sorted.
func listing(_ path: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
}

func lstatInfo(_ path: String) -> stat? {
    var info = stat()
    return lstat(path, &info) == 0 ? info : nil
}

func isSymlink(_ path: String) -> Bool {
    guard let info = lstatInfo(path) else { return false }
    return (info.st_mode & S_IFMT) == S_IFLNK
}

func contents(_ path: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return String(decoding: data, as: UTF8.self)
}
