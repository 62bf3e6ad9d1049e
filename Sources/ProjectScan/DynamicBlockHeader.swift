/// A dynamic deflate block header (RFC 1951 3.2.7), checked exactly as zlib's inflate
/// accepts it, at any bit of a buffer (bits are read least significant first).
enum DynamicBlockHeader {
    /// Kraft's sum in 128ths of four 3-bit code lengths (the first in the low bits): 2^(7 - length)
    /// each, 0 for length 0. Made once, never freed.
    nonisolated(unsafe) static let kraftOfFour: UnsafePointer<UInt16> = {
        let table = UnsafeMutablePointer<UInt16>.allocate(capacity: 4096)
        for index in 0..<4096 {
            var sum: UInt16 = 0
            for slot in 0..<4 {
                let length = (index >> (3 * slot)) & 7
                if length > 0 { sum += 1 << (7 - length) }
            }
            table[index] = sum
        }
        return UnsafePointer(table)
    }()

    /// The order the code length code's lengths are sent in.
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    struct Scanner {
        let bytes: UnsafeRawBufferPointer
        let bitCount: Int

        init(_ bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
            bitCount = bytes.count * 8
        }

        /// At least 57 bits from `bit` (zeros past the end).
        @inline(__always) func peek(_ bit: Int) -> UInt64 {
            let byte = bit >> 3
            let word: UInt64
            if byte + 8 <= bytes.count {
                word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
            } else {
                var assembled: UInt64 = 0
                var index = byte
                while index < bytes.count { assembled |= UInt64(bytes[index]) << UInt64(8 * (index - byte)); index += 1 }
                word = assembled
            }
            return word >> UInt64(bit & 7)
        }

        /// The first bit at or after `bit` where a dynamic block header is valid.
        func next(from bit: Int) -> Int? {
            var position = max(0, bit)
            // 32 bits a loaded word while eight bytes are left: the first checks of `accepts`
            // (BTYPE 2, at most 286 and 30 codes, in a header's first 13 bits) are made for all
            // 32 at once, bit-parallel, and only a bit that passes them is looked at whole; the
            // rest of the buffer bit by bit.
            while position < bitCount, position & 7 != 0 {
                if accepts(position) { return position }
                position += 1
            }
            while (position >> 3) + 8 <= bytes.count {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position >> 3, as: UInt64.self))
                // Bit i of each: the check for a header starting at `position + i` (its bits
                // i + 1 and i + 2 are BTYPE, 0 then 1; HLIT of 30 or 31 is bits i + 4 to i + 7
                // all set, HDIST of 30 or 31 bits i + 9 to i + 12).
                let dynamic = ~(word >> 1) & (word >> 2)
                let tooManyLiterals = (word >> 4) & (word >> 5) & (word >> 6) & (word >> 7)
                let tooManyDistances = (word >> 9) & (word >> 10) & (word >> 11) & (word >> 12)
                var passing = dynamic & ~tooManyLiterals & ~tooManyDistances & 0xFFFF_FFFF
                while passing != 0 {
                    let candidate = position + passing.trailingZeroBitCount
                    if accepts(candidate) { return candidate }
                    passing &= passing - 1
                }
                position += 32
            }
            while position < bitCount {
                if accepts(position) { return position }
                position += 1
            }
            return nil
        }

        /// Whether a dynamic block header (BFINAL either way) that zlib accepts starts at
        /// `bit` and ends inside the buffer.
        func accepts(_ bit: Int) -> Bool {
            guard bit >= 0, bit < bitCount else { return false }
            let word = peek(bit)
            guard (word >> 1) & 3 == 2 else { return false }
            let literalCount = Int((word >> 3) & 31) + 257
            let distanceCount = Int((word >> 8) & 31) + 1
            // zlib: "too many length or distance symbols".
            guard literalCount <= 286, distanceCount <= 30 else { return false }
            let codeLengthCount = Int((word >> 13) & 15) + 4
            // The code length code must be complete (zlib rejects an incomplete one; an
            // empty one decodes only zero lengths, and then end-of-block has none).
            let codeLengthBits = peek(bit + 17)
            // Kraft's sum in 128ths, four 3-bit lengths a lookup (the lengths past the count masked to 0).
            let lengths = codeLengthBits & ((1 << UInt64(3 * codeLengthCount)) - 1)
            let table = DynamicBlockHeader.kraftOfFour
            let kraft = Int(table[Int(lengths & 0xFFF)]) + Int(table[Int((lengths >> 12) & 0xFFF)]) + Int(table[Int((lengths >> 24) & 0xFFF)])
                + Int(table[Int((lengths >> 36) & 0xFFF)]) + Int(table[Int((lengths >> 48) & 0xFFF)])
            guard kraft == 128 else { return false }
            return acceptsCodes(bit, literalCount: literalCount, distanceCount: distanceCount, codeLengthCount: codeLengthCount,
                                codeLengthBits: codeLengthBits)
        }

        private func acceptsCodes(_ bit: Int, literalCount: Int, distanceCount: Int, codeLengthCount: Int, codeLengthBits: UInt64) -> Bool {
            var codeLengthLengths = [Int](repeating: 0, count: 19)
            for index in 0..<codeLengthCount {
                codeLengthLengths[DynamicBlockHeader.codeLengthOrder[index]] = Int((codeLengthBits >> UInt64(3 * index)) & 7)
            }
            guard let table = DynamicBlockHeader.decodingTable(codeLengthLengths, bits: 7) else { return false }
            var position = bit + 17 + 3 * codeLengthCount
            let total = literalCount + distanceCount
            var lengths = [Int](repeating: 0, count: total)
            var filled = 0
            while filled < total {
                let word = peek(position)
                let entry = table[Int(word & 127)]
                let symbol = entry >> 4, length = entry & 15
                position += length
                let extra = word >> UInt64(length)
                if symbol < 16 {
                    lengths[filled] = symbol
                    filled += 1
                    continue
                }
                let value: Int, count: Int
                switch symbol {
                case 16:
                    guard filled > 0 else { return false }
                    value = lengths[filled - 1]; count = 3 + Int(extra & 3); position += 2
                case 17:
                    value = 0; count = 3 + Int(extra & 7); position += 3
                default:
                    value = 0; count = 11 + Int(extra & 127); position += 7
                }
                guard filled + count <= total else { return false }
                for index in filled..<(filled + count) { lengths[index] = value }
                filled += count
            }
            guard position <= bitCount, lengths[256] > 0 else { return false }
            return DynamicBlockHeader.acceptable(lengths[0..<literalCount]) && DynamicBlockHeader.acceptable(lengths[literalCount..<total])
        }
    }

    /// zlib's rule for a literal/length or distance code: not over-subscribed, and complete
    /// unless its longest code is 1 bit (a single code); no codes at all is accepted (only a
    /// distance code can be empty here, end-of-block always has a length).
    static func acceptable(_ lengths: ArraySlice<Int>) -> Bool {
        var kraft = 0, longest = 0
        for length in lengths where length > 0 {
            kraft += 1 << (15 - length)
            longest = max(longest, length)
        }
        return kraft == 0 || kraft == 1 << 15 || (longest == 1 && kraft == 1 << 14)
    }

    /// A `bits`-bit lookup table for a complete prefix code with these lengths: indexed by the
    /// next `bits` input bits, each entry is symbol << 4 | code length. nil when not complete.
    static func decodingTable(_ lengths: [Int], bits: Int) -> [Int]? {
        var kraft = 0
        for length in lengths where length > 0 {
            guard length <= bits else { return nil }
            kraft += 1 << (bits - length)
        }
        guard kraft == 1 << bits else { return nil }
        var table = [Int](repeating: 0, count: 1 << bits)
        var code = 0
        for length in 1...bits {
            for (symbol, symbolLength) in lengths.enumerated() where symbolLength == length {
                // Canonical code, sent most significant bit first: reverse it for the LSB-first reader.
                var reversed = 0
                for index in 0..<length where code & (1 << index) != 0 { reversed |= 1 << (length - 1 - index) }
                var fill = reversed
                while fill < 1 << bits {
                    table[fill] = symbol << 4 | length
                    fill += 1 << length
                }
                code += 1
            }
            code <<= 1
        }
        return table
    }
}
