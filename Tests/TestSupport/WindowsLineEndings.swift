import Foundation

/// Copies of text fixtures as an editor on Windows saves them ("\r\n" after every line),
/// beside unchanged copies under the same names, so that a test can read both and
/// compare what it got, with the directory the only difference.
public struct WindowsLineEndings {
    public let root: URL
    public var unix: URL { root.appendingPathComponent("lf") }
    public var windows: URL { root.appendingPathComponent("crlf") }

    public init(copying files: [String]) throws {
        root = try TemporaryDirectory.make("crlf")
        for directory in [unix, windows] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            precondition(!text.contains("\r"), "\(file) already has carriage returns")
            let name = URL(fileURLWithPath: file).lastPathComponent
            try Data(text.utf8).write(to: unix.appendingPathComponent(name))
            try Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8).write(to: windows.appendingPathComponent(name))
        }
    }

    /// `value` as JSON with the Windows copy's directory named as the Unix copy's.
    public func comparable<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
            .replacingOccurrences(of: windows.path, with: unix.path)
    }

    public func remove() { try? FileManager.default.removeItem(at: root) }
}
