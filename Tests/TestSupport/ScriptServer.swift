import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback server the tests write in Python (the fault server, the scripted registry, the
/// simple index): started with `python3 SCRIPT ARGS…`, it announces itself in its first
/// `lines` lines of standard output (a port, then whatever else it wants the test to know).
/// Killed when the value goes away.
public final class ScriptServer: @unchecked Sendable {
    public enum Unavailable: Error, CustomStringConvertible {
        case reason(String)
        public var description: String { if case .reason(let text) = self { return text }; return "" }
    }

    /// The announced lines, in order.
    public let lines: [String]
    private let process: Process

    public init(script: String, arguments: [String] = [], lines count: Int) throws {
        guard let python = Run.which("python3") else { throw Unavailable.reason("no python3") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while text.split(separator: "\n").count < count {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.count >= count else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw Unavailable.reason("\(script) did not start: \(text.suffix(200))")
        }
        self.lines = Array(lines.prefix(count))
        self.process = process
    }

    /// The first announced line as a port number (after an optional `PORT ` prefix).
    public func port() throws -> Int {
        let text = lines[0].hasPrefix("PORT ") ? String(lines[0].dropFirst(5)) : lines[0]
        guard let port = Int(text.prefix { $0.isNumber }) else { throw Unavailable.reason("no port in \(lines[0])") }
        return port
    }

    /// A loopback TCP port nothing listens on (bound, read back, released): for a server
    /// to start on, or for a "connection refused" test.
    public static func unusedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
