import Domain
import ELFInspection

/// One ELF file found by a scan: where it is, as the user will recognise it, and its facts.
public struct Artifact: Sendable, Hashable {
    /// The path as given on the command line joined with the path inside it
    /// (archive members, later, as `archive.whl!/member/path`).
    public var path: String
    public var facts: BinaryFacts
    /// NEEDED sonames the scanned tree itself provides: soname → path of the provider.
    public var bundled: [String: String] = [:]
    /// NEEDED sonames the image must provide (the libc's own sonames excluded).
    /// Until resolution runs, every non-libc NEEDED entry.
    public var external: [String]
    /// Names of the tree's libraries in the directories of this file's own DT_RPATH (it has no
    /// DT_RUNPATH): what a library it loads from the image finds there (`LibraryResolver`).
    public var rpathLibraries: [String] = []
    /// Libraries the loader takes from the tree for this file and refuses (`LibraryResolver`).
    public var libraryFailures: [LibraryFailure] = []
    /// What a library it loads from the image meets first in its DT_RPATH directories and cannot load.
    public var rpathRefusals: [LibraryFailure] = []
    /// The tree's copies (that define versions) of what it and the libraries it loads from the image are given.
    public var projectCopies: [ProjectLibraryCopy] = []
    /// The npm or PyPI package the file belongs to, when known.
    public var origin: PackageOrigin?
    /// Node.js addon facts (for `.node` files).
    public var nodeAddon: NodeAddon?
    /// CPython extension facts (from the file name suffix).
    public var pythonExtension: PythonExtension?
    /// True when the project also ships this package built for the other libc,
    /// so this file does not force its libc on the image.
    public var hasOtherLibcVariant = false
    /// The runtime whose process loads this file: Node for an addon, CPython for an extension
    /// module, and either for the project's libraries those load (`HostedFiles`). nil for a
    /// program and what only programs load.
    public var host: RuntimeKind?

    public init(path: String, facts: BinaryFacts) {
        self.path = path
        self.facts = facts
        self.external = facts.needed.filter { !LibcNames.isLibc($0) }
    }
}

extension Artifact {
    /// Takes what `LibraryResolver` settled for this file.
    mutating func apply(_ resolution: Resolution) {
        bundled = resolution.bundled
        external = resolution.external
        rpathLibraries = resolution.rpathLibraries
        libraryFailures = resolution.failures
        rpathRefusals = resolution.rpathRefusals
        projectCopies = resolution.projectCopies
    }
}
