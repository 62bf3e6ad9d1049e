import ELFInspection

/// What one ELF file of the project asks of an image: the part of its facts the
/// advisor judges, with everything the project bundles already taken out.
public struct FileNeeds: Sendable, Hashable, Codable {
    public var path: String
    public var architecture: Architecture
    public var libc: LibcFamily
    public var linkage: Linkage
    /// PT_INTERP, the loader the file names.
    public var interpreter: String?
    /// The project also ships this package built for the other libc: this file binds
    /// the image only when the image has the file's own libc.
    public var hasOtherLibcVariant: Bool
    /// One of several platform builds a loader picks from at run time
    /// (`prebuilds/<platform>/…`): a build for another architecture is not required.
    public var platformAlternative: Bool
    /// The npm/PyPI package the file belongs to, when known (groups alternatives).
    public var package: String?
    /// Versions needed from libraries the image must provide (bundled ones removed).
    public var versionNeeds: [LibraryVersionNeeds]
    /// NEEDED sonames the image must provide, the libc's own excluded.
    public var external: [String]
    /// The libc's own sonames the file NEEDs (`libdl.so.2` …): most images have all
    /// of them, busybox's glibc variant does not.
    public var libcSonames: [String]
    public var x86ISALevel: Int?
    /// Files beyond libraries it reads at run time (CA certificates, tzdata, passwd).
    public var systemFiles: [SystemFileUse]
    /// A shared library (not a program) that asks for an executable stack: what dlopen
    /// refuses from glibc 2.41 on. Serialised only when true.
    public var executableStack: Bool
    /// Functions a newer musl added that this musl-linked file calls (`MuslSymbols`): an older
    /// musl's loader refuses it. Serialised only when there are some.
    public var muslSymbols: [String]
    /// Node-API functions this addon calls (`napi_*`, `node_api_*`): an image's Node that does
    /// not export one of them cannot run it. Serialised only when there are some.
    public var nodeAPIFunctions: [String]
    /// NEEDED sonames the project provides to this file (found through its own search paths):
    /// loaded before anything a library it loads from the image asks for, so such a library
    /// finds them already loaded. Serialised only when there are some.
    public var loadedFromProject: [String]
    /// The project's libraries in the directories of this file's own DT_RPATH (it has no
    /// DT_RUNPATH): a library it loads from the image searches them too, unless that library
    /// has a DT_RUNPATH (`hasRunpath`). Serialised only when there are some.
    public var rpathLibraries: [String]
    /// The file has a DT_RUNPATH, so it does not search the DT_RPATH of what loaded it.
    /// Serialised only when true.
    public var hasRunpath: Bool
    /// Libraries the loader takes from the project for this file and refuses, whatever the
    /// image: a file under the name that is not a loadable library, a version the project's copy
    /// does not define. Serialised only when there are some.
    public var libraryFailures: [LibraryFailure]
    /// What a library without a DT_RUNPATH that this file loads from the image meets first in this
    /// file's DT_RPATH directories and cannot load (an empty `libgcc_s.so.1` in the app's `lib/`
    /// stops the image's `libstdc++.so.6`). Serialised only when there are some.
    public var rpathRefusals: [LibraryFailure]
    /// The project's copies of the names in `loadedFromProject` and `rpathLibraries`, with the
    /// versions they define (copies that define none are not listed): a library this file loads
    /// from the image is held to them. Serialised only when there are some.
    public var projectCopies: [ProjectLibraryCopy]
    /// The project's libraries this file is given whose names a runtime's process may have loaded
    /// from the image before it (the file is an addon or extension module, or a library one
    /// loads), with the versions the file needs of them (`HostedLibrary`). Serialised only when
    /// there are some.
    public var hostedLibraries: [HostedLibrary]
    /// Set only for a file with DF_1_NODEFLIB: glibc then searches neither /etc/ld.so.cache nor
    /// the default directories for its NEEDED names, so the image serves them only from these
    /// directories (the absolute entries of its DT_RUNPATH, else DT_RPATH) or as a library
    /// already loaded. nil for every other file. Serialised only when set.
    public var imageSearchDirectories: [String]?

