import Foundation
import TestSupport

/// tests' loopback HTTP server (fault_server.py): started per suite, killed at the end.
final class FaultServer: @unchecked Sendable {
    let server: ScriptServer
    let port: Int
    let bodySHA256: String
    static let bodySize = 300_000

    var base: String { "http://127.0.0.1:\(port)" }

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("fault_server.py").path
        server = try ScriptServer(script: script, lines: 2)
        port = try server.port()
        bodySHA256 = server.lines[1]
    }
}
