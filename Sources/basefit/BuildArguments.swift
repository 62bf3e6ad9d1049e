import ArgumentParser
import Foundation

/// `--build-arg NAME=VALUE` as `docker build` takes it: the value an ARG has in the build.
/// `--build-arg NAME` alone takes the value from the environment, as docker does (and, as
/// there, leaves the ARG's default when the environment has none).
enum BuildArguments {
    static let help = ArgumentHelp(
        "With --dockerfile: give an ARG the value the build gives it, as docker build --build-arg does (repeatable; NAME alone takes it from the environment).",
        valueName: "NAME=VALUE")

    static func parse(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [String: String] {
        var values: [String: String] = [:]
        for argument in arguments {
            let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard let first = name.first, first == "_" || (first.isASCII && first.isLetter),
                  name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) else {
                throw ValidationError("--build-arg \(argument): expected NAME=VALUE with NAME an ARG name (letters, digits, _)")
            }
            if parts.count == 2 {
                values[name] = String(parts[1])
            } else if let value = environment[name] {
                values[name] = value
            }
        }
        return values
    }
}
