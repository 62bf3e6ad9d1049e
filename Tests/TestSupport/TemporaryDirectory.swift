import Foundation

/// Fresh directories for tests that write files.
public enum TemporaryDirectory {
    /// A new empty directory under the system's temporary directory, `basefit-<label>-<8 characters>`;
    /// the caller removes it (`defer { try? FileManager.default.removeItem(at: directory) }`).
    public static func make(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
