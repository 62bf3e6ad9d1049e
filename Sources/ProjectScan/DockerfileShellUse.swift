import Domain

/// An instruction of the judged stage (or a stage it is built `FROM`) that runs a shell in the
/// image: every `RUN` (the build runs `/bin/sh -c`, or a program the image must have), and a
/// `CMD`/`ENTRYPOINT` in shell form or exec form through `sh -c`. An image without a shell
/// (distroless, scratch, Chainguard's runtime images) fails the build, or the container at start.
public struct DockerfileShellUse: Sendable, Hashable {
    public enum When: String, Sendable, Hashable {
        /// `RUN`: the build fails.
        case build
        /// The final `CMD`/`ENTRYPOINT`: the container fails to start.
        case start
    }

    /// 1-based line of the instruction.
    public var line: Int
    /// The instruction, shortened for messages (`RUN apt-get update && apt-get install -y curl`).
    public var instruction: String
    public var when: When
    /// The package managers a `RUN` calls (`apt-get install …` → apt): the image must have them.
    public var packageManagers: [PackageManager] = []

    public init(line: Int, instruction: String, when: When, packageManagers: [PackageManager] = []) {
        self.line = line
        self.instruction = instruction
        self.when = when
        self.packageManagers = packageManagers
    }

    static let managers: [String: PackageManager] = ["apt-get": .apt, "apt": .apt, "apk": .apk, "dnf": .dnf, "microdnf": .microdnf, "yum": .yum]

    /// The package managers the commands of a `RUN` (and its here-documents) call.
    static func packageManagers(in instruction: String, bodies: [String]) -> [PackageManager] {
        var found: [PackageManager] = []
        let script = String(instruction.drop { !Dockerfile.isSeparator($0) }.drop(while: Dockerfile.isSeparator))
        // Exec form: the program and its arguments, or a shell given its script.
        var commands: [[String]] = []
        if script.hasPrefix("["), let array = try? JSONDecoderArray.strings(script) {
            commands = array.count >= 3 && shells.contains(array[0]) && array[1].hasPrefix("-") ? ShellCommands.split(array[2]) : [array]
        } else {
            commands = ShellCommands.split(script)
        }
        for command in commands + bodies.flatMap(ShellCommands.split) {
            let program = command.first { word in
                !(word.contains("=") && !word.hasPrefix("-")) && !["sudo", "env", "exec", "time", "nice", "["].contains(word)
            }
            guard let program, let manager = managers[String(program.split(separator: "/").last ?? "")] else { continue }
            if !found.contains(manager) { found.append(manager) }
        }
        return found
    }

    static let shells: Set<String> = ["sh", "bash", "ash", "dash", "/bin/sh", "/bin/bash", "/bin/ash", "/bin/dash", "/usr/bin/bash", "/busybox/sh"]

    /// `RUN …`, `CMD …` or `ENTRYPOINT …` at `line`, when it needs a shell (nil otherwise).
    static func of(_ instruction: String, keyword: String, line: Int, bodies: [String] = []) -> DockerfileShellUse? {
        let short = instruction.count > 80 ? String(instruction.prefix(77)) + "…" : instruction
        if keyword == "RUN" {
            return DockerfileShellUse(line: line, instruction: short, when: .build, packageManagers: packageManagers(in: instruction, bodies: bodies))
        }
        guard keyword == "CMD" || keyword == "ENTRYPOINT" else { return nil }
        let rest = instruction.drop { !Dockerfile.isSeparator($0) }.drop(while: Dockerfile.isSeparator)
        if rest.hasPrefix("[") {
            guard let array = try? JSONDecoderArray.strings(String(rest)), let program = array.first, shells.contains(program) else { return nil }
        } else if rest.isEmpty {
            return nil
        }
        return DockerfileShellUse(line: line, instruction: short, when: .start)
    }
}
