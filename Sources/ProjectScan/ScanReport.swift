/// Everything one scan found.
public struct ScanReport: Sendable {
    /// ELF files, sorted by path.
    public var artifacts: [Artifact]
    public var warnings: [ScanWarning]
    /// Regular files looked at (ELF or not).
    public var filesExamined: Int
    /// Symbolic links inside the scanned roots: link path → target path.
    public var aliases: [String: String]
    /// What the scan noticed beyond the facts: metadata contradicting binaries,
    /// wheel tags broken by their files, musl variants to install.
    public var findings: [Finding]
    /// Wheels read, sorted by path.
    public var wheels: [WheelSummary]
    public var requirements: Requirements

    /// True when nothing at all could be read: the exit code is then 2.
    public var nothingReadable: Bool {
        filesExamined == 0 && !warnings.isEmpty
    }
}
