import CBasefitZlib

/// Inflates one zip member (raw deflate, or stored) with the system zlib straight into a
/// buffer of the size the directory declares, checking the CRC-32 with zlib's own.
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
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .damaged("zlib refused to initialise")
        }
        defer { inflateEnd(&stream) }
        var failure: Failure?
        // One byte of slack detects a member that inflates past its declared size.
        let output = [UInt8](unsafeUninitializedCapacity: declaredSize + 1) { buffer, initialized in
            stream.next_in = UnsafeMutablePointer(mutating: compressed.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(compressed.count)
            stream.next_out = buffer.baseAddress
            var produced = 0
            if let magic, declaredSize >= magic.count {
                stream.avail_out = uInt(magic.count)
                let status = CBasefitZlib.inflate(&stream, Z_SYNC_FLUSH)
                produced = magic.count - Int(stream.avail_out)
                guard status == Z_OK || status == Z_STREAM_END, produced == magic.count,
                      buffer.prefix(magic.count).elementsEqual(magic) else {
                    initialized = 0
                    failure = .wrongMagic
                    return
                }
            }
            stream.avail_out = uInt(declaredSize + 1 - produced)
            let status = CBasefitZlib.inflate(&stream, Z_FINISH)
            produced = declaredSize + 1 - Int(stream.avail_out)
            initialized = min(produced, declaredSize)
            if status != Z_STREAM_END || produced != declaredSize {
                failure = produced > declaredSize ? .damaged("inflates past the \(declaredSize) bytes it declares (a zip bomb or a damaged archive)")
                    : .damaged("deflate data is damaged or ends early (zlib status \(status), \(produced) of \(declaredSize) bytes)")
            }
        }
        if let failure { throw failure }
        if let expected, checksum(output) != expected { throw .damaged("CRC-32 mismatch") }
        return output
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            var crc = CBasefitZlib.crc32(0, nil, 0)
            var offset = 0
            while offset < buffer.count {  // crc32 takes a 32-bit length
                let count = min(buffer.count - offset, 1 << 30)
                crc = CBasefitZlib.crc32(crc, buffer.baseAddress! + offset, uInt(count))
                offset += count
            }
            return UInt32(crc)
        }
    }
}
