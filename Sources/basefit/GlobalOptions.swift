import ArgumentParser

/// Flags every command takes.
struct GlobalOptions: ParsableArguments {
    @Flag(name: .long, help: "Print no warnings on stderr.")
    var quiet = false

    @Flag(name: .long, help: "Print more detail on stderr.")
    var verbose = false

    @Option(name: .long, help: "Use this catalog database instead of the embedded one (catalog import writes here).")
    var catalog: String?

    func validate() throws {
        if quiet && verbose {
            throw ValidationError("--quiet and --verbose cannot be used together.")
        }
    }
}
