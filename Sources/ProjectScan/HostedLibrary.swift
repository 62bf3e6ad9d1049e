import Domain
import ELFInspection

/// A library the project gives a file that a runtime's process loads (a Node.js addon, a CPython
/// extension module, or a project library one of them loads), with the versions the file needs
/// from it. If that process has already loaded a library of the same name from the image (node
/// links libstdc++.so.6, Debian's python3 libz.so.1), glibc matches the name to that one and
/// never opens the project's copy: the versions are then held to the image's copy.
public struct HostedLibrary: Sendable, Hashable, Codable {
    /// The runtime whose process loads the file.
    public var host: RuntimeKind
    /// The NEEDED name.
    public var library: String
    /// The project's copy the scan found under it (display path).
    public var path: String
    /// What the file needs of it.
    public var versions: [VersionNeed]

    public init(host: RuntimeKind, library: String, path: String, versions: [VersionNeed]) {
        self.host = host
        self.library = library
        self.path = path
        self.versions = versions
    }

    /// The needs as the advisor holds them to a library.
    public var versionNeeds: LibraryVersionNeeds { LibraryVersionNeeds(library: library, versions: versions) }
}
