// The one gateway to libarchive. Every libarchive call basefit makes lives in this file;
// everything above it sees `ArchiveEntryHeader` records and byte blocks lent to a closure.

import CLibArchive
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The type of one archive entry, from its mode bits or hard-link field.
enum ArchiveEntryKind: Sendable, Equatable {
    case regular, directory, symlink, hardlink, characterDevice, blockDevice, fifo, socket
    case unknown(UInt32)
}

/// One entry's header, copied out of libarchive (nothing here points into it).
struct ArchiveEntryHeader: Sendable {
    /// The entry's name as stored (raw bytes, no conversion).
    var pathBytes: [UInt8]
    var kind: ArchiveEntryKind
    /// Permission bits including setuid/setgid/sticky (07777).
    var permissions: UInt32
    /// Declared data size; nil when the header does not set one.
    var size: Int64?
    var uid: Int64
    var gid: Int64
    /// Symbolic link target or hard link target (archive-relative), as stored.
    var linkBytes: [UInt8]?
}

/// Owns one `struct archive *` opened for reading a file; frees it in `deinit`.
struct ArchiveReader: ~Copyable {
    enum Format {
        /// tar in any of its dialects (ustar, pax, GNU), under any filter libarchive knows
        /// (gzip, zstd, xz, bzip2, …), detected from the bytes. An empty file is an empty archive.
        case tar
        /// No format: the whole (de-filtered) stream as one entry. Used to digest a layer's
        /// uncompressed bytes for its diff_id.
        case raw
    }

    private let archive: OpaquePointer
    let path: String

    init(path: String, format: Format) throws(ImageLayersError) {
        guard let archive = archive_read_new() else {
            throw ImageLayersError(.unreadable, path: path, detail: "libarchive could not allocate a reader")
        }
        archive_read_support_filter_all(archive)
        switch format {
        case .tar:
            archive_read_support_format_tar(archive)
            archive_read_support_format_gnutar(archive)
            archive_read_support_format_empty(archive)
        case .raw:
            archive_read_support_format_raw(archive)
        }
        if archive_read_open_filename(archive, path, 256 * 1024) != ARCHIVE_OK {
            let message = Self.message(archive)
            archive_read_free(archive)
            throw ImageLayersError(.malformed, path: path, detail: "not a readable archive: \(message)")
        }
        // Only now is `self` complete, so `deinit` (the only other free) cannot run before this.
        self.archive = archive
        self.path = path
    }

    deinit {
        archive_read_free(archive)
    }

    /// The compression libarchive found on the stream (from the bytes, whatever the file claims):
    /// `.none` for a plain stream, else the outermost filter.
    var compression: LayerCompression {
        let codes = (0..<max(0, Int(archive_filter_count(archive)))).map { archive_filter_code(archive, Int32($0)) }
            .filter { $0 != ARCHIVE_FILTER_NONE }
        switch codes.last {
        case nil: return .none
        case ARCHIVE_FILTER_GZIP where codes.count == 1: return .gzip
        case ARCHIVE_FILTER_ZSTD where codes.count == 1: return .zstd
        default:
            let names = (0..<max(0, Int(archive_filter_count(archive)))).compactMap { index -> String? in
                guard archive_filter_code(archive, Int32(index)) != ARCHIVE_FILTER_NONE,
                      let name = archive_filter_name(archive, Int32(index)) else { return nil }
                return String(cString: name)
            }
            return .other(names.joined(separator: " in "))
        }
    }

    private static func message(_ archive: OpaquePointer) -> String {
        if let text = archive_error_string(archive) { return String(cString: text) }
        return "unknown libarchive error (errno \(archive_errno(archive)))"
    }

    /// The next entry's header, or nil at the end. Unread data of the previous entry is skipped.
    func nextHeader() throws(ImageLayersError) -> ArchiveEntryHeader? {
        var entry: OpaquePointer?
        let status = archive_read_next_header(archive, &entry)
        if status == ARCHIVE_EOF { return nil }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
            throw ImageLayersError(.malformed, path: path, detail: "bad archive entry header: \(Self.message(archive))")
        }
        var pathBytes: [UInt8] = []
        if let name = archive_entry_pathname(entry) {
            pathBytes = Self.bytes(name)
        } else if let name = archive_entry_pathname_utf8(entry) {
            pathBytes = Self.bytes(name)
        }
        var linkBytes: [UInt8]?
        let kind: ArchiveEntryKind
        if let hardlink = archive_entry_hardlink(entry) ?? archive_entry_hardlink_utf8(entry) {
            kind = .hardlink
            linkBytes = Self.bytes(hardlink)
        } else {
            let type = UInt32(archive_entry_filetype(entry))
            switch type {
            case 0o100000: kind = .regular  // AE_IFREG
            case 0o040000: kind = .directory  // AE_IFDIR
            case 0o120000:  // AE_IFLNK
                kind = .symlink
                if let target = archive_entry_symlink(entry) ?? archive_entry_symlink_utf8(entry) {
                    linkBytes = Self.bytes(target)
                } else {
                    linkBytes = []
                }
            case 0o020000: kind = .characterDevice  // AE_IFCHR
            case 0o060000: kind = .blockDevice  // AE_IFBLK
            case 0o010000: kind = .fifo  // AE_IFIFO
            case 0o140000: kind = .socket  // AE_IFSOCK
            default: kind = .unknown(type)
            }
        }
        return ArchiveEntryHeader(
            pathBytes: pathBytes,
            kind: kind,
            permissions: UInt32(archive_entry_perm(entry)) & 0o7777,
            size: archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil,
            uid: archive_entry_uid(entry),
            gid: archive_entry_gid(entry),
            linkBytes: linkBytes
        )
    }

    /// Lends the current entry's data, block by block, with each block's offset in the file
    /// (blocks of a sparse file can skip ahead; the gaps are holes).
    func readData(
        _ body: (UnsafeRawBufferPointer, Int64) throws(ImageLayersError) -> Void
    ) throws(ImageLayersError) {
        while true {
            var buffer: UnsafeRawPointer?
            var size = 0
            var offset: la_int64_t = 0
            let status = archive_read_data_block(archive, &buffer, &size, &offset)
            if status == ARCHIVE_EOF { return }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN else {
                throw ImageLayersError(.malformed, path: path, detail: "cannot read entry data: \(Self.message(archive))")
            }
            guard size >= 0, offset >= 0 else {
                throw ImageLayersError(.malformed, path: path, detail: "entry data block at a negative offset")
            }
            if size == 0 { continue }
            guard let buffer else { continue }
            try body(UnsafeRawBufferPointer(start: buffer, count: size), offset)
        }
    }

    private static func bytes(_ pointer: UnsafePointer<CChar>) -> [UInt8] {
        let count = strlen(pointer)
        return pointer.withMemoryRebound(to: UInt8.self, capacity: count) {
            Array(UnsafeBufferPointer(start: $0, count: count))
        }
    }
}
