import Foundation
import Synchronization

/// A Docker credential helper (`docker-credential-<name>`, named by `credsStore` or
/// `credHelpers` in a Docker or containers auth file), asked as docker asks it: `get` with the
/// server URL on standard input, a JSON `{"ServerURL","Username","Secret"}` on standard output.
/// The helper is the user's own program on PATH, never a file basefit scans.
struct CredentialHelper {
    let name: String

    /// The helper's answer for `server`, or nil when it has none, is not installed, fails, or
    /// answers with an identity token (`Username` `<token>`: an OAuth refresh token basefit
    /// does not exchange), or does not finish within `timeout` seconds.
    /// Asked once per process and server: one check asks for the same registry several times.
    func credentials(server: String, origin: String, environment: [String: String], timeout: TimeInterval = 30) -> RegistryCredentials? {
        let key = "\(name)\u{0}\(server)\u{0}\(origin)"
        if let known = Self.answers.withLock({ $0[key] }) { return known }
        let answer = ask(server: server, origin: origin, environment: environment, timeout: timeout)
        Self.answers.withLock { $0[key] = .some(answer) }
        return answer
    }

    private static let answers = Mutex<[String: RegistryCredentials?]>([:])

    private func ask(server: String, origin: String, environment: [String: String], timeout: TimeInterval) -> RegistryCredentials? {
        guard !name.isEmpty, !name.contains("/"), let program = Self.find("docker-credential-" + name, environment: environment) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = ["get"]
        process.environment = environment
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            return nil
        }
        input.fileHandleForWriting.write(Data(server.utf8))
        try? input.fileHandleForWriting.close()
        let answer = output.fileHandleForReading.readDataToEndOfFile()
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            return nil
        }
        guard process.terminationStatus == 0,
              let reply = try? JSONDecoder().decode(Reply.self, from: answer),
              !reply.Username.isEmpty, reply.Username != "<token>" else { return nil }
        return RegistryCredentials(user: reply.Username, password: reply.Secret, origin: "\(origin) (credential helper docker-credential-\(name))")
    }

    private struct Reply: Decodable {
        var Username: String
        var Secret: String
    }

    private static func find(_ program: String, environment: [String: String]) -> String? {
        for directory in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let path = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
