import Foundation
import Testing
import TestSupport
@testable import ImageLayers

/// SHA-256 (swift-crypto, through ImageLayers' helpers) against FIPS 180-4 vectors and `sha256sum`.
@Suite struct SHA256Tests {
    @Test func fipsVectors() {
        #expect(SHA256.hex(of: Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(of: [UInt8](repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func incrementalEqualsOneShot() {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for split in [0, 1, 55, 56, 63, 64, 65, 127, 128, 4_999, 10_000] {
            var hasher = SHA256()
            bytes[..<split].withUnsafeBytes { hasher.update($0) }
            bytes[split...].withUnsafeBytes { hasher.update($0) }
            #expect(hasher.finalizeHex() == SHA256.hex(of: bytes), "split at \(split)")
        }
    }

    @Test(arguments: [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 65_537, 1_048_577])
    func matchesSha256sum(length: Int) throws {
        guard let tool = Run.which("sha256sum") else { try Test.cancel("sha256sum not installed") }
        let scratch = try Scratch()
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let path = scratch.path("input")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try Run.program(tool, [path])
        #expect(result.status == 0)
        let expected = String(result.stdout.prefix(64))
        #expect(SHA256.hex(of: bytes) == expected)
        #expect(try BlobFiles.digest(ofFile: path).hex == expected)
        #expect(try BlobFiles.digest(ofFile: path).size == UInt64(length))
    }
}
