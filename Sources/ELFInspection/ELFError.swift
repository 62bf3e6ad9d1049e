/// Why one file could not be inspected. Carries the file and, where known, the
/// section, apart from the wording.
public struct ELFError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The file does not start with the ELF magic bytes.
        case notELF
        /// The file could not be opened or read (permissions, vanished, I/O error).
        case unreadable
        /// The file starts like ELF but a header, table or chain is broken.
        case malformed
        /// ELF class or encoding basefit does not know.
        case unsupported
        /// A byte the facts need lies outside the `ByteCoverage` the image was given (a member
        /// read in part): the caller reads the whole file instead.
        case incomplete
    }

    public var kind: Kind
    public var path: String
    /// The part of the file that was being read (`ELF header`, `.gnu.version_r`, …).
    public var location: String?
    public var detail: String
    /// For `.incomplete`: the bytes that were needed and not read.
    public var missing: Range<UInt64>?
    /// For `.notELF`: the other native format the file starts with (Mach-O, PE), if any.
    public var foreign: ForeignExecutable?
    /// For `.notELF` of a regular file opened by path: what its first bytes say it holds.
    public var content: NonELFContent?

    public init(_ kind: Kind, path: String, location: String? = nil, detail: String) {
        self.kind = kind
        self.path = path
        self.location = location
        self.detail = detail
    }

    public var description: String {
        if let location { return "\(path): \(location): \(detail)" }
        return "\(path): \(detail)"
    }
}