    public init(_ artifact: Artifact) {
        let facts = artifact.facts
        path = artifact.path
        architecture = facts.architecture
        libc = facts.libc
        linkage = facts.linkage
        interpreter = facts.interpreter
        hasOtherLibcVariant = artifact.hasOtherLibcVariant
        // A prebuild is one platform's alternative only when it is built for the platform its
        // directory names; a mislabeled one is what node-gyp-build loads there.
        platformAlternative = artifact.nodeAddon.map { $0.prebuildPlatform != nil && $0.mislabeledFor == nil } ?? false
        package = artifact.origin.map { "\($0.ecosystem.rawValue):\($0.name)" }
        versionNeeds = facts.versionNeeds.filter { need in
            artifact.bundled[need.library] == nil && !artifact.libraryFailures.contains { $0.library == need.library }
        }
        // Packed relocations ask for glibc 2.36 even where the linker wrote no GLIBC_ABI_DT_RELR
        // (it does so only for a file that needs libc.so.6): an older glibc ignores DT_RELR and
        // the file crashes on its first relocated pointer.
        let marker = SymbolVersion("GLIBC_ABI_DT_RELR")
        if facts.packedRelocations, facts.libc != .musl, !facts.versionNeeds.contains(where: { $0.versions.contains { $0.version == marker } }) {
            versionNeeds.append(LibraryVersionNeeds(library: "libc.so.6", versions: [VersionNeed(version: marker, weak: false, symbols: [])]))
        }
        external = artifact.external
        libcSonames = facts.needed.filter(LibcNames.isLibc)
        x86ISALevel = facts.x86ISALevel
        systemFiles = facts.systemFiles
        // A library, not a program: a PIE program says so with DF_1_PIE (a library may carry a
        // PT_INTERP to be runnable too, as libc.so.6 does, and is still dlopened).
        executableStack = facts.executableStack && facts.fileType == .sharedObject && !facts.flags1.contains("PIE") && facts.linkage == .dynamic
        muslSymbols = facts.muslSymbols
        nodeAPIFunctions = facts.nodeAPIFunctions
        loadedFromProject = artifact.bundled.keys.sorted()
        rpathLibraries = artifact.rpathLibraries
        hasRunpath = facts.runpath != nil
        libraryFailures = artifact.libraryFailures
        rpathRefusals = artifact.rpathRefusals
        projectCopies = artifact.projectCopies
        hostedLibraries = artifact.host.map { host in
            facts.versionNeeds.compactMap { need in
                guard !need.versions.isEmpty, let path = artifact.bundled[need.library] else { return nil }
                return HostedLibrary(host: host, library: need.library, path: path, versions: need.versions)
            }
        } ?? []
        if facts.flags1.contains("NODEFLIB") {
            // `$ORIGIN` entries are the project's, settled by the scan; a relative one is the
            // working directory's, which no image is known to make one of its directories.
            let list = facts.runpath ?? facts.rpath ?? ""
            imageSearchDirectories = list.split(separator: ":").map(String.init).filter { $0.hasPrefix("/") }
        }
    }

