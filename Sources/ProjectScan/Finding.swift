/// Something the scan noticed about the project that a user should act on or know:
/// metadata that contradicts the binary, a wheel tag its files break, a fix at hand.
public struct Finding: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// A package's `libc`/`os`/`cpu` metadata contradicts its ELF file.
        case metadataMismatch = "metadata-mismatch"
        /// A wheel's platform tag promises less than its files need.
        case wheelTagViolation = "wheel-tag-violation"
        /// Only the glibc build of a package is installed, but its family publishes a musl one.
        case muslVariantAvailable = "musl-variant-available"
        /// Both a glibc and a musl build are installed: the project loads on either.
        case bothLibcVariants = "both-libc-variants"
        /// An addon needs `libnode.so.<N>`: built for a distribution's shared Node.
        case libnodeAddon = "libnode-addon"
        /// A classic NODE_MODULE addon whose Node ABI the file does not record.
        case unconfirmedNodeABI = "unconfirmed-node-abi"
        /// A prebuild without a libc tag: node-gyp-build would load it on musl too.
        case untaggedPrebuild = "untagged-prebuild"
        /// An extension module built for another architecture or libc than its name says.
        case extensionSuffixMismatch = "extension-suffix-mismatch"
        /// The loader takes a library from the project for this file and refuses it (a file that
        /// is not a loadable library under its name, a version it does not define): no image helps.
        case projectLibraryRefused = "project-library-refused"
    }

    public var kind: Kind
    /// The artifact (or wheel, or package manifest) concerned.
    public var path: String
    public var message: String
    /// What would fix it, when basefit knows.
    public var fix: String?

    public init(kind: Kind, path: String, message: String, fix: String? = nil) {
        self.kind = kind
        self.path = path
        self.message = message
        self.fix = fix
    }
}
