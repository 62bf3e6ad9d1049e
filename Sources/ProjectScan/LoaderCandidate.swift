import ELFInspection
import POSIXFiles

/// What glibc's loader does with the file it finds under a name it searches for (`open_verify`,
/// as the loaders of bookworm and trixie behave): a file of another ELF class or machine is
/// skipped and the search goes on; anything else it cannot load stops the search with an error
/// ("file too short", "invalid ELF header", "cannot read file data", …): the next directory is
/// never tried. One rule for the project's copies (`LibraryResolver`) and for an image's own
/// search (`RootfsMeasurer`).
public enum LoaderCandidate: Sendable, Hashable {
    case load
    /// Another class or machine: glibc skips it and searches on.
    case skip
    /// glibc stops there with an error.
    case refuse(LibraryFailure.Reason)

    /// An ELF file `candidate` found for an object with `facts`, in the order glibc checks:
    /// class and machine (`e_machine` as the host reads it, so a big-endian file for another
    /// machine is skipped too), then byte order, OS ABI (System V or GNU only), file type and
    /// DF_1_PIE.
    public static func judge(_ candidate: BinaryFacts, for facts: BinaryFacts) -> LoaderCandidate {
        if candidate.is64Bit != facts.is64Bit { return .skip }
        let machineAsRead = candidate.littleEndian == facts.littleEndian ? candidate.machineCode : candidate.machineCode.byteSwapped
        if machineAsRead != facts.machineCode { return .skip }
        if candidate.littleEndian != facts.littleEndian { return .refuse(.byteOrder) }
        if candidate.osABI != 0 && candidate.osABI != 3 { return .refuse(.otherOperatingSystem) }
        switch candidate.fileType {
        case .sharedObject:
            return candidate.flags1.contains("PIE") ? .refuse(.positionIndependentExecutable) : .load
        case .executable: return .refuse(.executable)
        case .relocatable: return .refuse(.objectFile)
        case .core, .other: return .refuse(.otherFileType)
        }
    }

    /// Why the loader stops at what is at a path it opened (symbolic links followed) that is not
    /// an ELF file: its kind, and for a regular file its first bytes (16 suffice). nil for an
    /// ELF file, which `judge(_:for:)` decides once it is read.
    public static func refusal(kind: FileStatus.Kind, prefix bytes: [UInt8]) -> LibraryFailure.Reason? {
        switch kind {
        case .directory: return .directory
        case .other, .symbolicLink: return .notARegularFile
        case .regular: break
        }
        if bytes.count >= 4, bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46 { return nil }
        return bytes.withUnsafeBytes { LibraryFailure.Reason(NonELFContent(prefix: $0), foreign: ForeignExecutable(prefix: $0)) }
    }
}
