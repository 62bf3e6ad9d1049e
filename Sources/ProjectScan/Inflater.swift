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

    /// zlib's raw inflation of as many bytes as `compressed` (the first part of a member's
    /// stream, from its first byte) yields: Z_SYNC_FLUSH until the input is used up, the
    /// stream ends, or `limit` bytes are out. Every byte returned is exact (the stream is
    /// inflated from its start); `.damaged` when zlib rejects the data.
    public static func prefix(_ compressed: UnsafeRawBufferPointer, limit: Int) throws(Failure) -> [UInt8] {
        guard limit > 0, compressed.count > 0 else { return [] }
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .damaged("zlib refused to initialise")
        }
        defer { inflateEnd(&stream) }
        var failure: Failure?
        let output = [UInt8](unsafeUninitializedCapacity: limit) { buffer, initialized in
            stream.next_in = UnsafeMutablePointer(mutating: compressed.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(compressed.count)
            stream.next_out = buffer.baseAddress
            stream.avail_out = uInt(limit)
            while true {
                let status = CBasefitZlib.inflate(&stream, Z_SYNC_FLUSH)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    failure = .damaged("deflate data is damaged (zlib status \(status) after \(Int(stream.total_out)) bytes)")
                    break
                }
                // Z_BUF_ERROR: no progress possible, the input is used up or the output full.
                if status != Z_OK || stream.avail_out == 0 || stream.avail_in == 0 { break }
            }
            initialized = limit - Int(stream.avail_out)
        }
        if let failure { throw failure }
        return output
    }

    /// A deflate block boundary a Z_BLOCK pass went through: its bit offset (from the first
    /// byte of the data given) and how many bytes the pass had written before it.
    struct BlockBoundary: Sendable, Equatable {
        var bit: Int
        var produced: Int
    }

    /// How a Z_BLOCK pass ended.
    enum BlockPassEnd: Sendable, Equatable {
        /// Z_STREAM_END in the last byte given, within the output buffer.
        case streamEnd
        /// zlib rejected the data, or the input ran out inside the stream, or the stream
        /// ended before the last byte: the same from any later boundary of this pass.
        case rejected
        /// The output buffer filled before the stream ended.
        case overflow
        /// `stop` said so at a boundary (the last one listed).
        case stopped
    }

    /// zlib's raw inflation of `compressed` from bit `startBit` to the end of the deflate
    /// stream, with a window of 32768 bytes all equal to `fill` before the start, into
    /// `output`. Block by block (Z_BLOCK): every block boundary the parse passes is
    /// listed, the start first. At each boundary at or before bit `refillThrough` the
    /// window is replaced again by 32768 `fill` bytes, so bytes written after it depend on
    /// nothing before it. `stop` is asked at each boundary after the start.
    static func blocks(
        _ compressed: UnsafeRawBufferPointer, startBit: Int, fill: UInt8, refillThrough: Int = -1,
        into output: UnsafeMutableBufferPointer<UInt8>, stop: (Int) -> Bool = { _ in false }
    ) -> (produced: Int, boundaries: [BlockBoundary], end: BlockPassEnd) {
        let startByte = startBit / 8 + (startBit % 8 == 0 ? 0 : 1)
        var boundaries = [BlockBoundary(bit: startBit, produced: 0)]
        let window = [UInt8](repeating: fill, count: 32768)
        var stream = z_stream()
        guard open(&stream, compressed, startBit: startBit, window: window) else { return (0, boundaries, .rejected) }
        defer { inflateEnd(&stream) }
        func refill() -> Bool { setWindow(&stream, window) }
        stream.next_out = output.baseAddress
        stream.avail_out = uInt(output.count)
        while true {
            let consumedBefore = stream.total_in, producedBefore = stream.total_out
            let status = CBasefitZlib.inflate(&stream, Z_BLOCK)
            let produced = Int(stream.total_out)
            if status == Z_STREAM_END {
                return (produced, boundaries, stream.avail_in == 0 ? .streamEnd : .rejected)
            }
            if status == Z_OK, stream.data_type & 128 != 0 {
                let bit = (startByte + Int(stream.total_in)) * 8 - Int(stream.data_type & 7)
                boundaries.append(BlockBoundary(bit: bit, produced: produced))
                if stop(bit) { return (produced, boundaries, .stopped) }
                if bit <= refillThrough, !refill() { return (produced, boundaries, .rejected) }
                continue
            }
            if stream.avail_out == 0 { return (produced, boundaries, .overflow) }
            if status != Z_OK || stream.avail_in == 0 { return (produced, boundaries, .rejected) }
            if stream.total_in == consumedBefore && stream.total_out == producedBefore { return (produced, boundaries, .rejected) }
        }
    }

    /// Opens `stream` for raw inflation at bit `startBit` of `compressed` (a block start),
    /// behind `window` when given (the 32768 bytes written before it), its input the rest of
    /// `compressed`. False when zlib refuses, the stream then closed; otherwise the caller
    /// closes it (`inflateEnd`).
    private static func open(_ stream: inout z_stream, _ compressed: UnsafeRawBufferPointer, startBit: Int, window: [UInt8]?) -> Bool {
        guard startBit >= 0, startBit < compressed.count * 8, let base = compressed.baseAddress,
              inflateInit2_(&stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return false }
        let residue = startBit % 8
        guard window.map({ setWindow(&stream, $0) }) ?? true,
              residue == 0 || inflatePrime(&stream, Int32(8 - residue), Int32(compressed[startBit / 8] >> UInt8(residue))) == Z_OK else {
            inflateEnd(&stream)
            return false
        }
        let startByte = startBit / 8 + (residue == 0 ? 0 : 1)
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self) + startByte)
        stream.avail_in = uInt(compressed.count - startByte)
        return true
    }

    /// Replaces the window `stream` copies matches from.
    private static func setWindow(_ stream: inout z_stream, _ window: [UInt8]) -> Bool {
        window.withUnsafeBufferPointer { inflateSetDictionary(&stream, $0.baseAddress, uInt($0.count)) } == Z_OK
    }

    /// How a chunked pass (`chunks`) ended.
    enum ChunkPassEnd: Sendable, Equatable {
        /// Z_STREAM_END in the last byte given, after this many bytes.
        case streamEnd(Int)
        /// `body` asked to stop.
        case stopped
        /// zlib rejected the data, or the input ran out inside the stream, or the stream
        /// ended before the last byte.
        case rejected
    }

    /// zlib's raw inflation of `compressed` from bit `startBit` (a block start) behind `window`
    /// (the 32768 bytes written before it), handed to `body` a chunk at a time (at most
    /// `chunkSize` bytes, in order; zlib keeps the window itself, so one buffer serves every
    /// chunk) until the stream ends or `body` returns false. What it writes is what
    /// `primed` writes after its window, so a pass can stop as soon as its caller has seen
    /// enough.
    static func chunks(
        _ compressed: UnsafeRawBufferPointer, startBit: Int, window: [UInt8], chunkSize: Int = 64 * 1024,
        _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) -> ChunkPassEnd {
        guard chunkSize > 0, window.count == 32768 else { return .rejected }
        var stream = z_stream()
        guard open(&stream, compressed, startBit: startBit, window: window) else { return .rejected }
        defer { inflateEnd(&stream) }
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunkSize)
        defer { buffer.deallocate() }
        while true {
            stream.next_out = buffer.baseAddress
            stream.avail_out = uInt(chunkSize)
            let status = CBasefitZlib.inflate(&stream, Z_NO_FLUSH)
            let written = chunkSize - Int(stream.avail_out)
            guard status == Z_OK || status == Z_STREAM_END || (status == Z_BUF_ERROR && written > 0) else { return .rejected }
            if written > 0, !body(UnsafeBufferPointer(rebasing: buffer[..<written])) { return .stopped }
            if status == Z_STREAM_END { return stream.avail_in == 0 ? .streamEnd(Int(stream.total_out)) : .rejected }
            // No progress with output room left: the input ran out inside the stream.
            if written == 0 || (stream.avail_in == 0 && stream.avail_out > 0) { return .rejected }
        }
    }

    /// libdeflate's raw inflation of `compressed` from bit `startBit` (a block start) to the
    /// end of the deflate stream, behind a window of 32768 bytes all equal to `fill`
    /// (`PrimedStream`), into `output` (the window first, then what the bits inflate to).
    /// The number of bytes after the window, or nil unless the stream ends in the last byte
    /// of `compressed` and its output fits.
    static func primed(_ compressed: UnsafeRawBufferPointer, startBit: Int, fill: UInt8, into output: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        guard let stream = PrimedStream(compressed, startBit: startBit, fill: fill),
              let decompressor = libdeflate_alloc_decompressor() else { return nil }
        defer { libdeflate_free_decompressor(decompressor) }
        var consumed = 0, produced = 0
        let result = stream.bytes.withUnsafeBytes { input in
            libdeflate_deflate_decompress_ex(decompressor, input.baseAddress, input.count, output.baseAddress, output.count, &consumed, &produced)
        }
        guard result == LIBDEFLATE_SUCCESS, consumed == stream.bytes.count, produced >= PrimedStream.windowSize else { return nil }
        return produced - PrimedStream.windowSize
    }

    /// Whether zlib decodes a whole block header starting at bit `startBit` of `compressed`
    /// without rejecting it (Z_TREES stops right after it), within the bytes given: the
    /// oracle for `DynamicBlockHeader`.
    static func acceptsBlockHeader(_ compressed: UnsafeRawBufferPointer, startBit: Int) -> Bool {
        var stream = z_stream()
        guard open(&stream, compressed, startBit: startBit, window: nil) else { return false }
        defer { inflateEnd(&stream) }
        var byte: UInt8 = 0
        return withUnsafeMutablePointer(to: &byte) { output in
            stream.next_out = output
            stream.avail_out = 1
            let status = CBasefitZlib.inflate(&stream, Z_TREES)
            return status == Z_OK && stream.data_type & 256 != 0
        }
    }

    /// The bit offsets of every block start of a whole member's stream (zlib's own parse
    /// from the first bit), the first at 0; nil when the stream is not exactly
    /// `uncompressedSize` bytes.
    static func blockStarts(_ compressed: UnsafeRawBufferPointer, uncompressedSize: Int) -> [Int]? {
        var output = [UInt8](repeating: 0, count: uncompressedSize)
        let parse = output.withUnsafeMutableBufferPointer { blocks(compressed, startBit: 0, fill: 0, into: $0) }
        guard parse.end == .streamEnd, parse.produced == uncompressedSize else { return nil }
        return parse.boundaries.map(\.bit)
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { buffer in UInt32(libdeflate_crc32(0, buffer.baseAddress, buffer.count)) }
    }
}
