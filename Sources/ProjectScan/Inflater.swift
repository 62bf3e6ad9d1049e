import CBasefitZlib
import CLibDeflate

/// Inflates one zip member (raw deflate, or stored) straight into a buffer of the size the
/// directory declares, and checks its CRC-32.
///
/// A deflated member is inflated whole by libdeflate (about twice zlib's speed; it needs the
/// output size, which the directory declares). When libdeflate refuses the data (damaged,
/// shorter or longer than declared), zlib inflates it again as a stream: the outcome, and
/// the words of the failure, are then zlib's. When `magic` is given, zlib inflates only the
/// first bytes to compare them, so a member that is not ELF costs one block header.
public enum Inflater {
    public enum Failure: Error, Sendable, Equatable {
        /// The first bytes are not `prefix` (the caller asked only for members that start so).
        case wrongMagic
        /// More bytes than declared, or the stream ends early, or zlib rejects the data.
        case damaged(String)
        case unsupportedMethod(UInt16)
    }

    /// `compressed` holds exactly the member's data. When `magic` is given, only enough is
    /// inflated to compare the first bytes before the rest.
    public static func inflate(
        _ compressed: UnsafeRawBufferPointer, method: UInt16, declaredSize: Int, crc32 expected: UInt32?, magic: [UInt8]?
    ) throws(Failure) -> [UInt8] {
        if method == 0 {
            guard compressed.count == declaredSize else { throw .damaged("stored member is \(compressed.count) bytes, declares \(declaredSize)") }
            if let magic, !compressed.starts(with: magic) { throw .wrongMagic }
            let bytes = [UInt8](compressed)
            if let expected, checksum(bytes) != expected { throw .damaged("CRC-32 mismatch") }
            return bytes
        }
        guard method == 8 else { throw .unsupportedMethod(method) }
        if let magic, declaredSize >= magic.count, !startsWith(magic, compressed) { throw .wrongMagic }
        let output: [UInt8]
        if let inflated = whole(compressed, declaredSize: declaredSize) {
            output = inflated
        } else {
            output = try streamed(compressed, declaredSize: declaredSize)
        }
        if let expected, checksum(output) != expected { throw .damaged("CRC-32 mismatch") }
        return output
    }

    /// libdeflate's inflation of the whole member, or nil when it does not give exactly
    /// `declaredSize` bytes (zlib then says what is wrong).
    static func whole(_ compressed: UnsafeRawBufferPointer, declaredSize: Int) -> [UInt8]? {
        guard declaredSize > 0, let decompressor = libdeflate_alloc_decompressor() else { return nil }
        defer { libdeflate_free_decompressor(decompressor) }
        var succeeded = false
        let output = [UInt8](unsafeUninitializedCapacity: declaredSize) { buffer, initialized in
            // No actual-size pointer: libdeflate succeeds only on exactly `declaredSize` bytes.
            let result = libdeflate_deflate_decompress(decompressor, compressed.baseAddress, compressed.count,
                                                       buffer.baseAddress, declaredSize, nil)
            succeeded = result == LIBDEFLATE_SUCCESS
            initialized = succeeded ? declaredSize : 0
        }
        return succeeded ? output : nil
    }

    /// Whether the member's first bytes are `magic`: zlib inflates just that many.
    static func startsWith(_ magic: [UInt8], _ compressed: UnsafeRawBufferPointer) -> Bool {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return false }
        defer { inflateEnd(&stream) }
        var first = [UInt8](repeating: 0, count: magic.count)
        return first.withUnsafeMutableBufferPointer { buffer in
            stream.next_in = UnsafeMutablePointer(mutating: compressed.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(compressed.count)
            stream.next_out = buffer.baseAddress
            stream.avail_out = uInt(magic.count)
            let status = CBasefitZlib.inflate(&stream, Z_SYNC_FLUSH)
            return (status == Z_OK || status == Z_STREAM_END) && stream.avail_out == 0 && buffer.elementsEqual(magic)
        }
    }

    /// zlib's inflation as a stream, with one byte of slack to catch a member that inflates
    /// past its declared size.
    static func streamed(_ compressed: UnsafeRawBufferPointer, declaredSize: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .damaged("zlib refused to initialise")
        }
        defer { inflateEnd(&stream) }
        var failure: Failure?
        let output = [UInt8](unsafeUninitializedCapacity: declaredSize + 1) { buffer, initialized in
            stream.next_in = UnsafeMutablePointer(mutating: compressed.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(compressed.count)
            stream.next_out = buffer.baseAddress
            stream.avail_out = uInt(declaredSize + 1)
            let status = CBasefitZlib.inflate(&stream, Z_FINISH)
            let produced = declaredSize + 1 - Int(stream.avail_out)
            initialized = min(produced, declaredSize)
            if status != Z_STREAM_END || produced != declaredSize {
                failure = produced > declaredSize ? .damaged("inflates past the \(declaredSize) bytes it declares (a zip bomb or a damaged archive)")
                    : .damaged("deflate data is damaged or ends early (zlib status \(status), \(produced) of \(declaredSize) bytes)")
            }
        }
        if let failure { throw failure }
        return output
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { buffer in UInt32(libdeflate_crc32(0, buffer.baseAddress, buffer.count)) }
    }
}
