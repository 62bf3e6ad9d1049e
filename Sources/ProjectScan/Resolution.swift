import ELFInspection

/// How one NEEDED entry of one artifact was settled.
public struct Resolution: Sendable, Hashable {
    /// soname → path of the artifact inside the scanned tree that the loader would use.
    public var bundled: [String: String]
    /// Sonames the tree does not provide: the image must (libc's own sonames excluded).
    public var external: [String]
    /// Names of the tree's libraries (compatible ELF files, or links to them) in the directories
    /// of the object's DT_RPATH, when it has no DT_RUNPATH: a library the object loads from the
    /// image searches them too for what it needs, unless it has a DT_RUNPATH of its own.
    public var rpathLibraries: [String]
    /// Libraries the loader takes from the tree and refuses: a file it cannot load found first
    /// under a NEEDED name, or a version the tree's copy does not define.
    public var failures: [LibraryFailure] = []
    /// What a library without a DT_RUNPATH that the object loads from the image meets first in
    /// the object's DT_RPATH directories and cannot load, by name.
    public var rpathRefusals: [LibraryFailure] = []
    /// The tree's copies, with their version definitions, of the names in `bundled` and
    /// `rpathLibraries` (copies that define versions only).
    public var projectCopies: [ProjectLibraryCopy] = []
}
