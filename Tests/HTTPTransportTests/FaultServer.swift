import Foundation
import TestSupport

/// tests' loopback HTTP server (fault_server.py): started per suite, killed at the end.
final class FaultServer: @unchecked Sendable {
    let process = Process()
    let port: Int
    let bodySHA256: String
    static let bodySize = 300_000

    var base: String { "http://127.0.0.1:\(port)" }

    init() throws {
        guard let python = Run.which("python3") else { throw CancellationError() }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("fault_server.py").path
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while text.split(separator: "\n").count < 2 {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.count >= 2, let port = Int(lines[0]) else {
            process.terminate()
            throw CocoaError(.fileReadCorruptFile)
        }
        self.port = port
        bodySHA256 = lines[1]
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
