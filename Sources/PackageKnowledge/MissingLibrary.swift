/// A shared library a binary needs and the image lacks, with the version nodes it needs from it
/// (`libssl.so.3` needing `OPENSSL_3.0.0`).
public struct MissingLibrary: Sendable, Hashable, Codable {
    public var soname: String
    public var versions: [String]

    public init(soname: String, versions: [String] = []) {
        self.soname = soname
        self.versions = versions
    }
}
