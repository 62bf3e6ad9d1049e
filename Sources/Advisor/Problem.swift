import Domain

/// One reason an image does not fit, naming the artifact, the library, the
/// version and the symbol wherever they are known.
public struct Problem: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case architecture
        case libcConflict = "libc-conflict"
        case libcMismatch = "libc-mismatch"
        case noLibc = "no-libc"
        case glibcTooOld = "glibc-too-old"
        /// A musl-linked file calls a function the image's older musl does not export.
        case muslTooOld = "musl-too-old"
        case versionTooOld = "version-too-old"
        case missingLibrary = "missing-library"
        case runtimeMissing = "runtime-missing"
        case runtimeMismatch = "runtime-mismatch"
        case libnodeAddon = "libnode-addon"
        /// An addon calls Node-API functions the image's Node does not export (judged where the Node was read).
        case nodeAPIMissing = "node-api-missing"
        /// A program reads a file the image lacks (CA certificates, tzdata, passwd).
        case missingFile = "missing-file"
        /// A locked package has no build for the image and nothing builds it (lockfile input).
        case lockedNoBuild = "locked-no-build"
        /// A locked package has no prebuilt build for the image: it compiles at install time.
        case lockedBuildsFromSource = "locked-builds-from-source"
        /// A shared library asks for an executable stack, which glibc 2.41 and later refuse at dlopen.
        case executableStack = "executable-stack"
        /// A program names a loader (PT_INTERP) at a path other than the psABI's.
        case interpreterMissing = "interpreter-missing"
        /// A file needs glibc's internal GLIBC_PRIVATE interface (a copy of glibc's own libraries shipped with the project).
        case glibcPrivate = "glibc-private"
        /// The loader finds a file of the project under a NEEDED name that it cannot load (a Git
        /// LFS pointer, an empty file, an object file …) and stops there, whatever the image has.
        case unusableLibrary = "unusable-library"
        /// The Dockerfile runs commands in the stage (`RUN`, a shell-form `CMD`), and the image has no shell.
        case noShell = "no-shell"
        /// The Dockerfile's `RUN` calls a package manager the image does not have (`apt-get` on Alpine).
        case missingPackageManager = "missing-package-manager"
        /// The Dockerfile's CMD names the runtime, which the image's ENTRYPOINT already runs (`node node index.js`).
        case entrypointConflict = "entrypoint-conflict"
    }

    public var kind: Kind
    /// The first artifact concerned (the one the message names).
    public var artifact: String?
    /// Every artifact concerned, when the message groups several ("X (and 303 more)").
    public var artifacts: [String]
    public var library: String?
    public var version: String?
    public var symbols: [String]
    public var message: String
    /// What would fix it, when an install in the image would.
    public var fix: Fix?

    public var isFixable: Bool { fix?.install != nil }

    public init(kind: Kind, artifact: String?, artifacts: [String]? = nil, library: String?, version: String?,
                symbols: [String], message: String, fix: Fix?) {
        self.kind = kind
        self.artifact = artifact
        self.artifacts = artifacts ?? artifact.map { [$0] } ?? []
        self.library = library
        self.version = version
        self.symbols = symbols
        self.message = message
        self.fix = fix
    }

    /// Lower is more fundamental; the first problem of a verdict is the one to tell.
    var severity: Int {
        switch kind {
        case .architecture: return 0
        case .libcConflict: return 1
        case .noLibc: return 2
        case .interpreterMissing: return 3
        case .libcMismatch: return 3
        case .runtimeMissing: return 4
        case .libnodeAddon: return 5
        case .runtimeMismatch: return 6
        case .nodeAPIMissing: return 6
        case .glibcTooOld: return 7
        case .muslTooOld: return 7
        case .glibcPrivate: return 7
        case .versionTooOld: return 8
        case .unusableLibrary: return 8
        case .missingLibrary: return 9
        case .executableStack: return 9
        case .missingFile: return 10
        case .noShell: return 10
        case .missingPackageManager: return 10
        case .entrypointConflict: return 10
        case .lockedNoBuild: return 5
        case .lockedBuildsFromSource: return 11
        }
    }
}

/// A way to make a problem go away.
public struct Fix: Sendable, Hashable {
    /// A package to install in the image (the problem is then *fixable*).
    public struct Install: Sendable, Hashable {
        public var manager: PackageManager
        public var package: String
        public var bytes: Int64?
        public var estimate: Bool

        public init(manager: PackageManager, package: String, bytes: Int64?, estimate: Bool) {
            self.manager = manager
            self.package = package
            self.bytes = bytes
            self.estimate = estimate
        }

        /// The command a Dockerfile would run.
        public var command: String { Self.command(manager, packages: [package]) }

        /// One command installing every package, ready to paste into a Dockerfile.
        public static func command(_ manager: PackageManager, packages: [String]) -> String {
            manager.installCommand(packages) ?? ""
        }
    }

    public var install: Install?
    /// Advice when no install fixes it (rebuild, another variant, another image).
    public var advice: String?

    public init(install: Install? = nil, advice: String? = nil) {
        self.install = install
        self.advice = advice
    }
}
