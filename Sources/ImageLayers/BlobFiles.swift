// Reading blobs and small JSON files: bounded, digested.

import Foundation
import POSIXFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

enum BlobFiles {
    /// JSON documents (index, manifest, config) larger than this are refused.
    static let maxDocumentBytes = 16 << 20

    /// Reads a whole small file, refusing anything but a regular file under `limit` bytes.
    static func readDocument(_ path: String, what: String, limit: Int = maxDocumentBytes) throws(ImageLayersError) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            throw ImageLayersError(.unreadable, path: path, detail: "cannot open \(what): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw ImageLayersError(.unreadable, path: path, detail: "\(what) is not a regular file")
        }
        guard info.st_size <= limit else {
            throw ImageLayersError(.limitExceeded, path: path, detail: "\(what) is \(info.st_size) bytes, more than \(limit)")
        }
        var data = Data(count: Int(info.st_size))
        var done = 0
        let total = data.count
        let failed: Bool = data.withUnsafeMutableBytes { buffer in
            while done < total {
                let got = read(fd, buffer.baseAddress! + done, total - done)
                if got < 0 && errno == EINTR { continue }
                if got <= 0 { return got < 0 }
                done += got
            }
            return false
        }
        guard !failed, done == total else {
            throw ImageLayersError(.unreadable, path: path, detail: "cannot read \(what)")
        }
        return data
    }

    /// sha256 (hex) and size of a file, streamed.
    static func digest(ofFile path: String) throws(ImageLayersError) -> (hex: String, size: UInt64) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            throw ImageLayersError(.unreadable, path: path, detail: "cannot open blob: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw ImageLayersError(.unreadable, path: path, detail: "blob is not a regular file")
        }
        var hasher = SHA256()
        var size: UInt64 = 0
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let got = read(fd, buffer.baseAddress!, chunk)
            if got < 0 {
                if errno == EINTR { continue }
                throw ImageLayersError(.unreadable, path: path, detail: "cannot read blob: \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
            size += UInt64(got)
        }
        return (hasher.finalizeHex(), size)
    }

    /// sha256 of a layer's uncompressed tar stream (its diff_id), decompressed by libarchive.
    static func uncompressedDigest(ofLayer path: String) throws(ImageLayersError) -> String {
        try uncompressedLayer(path).hex
    }

    /// sha256 of a layer's uncompressed tar stream (its diff_id) and the compression its bytes have.
    static func uncompressedLayer(_ path: String) throws(ImageLayersError) -> (hex: String, compression: LayerCompression) {
        let reader = try ArchiveReader(path: path, format: .raw)
        var hasher = SHA256()
        guard try reader.nextHeader() != nil else { return (hasher.finalizeHex(), reader.compression) }
        var expected: Int64 = 0
        try reader.readData { (block, offset) throws(ImageLayersError) in
            guard offset == expected else {
                throw ImageLayersError(.malformed, path: path, detail: "layer stream has a gap at \(expected)")
            }
            hasher.update(block)
            expected += Int64(block.count)
        }
        return (hasher.finalizeHex(), reader.compression)
    }

    /// Checks a blob file against its descriptor: size first, then sha256.
    static func verify(_ path: String, against descriptor: OCIDescriptor, digest: Digest) throws(ImageLayersError) {
        let (hex, size) = try Self.digest(ofFile: path)
        guard size == UInt64(clamping: descriptor.size), descriptor.size >= 0 else {
            throw ImageLayersError(.digestMismatch, path: path, detail: "blob is \(size) bytes, its descriptor says \(descriptor.size)")
        }
        guard hex == digest.hex else {
            throw ImageLayersError(.digestMismatch, path: path, detail: "blob's sha256 is \(hex), its descriptor says \(digest.hex)")
        }
    }

    /// Checks an in-memory document against its descriptor.
    static func verify(_ data: Data, path: String, against descriptor: OCIDescriptor, digest: Digest) throws(ImageLayersError) {
        guard data.count == descriptor.size else {
            throw ImageLayersError(.digestMismatch, path: path, detail: "blob is \(data.count) bytes, its descriptor says \(descriptor.size)")
        }
        let hex = SHA256.hex(of: data)
        guard hex == digest.hex else {
            throw ImageLayersError(.digestMismatch, path: path, detail: "blob's sha256 is \(hex), its descriptor says \(digest.hex)")
        }
    }

    /// A fresh private scratch directory under the system's temporary directory.
    static func makeScratchDirectory() throws(ImageLayersError) -> String {
        let base = NSTemporaryDirectory()
        var template = Array((base.hasSuffix("/") ? base : base + "/").utf8CString.dropLast()) + Array("basefit-layers.XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            throw ImageLayersError(.destination, path: base, detail: "cannot make a scratch directory: \(String(cString: strerror(errno)))")
        }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Copies the current archive entry's data to a new file, returning its sha256 and size.
    /// Stops with `limitExceeded` once `budget` bytes would be passed.
    static func copyEntry(
        _ reader: borrowing ArchiveReader, to path: String, member: String, budget: UInt64
    ) throws(ImageLayersError) -> (hex: String, size: UInt64) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ImageLayersError(.destination, path: path, detail: "cannot create scratch file: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var hasher = SHA256()
        var size: UInt64 = 0
        try reader.readData { (block, offset) throws(ImageLayersError) in
            guard UInt64(offset) == size else {
                throw ImageLayersError(.malformed, path: member, detail: "sparse archive member")
            }
            guard size + UInt64(block.count) <= budget else {
                throw ImageLayersError(.limitExceeded, path: member, detail: "archive members pass the limit of \(budget) bytes")
            }
            if let code = FileWrite.all(block, to: fd) {
                throw ImageLayersError(.destination, path: path, detail: "cannot write scratch file: \(String(cString: strerror(code)))")
            }
            hasher.update(block)
            size += UInt64(block.count)
        }
        return (hasher.finalizeHex(), size)
    }

    /// Reads the current archive entry's data into memory (at most `limit` bytes).
    static func readEntry(_ reader: borrowing ArchiveReader, member: String, limit: Int = maxDocumentBytes) throws(ImageLayersError) -> Data {
        var data = Data()
        try reader.readData { (block, offset) throws(ImageLayersError) in
            guard offset == data.count else {
                throw ImageLayersError(.malformed, path: member, detail: "sparse archive member")
            }
            guard data.count + block.count <= limit else {
                throw ImageLayersError(.limitExceeded, path: member, detail: "more than \(limit) bytes")
            }
            data.append(contentsOf: block)
        }
        return data
    }
}
