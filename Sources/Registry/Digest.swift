import Crypto
import Foundation

/// `sha256:<64 lowercase hex digits>` of some bytes: a content digest as the OCI specs write it.
enum Digest {
    static func sha256<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
        "sha256:" + SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
