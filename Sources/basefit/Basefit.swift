import ArgumentParser
import ImageCatalog
import Reporting
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The root command. `main` is the one error path: every command throws, and this
/// maps what it threw to one message on stderr and the contract's exit code
/// (argument errors are 2, not ArgumentParser's 64).
@main
struct Basefit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "basefit",
        abstract: "Find the smallest container base image this project's native code will load on.",
        subcommands: [ScanCommand.self, RecommendCommand.self, CheckCommand.self, CatalogCommand.self, CacheCommand.self]
    )

    /// The release version (scripts/release.sh names the tarball after it).
    static let version = "0.1.0"

    @Flag(name: .long, help: "Print the version, the built-in catalog's snapshot date and the schema versions.")
    var version = false

    /// Only `--version` reaches here: with no subcommand basefit prints its help.
    mutating func run() throws {
        guard version else { throw CleanExit.helpRequest(self) }
        let snapshot = try CatalogSnapshot.embedded()
        var text = "basefit \(Self.version)\n"
        text += "catalog: built in, snapshot \(snapshot.date?.description ?? "undated"), \(snapshot.imageCount) images, data digest \(snapshot.digest)\n"
        text += "schema: catalog database \(CatalogDatabase.schemaMigrations.last ?? "none"), JSON output \(OutputSchema.version)\n"
        Output.standard(text)
    }

    static func main() {
        // The Swift runtime on Linux reads the arguments from /proc/self/cmdline; without
        // /proc (a bare chroot) it sees none, not even argv[0]. Refuse rather than print the
        // help and exit 0, which a CI gate would take for success.
        guard !CommandLine.arguments.isEmpty else {
            Output.error("cannot read the command line: /proc is not mounted here (the Swift runtime reads the arguments from /proc/self/cmdline); mount proc, e.g. `mount -t proc proc /proc` in a chroot")
            Glibc.exit(ExitCodes.usage.rawValue)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch let error as CLIError {
            if let message = error.message { Output.error(message) }
            Glibc.exit(error.code.rawValue)
        } catch let error as any Error & CustomStringConvertible where isLibraryError(error) {
            Output.error(error.description)
            Glibc.exit(ExitCodes.usage.rawValue)
        } catch {
            if exitCode(for: error) == .success {
                exit(withError: error)  // --help, --version: printed to stdout, exit 0
            }
            Output.error(argumentMessage(for: error))
            Glibc.exit(ExitCodes.usage.rawValue)
        }
    }

    /// ArgumentParser's message without its own "Error: " prefix (ours says it).
    static func argumentMessage(for error: any Error) -> String {
        var text = fullMessage(for: error)
        if text.hasPrefix("Error: ") { text.removeFirst("Error: ".count) }
        return text
    }

    /// Errors the libraries throw (typed, with context) as opposed to ArgumentParser's.
    static func isLibraryError(_ error: any Error) -> Bool {
        String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") == false
    }
}

/// Exit codes of the command-line contract.
enum ExitCodes {
    static let ok = ExitCode(0)
    static let incompatible = ExitCode(1)
    static let usage = ExitCode(2)
    /// Something that may be native code was not judged: no verdict can be vouched for.
    static let inconclusive = ExitCode(2)
}

/// A failure the command wants told in its own words, with its exit code.
struct CLIError: Error {
    var message: String?
    var code: ExitCode

    /// Unusable input: exit 2.
    static func usage(_ message: String) -> CLIError { CLIError(message: message, code: ExitCodes.usage) }

    /// Something that may be native code was not judged: exit 2.
    static func inconclusive(_ message: String) -> CLIError { CLIError(message: message, code: ExitCodes.inconclusive) }
}