    enum CodingKeys: String, CodingKey {
        case path, architecture, libc, linkage, interpreter, hasOtherLibcVariant, platformAlternative, package
        case versionNeeds, external, libcSonames, x86ISALevel, systemFiles, executableStack, muslSymbols, nodeAPIFunctions
        case loadedFromProject, rpathLibraries, hasRunpath, libraryFailures, rpathRefusals, projectCopies
        case hostedLibraries, imageSearchDirectories
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode(String.self, forKey: .path)
        architecture = try container.decode(Architecture.self, forKey: .architecture)
        libc = try container.decode(LibcFamily.self, forKey: .libc)
        linkage = try container.decode(Linkage.self, forKey: .linkage)
        interpreter = try container.decodeIfPresent(String.self, forKey: .interpreter)
        hasOtherLibcVariant = try container.decodeIfPresent(Bool.self, forKey: .hasOtherLibcVariant) ?? false
        platformAlternative = try container.decodeIfPresent(Bool.self, forKey: .platformAlternative) ?? false
        package = try container.decodeIfPresent(String.self, forKey: .package)
        versionNeeds = try container.decodeIfPresent([LibraryVersionNeeds].self, forKey: .versionNeeds) ?? []
        external = try container.decodeIfPresent([String].self, forKey: .external) ?? []
        libcSonames = try container.decodeIfPresent([String].self, forKey: .libcSonames) ?? []
        x86ISALevel = try container.decodeIfPresent(Int.self, forKey: .x86ISALevel)
        systemFiles = try container.decodeIfPresent([SystemFileUse].self, forKey: .systemFiles) ?? []
        executableStack = try container.decodeIfPresent(Bool.self, forKey: .executableStack) ?? false
        muslSymbols = try container.decodeIfPresent([String].self, forKey: .muslSymbols) ?? []
        nodeAPIFunctions = try container.decodeIfPresent([String].self, forKey: .nodeAPIFunctions) ?? []
        loadedFromProject = try container.decodeIfPresent([String].self, forKey: .loadedFromProject) ?? []
        rpathLibraries = try container.decodeIfPresent([String].self, forKey: .rpathLibraries) ?? []
        hasRunpath = try container.decodeIfPresent(Bool.self, forKey: .hasRunpath) ?? false
        libraryFailures = try container.decodeIfPresent([LibraryFailure].self, forKey: .libraryFailures) ?? []
        rpathRefusals = try container.decodeIfPresent([LibraryFailure].self, forKey: .rpathRefusals) ?? []
        projectCopies = try container.decodeIfPresent([ProjectLibraryCopy].self, forKey: .projectCopies) ?? []
        hostedLibraries = try container.decodeIfPresent([HostedLibrary].self, forKey: .hostedLibraries) ?? []
        imageSearchDirectories = try container.decodeIfPresent([String].self, forKey: .imageSearchDirectories)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(architecture, forKey: .architecture)
        try container.encode(libc, forKey: .libc)
        try container.encode(linkage, forKey: .linkage)
        try container.encodeIfPresent(interpreter, forKey: .interpreter)
        try container.encode(hasOtherLibcVariant, forKey: .hasOtherLibcVariant)
        try container.encode(platformAlternative, forKey: .platformAlternative)
        try container.encodeIfPresent(package, forKey: .package)
        try container.encode(versionNeeds, forKey: .versionNeeds)
        try container.encode(external, forKey: .external)
        try container.encode(libcSonames, forKey: .libcSonames)
        try container.encodeIfPresent(x86ISALevel, forKey: .x86ISALevel)
        try container.encode(systemFiles, forKey: .systemFiles)
        // Absent when false, so files written before it existed keep their digest.
        if executableStack { try container.encode(true, forKey: .executableStack) }
        if !muslSymbols.isEmpty { try container.encode(muslSymbols, forKey: .muslSymbols) }
        if !nodeAPIFunctions.isEmpty { try container.encode(nodeAPIFunctions, forKey: .nodeAPIFunctions) }
        if !loadedFromProject.isEmpty { try container.encode(loadedFromProject, forKey: .loadedFromProject) }
        if !rpathLibraries.isEmpty { try container.encode(rpathLibraries, forKey: .rpathLibraries) }
        if hasRunpath { try container.encode(true, forKey: .hasRunpath) }
        if !libraryFailures.isEmpty { try container.encode(libraryFailures, forKey: .libraryFailures) }
        if !rpathRefusals.isEmpty { try container.encode(rpathRefusals, forKey: .rpathRefusals) }
        if !projectCopies.isEmpty { try container.encode(projectCopies, forKey: .projectCopies) }
        if !hostedLibraries.isEmpty { try container.encode(hostedLibraries, forKey: .hostedLibraries) }
        try container.encodeIfPresent(imageSearchDirectories, forKey: .imageSearchDirectories)
    }

    /// The libc this file binds an image to (a file shipped in both flavours binds none).
    public var bindingLibc: LibcFamily { hasOtherLibcVariant ? .either : libc }

    /// Highest version per family among the image-provided needs.
    public var minimum: [String: MinimumVersion] { ELFInspector.minimumVersions(versionNeeds) }

    /// False for object files, which are never loaded by themselves.
    public var isLoadable: Bool { linkage != .relocatable }
}
