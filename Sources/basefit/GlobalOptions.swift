import ArgumentParser
import Domain
import Registry

/// Flags every command takes.
struct GlobalOptions: ParsableArguments {
    @Flag(name: .long, help: "Print no warnings on stderr.")
    var quiet = false

    @Flag(name: .long, help: "Print more detail on stderr.")
    var verbose = false

    @Option(name: .long, help: ArgumentHelp(
        "Your catalog, extending the built-in one: a database PATH (catalog import writes there) or docker://REGISTRY/REPO:TAG, a catalog that catalog push published.",
        valueName: "path|docker://ref"))
    var catalog: String?

    func validate() throws {
        if quiet && verbose {
            throw ValidationError("--quiet and --verbose cannot be used together.")
        }
        if let catalog {
            do {
                _ = try Self.catalogReference(catalog)
            } catch {
                throw ValidationError("--catalog \(error.description)")
            }
        }
    }

    /// `--catalog docker://REF` as a registry reference; nil for a PATH.
    static func catalogReference(_ text: String) throws(RegistryError) -> ImageReference? {
        guard text.hasPrefix("docker://") else { return nil }
        guard case .registry(let reference) = try ImageLocation(parsing: text) else { return nil }
        return reference
    }

    /// `--catalog` when it is a database PATH (not a docker:// reference).
    var catalogPath: String? {
        catalog.flatMap { $0.hasPrefix("docker://") ? nil : $0 }
    }
}
