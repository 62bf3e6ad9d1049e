// SHA-256 is swift-crypto's (BoringSSL's implementation on Linux); these helpers keep the
// call sites short: incremental updates from raw buffers and lowercase hex output.

import Crypto
import Foundation

typealias SHA256 = Crypto.SHA256

extension Crypto.SHA256 {
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        update(bufferPointer: bytes)
    }

    /// The digest as 64 lowercase hex digits.
    func finalizeHex() -> String {
        Self.hex(finalize())
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        var text = ""
        text.reserveCapacity(64)
        for byte in digest {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0f)])
        }
        return text
    }

    /// sha256 of bytes in memory, as hex.
    static func hex(of bytes: some DataProtocol) -> String {
        hex(Self.hash(data: bytes))
    }

    private static let hexDigits: [Character] = Array("0123456789abcdef")
}
