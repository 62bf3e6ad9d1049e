import Foundation
import POSIXFiles
#if canImport(Glibc)
import Glibc
#endif

/// The fields of an npm `package.json` basefit reads. Unknown shapes are ignored:
/// a malformed manifest leaves the fields nil and yields a warning, never a crash.
struct PackageJSON: Sendable {
    var name: String?
    var version: String?
    var os: [String]?
    var cpu: [String]?
    var libc: [String]?
    var configGlibc: String?
    var configMusl: String?
    var enginesNode: String?
    var optionalDependencies: [String]

    /// Manifests larger than this are not parsed (real ones are a few KB).
    static let sizeLimit = 8 * 1024 * 1024

    enum LoadError: Error {
        case unreadable(String)
        case malformed(String)
    }

    /// One open, one fstat, one bounded read (no ownership or xattr look-ups).
    static func load(fileSystemPath: String) throws(LoadError) -> PackageJSON {
        do {
            let file = try OpenFile(fileSystemPath, .readNoFollow)
            let status = try file.status()
            guard status.kind == .regular else { throw LoadError.unreadable("not a regular file") }
            guard status.size <= sizeLimit else { throw LoadError.malformed("larger than \(sizeLimit) bytes; not parsed") }
            return try parse(Data(try file.read(count: Int(status.size), at: 0)))
        } catch let error as FileError {
            throw .unreadable("cannot read: \(error.reason)")
        } catch let error as LoadError {
            throw error
        } catch {
            throw .unreadable("\(error)")
        }
    }

    static func parse(_ data: Data) throws(LoadError) -> PackageJSON {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw .malformed("not valid JSON")
        }
        guard let root = object as? [String: Any] else { throw .malformed("not a JSON object") }
        func strings(_ value: Any?) -> [String]? {
            if let list = value as? [Any] { return list.compactMap { $0 as? String } }
            if let single = value as? String { return [single] }
            return nil
        }
        let config = root["config"] as? [String: Any]
        let engines = root["engines"] as? [String: Any]
        var optional = Array((root["optionalDependencies"] as? [String: Any])?.keys ?? [:].keys)
        optional.sort()
        return PackageJSON(
            name: root["name"] as? String, version: root["version"] as? String,
            os: strings(root["os"]), cpu: strings(root["cpu"]), libc: strings(root["libc"]),
            configGlibc: config?["glibc"] as? String, configMusl: config?["musl"] as? String,
            enginesNode: engines?["node"] as? String, optionalDependencies: optional)
    }
}
