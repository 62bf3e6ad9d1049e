import POSIXFiles
#if canImport(Glibc)
import Domain
import ImageCatalog
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Paths inside a root filesystem, resolved as the root's own processes would see
/// them: absolute symbolic links are taken relative to the root, and nothing
/// resolves outside it (`..` stops at the root).
struct RootPath: Sendable {
    let root: String

    /// The host path of `path` (absolute inside the root) after following every
    /// symbolic link, or nil when it does not exist or loops.
    func resolve(_ path: String) -> String? {
        var pending = path.split(separator: "/").map(String.init)
        var resolved: [String] = []
        var hops = 0
        while !pending.isEmpty {
            let component = pending.removeFirst()
            if component == "." || component.isEmpty { continue }
            if component == ".." {
                if !resolved.isEmpty { resolved.removeLast() }
                continue
            }
            let candidate = host(resolved + [component])
            guard let status = FileStatus.ofLink(candidate) else { return nil }
            if status.kind == .symbolicLink {
                hops += 1
                guard hops <= 40, let target = Self.readLink(candidate) else { return nil }
                let parts = target.split(separator: "/").map(String.init)
                if target.hasPrefix("/") { resolved = [] }
                pending = parts + pending
                continue
            }
            resolved.append(component)
        }
        return host(resolved)
    }

    /// The path inside the root of a host path under it.
    func inside(_ hostPath: String) -> String {
        let trimmed = hostPath.dropFirst(root.count)
        return trimmed.isEmpty ? "/" : String(trimmed)
    }

    func host(_ components: [String]) -> String {
        (root == "/" ? "" : root) + "/" + components.joined(separator: "/")
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func isRegularFile(_ path: String) -> Bool {
        guard let resolved = resolve(path) else { return false }
        var info = stat()
        return stat(resolved, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    func readText(_ path: String, limit: Int = 1 << 20) -> String? {
        guard let resolved = resolve(path), let bytes = try? OpenFile(resolved).read(count: limit, at: 0) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    func list(_ path: String) -> [String] {
        guard let resolved = resolve(path) else { return [] }
        return ((try? Directory.names(resolved)) ?? []).sorted()
    }
}
