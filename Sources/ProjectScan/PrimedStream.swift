/// A raw deflate stream that starts at any bit of another one, behind a window of 32768 fill
/// bytes: what lets libdeflate (which inflates whole streams from their first bit, with no
/// dictionary) inflate the end of a member from a block start in its middle, as zlib does
/// with `inflatePrime` and `inflateSetDictionary`.
///
/// In front of the original bits it writes blocks whose output is the window: a stored block
/// of fill bytes, then, to make the written bits end at the same bit of a byte as `startBit`
/// does (so the original bytes follow unshifted, byte for byte), at most one fixed block with
/// an 11-byte match of the fill (23 bits) and up to three empty fixed blocks (10 bits each).
/// None is final. The output is the window followed by exactly what the original bits inflate
/// to after that window, and the input's bytes past the prefix are the original's from the
/// byte holding `startBit`, so a stream that ends in the last byte of one ends in the last
/// byte of the other.
struct PrimedStream {
    static let windowSize = 32768
    /// Bytes of the stream before the original's bytes (the last one holds the original's
    /// first bits when `startBit` is not at a byte boundary).
    let prefixCount: Int
    let bytes: [UInt8]

    init?(_ compressed: UnsafeRawBufferPointer, startBit: Int, fill: UInt8) {
        guard startBit >= 0, startBit < compressed.count * 8 else { return nil }
        let residue = startBit % 8
        // 23a + 10k ≡ residue (mod 8): a match block for odd residues, then k empty blocks.
        let match = residue % 2 == 1
        let empties = match ? ((residue + 1) / 2) % 4 : residue / 2
        var writer = BitWriter()
        let stored = Self.windowSize - (match ? 11 : 0)
        writer.bits(0, 3)  // BFINAL 0, BTYPE 00 (stored)
        writer.alignToByte()
        writer.bits(UInt32(stored), 16)
        writer.bits(UInt32(~UInt16(stored)), 16)
        writer.fill(fill, count: stored)
        if match {
            writer.bits(0b010, 3)  // BFINAL 0, BTYPE 01 (fixed codes)
            writer.code(265 - 256, 7)  // length 11–12
            writer.bits(0, 1)  // 11
            writer.code(0, 5)  // distance 1
            writer.code(0, 7)  // end of block
        }
        for _ in 0..<empties {
            writer.bits(0b010, 3)
            writer.code(0, 7)
        }
        guard writer.bitCount % 8 == residue else { return nil }
        let first = startBit / 8
        var bytes = writer.bytes
        if residue != 0 {
            // The last prefix byte's low bits are the prefix's, its high bits the original's.
            let low = UInt8((1 << residue) - 1)
            bytes[bytes.count - 1] = (bytes[bytes.count - 1] & low) | (compressed[first] & ~low)
        }
        prefixCount = bytes.count
        let rest = first + (residue != 0 ? 1 : 0)
        bytes.reserveCapacity(bytes.count + compressed.count - rest)
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: compressed[rest...]))
        self.bytes = bytes
    }

    /// Bits written least significant first, as deflate packs them.
    struct BitWriter {
        var bytes: [UInt8] = []
        var bitCount = 0

        mutating func bits(_ value: UInt32, _ count: Int) {
            for index in 0..<count {
                if bitCount % 8 == 0 { bytes.append(0) }
                if value >> UInt32(index) & 1 != 0 { bytes[bytes.count - 1] |= 1 << UInt8(bitCount % 8) }
                bitCount += 1
            }
        }

        /// A Huffman code: sent from its most significant bit.
        mutating func code(_ value: UInt32, _ length: Int) {
            var reversed: UInt32 = 0
            for index in 0..<length where value >> UInt32(index) & 1 != 0 { reversed |= 1 << UInt32(length - 1 - index) }
            bits(reversed, length)
        }

        mutating func alignToByte() { bitCount = bytes.count * 8 }

        mutating func fill(_ byte: UInt8, count: Int) {
            precondition(bitCount % 8 == 0)
            bytes.append(contentsOf: repeatElement(byte, count: count))
            bitCount += 8 * count
        }
    }
}
