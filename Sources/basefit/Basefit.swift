import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The root command. `main` maps argument errors to exit code 2, as the
/// contract says (ArgumentParser's own default would be 64).
@main
struct Basefit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "basefit",
        abstract: "Find the smallest container base image this project's native code will load on.",
        version: "0.1.0",
        subcommands: [ScanCommand.self, RecommendCommand.self, CheckCommand.self, CatalogCommand.self]
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .success {
                exit(withError: error)  // --help, --version: printed to stdout, exit 0
            }
            Output.error(fullMessage(for: error))
            Glibc.exit(ExitCodes.usage.rawValue)
        }
    }
}

/// Exit codes of the command-line contract.
enum ExitCodes {
    static let ok = ExitCode(0)
    static let incompatible = ExitCode(1)
    static let usage = ExitCode(2)
}
