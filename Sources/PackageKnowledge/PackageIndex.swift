/// Every package of one release and architecture that matters for shared libraries: the packages
/// that ship them and everything their dependencies reach.
public struct PackageIndex: Sendable {
    public let release: String
    public let architecture: String
    /// Where the data came from (URLs, date).
    public let source: String
    public let packages: [String: PackageRecord]
    /// Virtual name → real packages that provide it, in name order.
    public let providers: [String: [String]]
    /// Library file name (`libssl.so.3`) → packages that ship it, in name order.
    public let libraryOwners: [String: [String]]

    public init(release: String, architecture: String, source: String, packages: [PackageRecord]) {
        self.release = release
        self.architecture = architecture
        self.source = source
        var byName: [String: PackageRecord] = [:]
        var providers: [String: [String]] = [:]
        var owners: [String: [String]] = [:]
        for package in packages.sorted(by: { $0.name < $1.name }) {
            byName[package.name] = package
            for virtual in package.provides { providers[virtual, default: []].append(package.name) }
            for library in Set(package.libraries.map(\.name)).sorted() { owners[library, default: []].append(package.name) }
        }
        self.packages = byName
        self.providers = providers
        self.libraryOwners = owners
    }

    /// Packages shipping a library with this file name.
    public func owners(of soname: String) -> [PackageRecord] {
        (libraryOwners[soname] ?? []).compactMap { packages[$0] }
    }

    /// Installed names plus the virtual names they provide.
    func satisfiedNames(_ installed: Set<String>) -> Set<String> {
        var names = installed
        for name in installed { names.formUnion(packages[name]?.provides ?? []) }
        return names
    }
}
