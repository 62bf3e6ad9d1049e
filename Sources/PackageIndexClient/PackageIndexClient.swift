import Foundation
import HTTPTransport
import ProjectScan

/// Lists a project's files on Python package indexes through the Simple API: the JSON
/// form (PEP 691) where the index offers it, the HTML form (PEP 503, with PEP 592/658/714
/// attributes) otherwise. The first index is pip's `--index-url`, the others its
/// `--extra-index-url`s; like pip, the files of every index are merged.
public struct PackageIndexClient: Sendable {
    public static let defaultIndex = "https://pypi.org/simple/"
    static let accept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
    /// A project page over this is refused (PyPI's largest JSON pages are a few MB).
    static let pageLimit = 64 * 1024 * 1024

    public var indexes: [String]
    public let fetcher: HTTPFetcher

    public init(indexes: [String], fetcher: HTTPFetcher) {
        self.indexes = indexes.isEmpty ? [Self.defaultIndex] : indexes.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        self.fetcher = fetcher
    }

    /// pip's precedence: a requirements file's own `-i` (the last one read) replaces the whole
    /// list, its command line's and PIP_INDEX_URL's index and extra indexes alike (only the
    /// file's `--extra-index-url`s after it are added); else `--index-url`, else PIP_INDEX_URL,
    /// else PyPI, with the extra indexes of the command line, PIP_EXTRA_INDEX_URL
    /// (space-separated) and the lockfiles.
    public static func indexes(
        indexURL: String?, extraIndexURLs: [String], environment: [String: String], lockfiles: [PythonLockfile]
    ) -> [String] {
        let own = requirementsIndex(lockfiles)
        let primary = own ?? indexURL
            ?? environment["PIP_INDEX_URL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? lockfiles.compactMap(\.indexURL).first ?? defaultIndex
        var extras = own == nil ? extraIndexURLs + environmentExtraIndexes(environment) : []
        extras += lockfiles.flatMap(\.extraIndexURLs)
        var seen = Set<String>()
        return ([primary] + extras).map { $0.hasSuffix("/") ? $0 : $0 + "/" }.filter { seen.insert($0).inserted }
    }

    /// PIP_EXTRA_INDEX_URL's indexes (space-separated).
    public static func environmentExtraIndexes(_ environment: [String: String]) -> [String] {
        (environment["PIP_EXTRA_INDEX_URL"] ?? "").split(separator: " ").map(String.init)
    }

    /// The index a requirements file sets with `-i` (the last one read), which pip puts over its
    /// command line; uv.lock's and the other lockfiles' registries do not (they list their files).
    public static func requirementsIndex(_ lockfiles: [PythonLockfile]) -> String? {
        lockfiles.filter { $0.format == .requirements }.compactMap(\.indexURL).last
    }

    public struct IndexError: Error, Sendable, CustomStringConvertible {
        public var url: String
        public var detail: String
        public var description: String { "\(url): \(detail)" }
    }

    /// Every file of the project on every index (a project missing from one index is fine).
    public func files(of project: String) async throws(IndexError) -> [PythonLockfile.File] {
        let name = PythonLockfile.normalize(project)
        var files: [PythonLockfile.File] = []
        var found = false
        var lastError: IndexError?
        for index in indexes {
            let url = index + name + "/"
            do {
                let reply = try await fetcher.get(url, headers: [("Accept", Self.accept)], maxBytes: Self.pageLimit)
                found = true
                let type = reply.header("Content-Type") ?? ""
                if type.contains("application/vnd.pypi.simple.v1+json") {
                    files += try Self.parseJSON(reply.body, base: reply.finalURL)
                } else {
                    files += Self.parseHTML(String(decoding: reply.body, as: UTF8.self), base: reply.finalURL)
                }
            } catch let error as NetworkError {
                if error.status == 404 { continue }
                lastError = IndexError(url: url, detail: error.description)
            } catch let error as IndexError {
                lastError = error
            } catch {
                lastError = IndexError(url: url, detail: "\(error)")
            }
        }
        if !found, let lastError { throw lastError }
        guard found else { throw IndexError(url: indexes[0] + name + "/", detail: "no index has the project \(name)") }
        return files
    }

    /// PEP 691 JSON: `files[]` with filename, url (relative to the page), hashes, requires-python,
    /// size, yanked, core-metadata (PEP 714; dist-info-metadata before it).
    static func parseJSON(_ data: Data, base: String) throws(IndexError) -> [PythonLockfile.File] {
        guard let top = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let entries = top["files"] as? [[String: Any]] else {
            throw IndexError(url: base, detail: "not a PEP 691 project page (no files list)")
        }
        var files: [PythonLockfile.File] = []
        for entry in entries {
            guard let filename = entry["filename"] as? String, let href = entry["url"] as? String else { continue }
            let metadata = entry["core-metadata"] ?? entry["dist-info-metadata"]
            let hasMetadata = (metadata as? Bool) == true || metadata is [String: Any]
            var file = PythonLockfile.File(
                filename: filename, url: resolve(href, against: base), sha256: (entry["hashes"] as? [String: Any])?["sha256"] as? String,
                size: entry["size"] as? Int, requiresPython: entry["requires-python"] as? String, hasMetadataFile: hasMetadata,
                metadataSHA256: (metadata as? [String: Any])?["sha256"] as? String)
            if (entry["yanked"] as? Bool) == true || entry["yanked"] is String { file.yanked = true }
            files.append(file)
        }
        return files
    }

    /// PEP 503 HTML: `<a href="…#sha256=…" data-requires-python="…" data-core-metadata="…">name</a>`.
    static func parseHTML(_ text: String, base: String) -> [PythonLockfile.File] {
        var files: [PythonLockfile.File] = []
        var rest = Substring(text)
        while let open = rest.range(of: "<a ", options: .caseInsensitive) {
            guard let close = rest[open.upperBound...].firstIndex(of: ">"),
                  let end = rest[close...].range(of: "</a>", options: .caseInsensitive) else { break }
            let attributes = String(rest[open.upperBound..<close])
            let label = unescape(String(rest[rest.index(after: close)..<end.lowerBound])).trimmingCharacters(in: .whitespacesAndNewlines)
            rest = rest[end.upperBound...]
            guard let href = attribute("href", in: attributes) else { continue }
            var url = href
            var sha: String?
            if let hash = href.range(of: "#sha256=") {
                sha = String(href[hash.upperBound...])
                url = String(href[..<hash.lowerBound])
            } else if let hash = href.firstIndex(of: "#") {
                url = String(href[..<hash])
            }
            let filename = label.isEmpty ? PythonLockfileURL.fileName(url) : label
            let metadata = attribute("data-core-metadata", in: attributes) ?? attribute("data-dist-info-metadata", in: attributes)
            var file = PythonLockfile.File(
                filename: filename, url: resolve(url, against: base), sha256: sha, size: nil,
                requiresPython: attribute("data-requires-python", in: attributes), hasMetadataFile: metadata.map { $0 != "false" } ?? false,
                metadataSHA256: metadata.flatMap { $0.hasPrefix("sha256=") ? String($0.dropFirst(7)) : nil })
            if attribute("data-yanked", in: attributes) != nil { file.yanked = true }
            files.append(file)
        }
        return files
    }

    static func attribute(_ name: String, in attributes: String) -> String? {
        for quote in ["\"", "'"] {
            guard let start = attributes.range(of: " \(name)=\(quote)") ?? (attributes.hasPrefix("\(name)=\(quote)") ? attributes.range(of: "\(name)=\(quote)") : nil) else { continue }
            guard let end = attributes[start.upperBound...].range(of: quote) else { continue }
            return unescape(String(attributes[start.upperBound..<end.lowerBound]))
        }
        if attributes.range(of: " \(name) ") != nil || attributes.hasSuffix(" \(name)") { return "" }
        return nil
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    static func resolve(_ href: String, against base: String) -> String {
        if href.contains("://") { return href }
        guard let baseURL = URL(string: base), let resolved = URL(string: href, relativeTo: baseURL) else { return href }
        return resolved.absoluteString
    }

    /// Fills `locked.releases` for every Python pin: its release and the newer ones the indexes list.
    /// A pin's release holds the files of every version `==` matches as pip matches it (`1.0`
    /// takes `1.0.0` and the local versions `1.0+cu121`; `===` the same text only); pip picks
    /// among them (`WheelSelection`). Projects the indexes cannot list become warnings.
    public func resolve(_ locked: inout LockedDependencies) async {
        // Every version pinned of each project (a file may pin two under different markers).
        var names: [String: [PinnedVersion]] = [:]
        for lockfile in locked.python {
            for pin in lockfile.pins {
                let pinned = PinnedVersion(text: pin.version, arbitrary: pin.arbitraryEquality == true)
                if names[pin.name]?.contains(pinned) != true { names[pin.name, default: []].append(pinned) }
            }
        }
        for (name, pinned) in names.sorted(by: { $0.key < $1.key }) {
            do {
                let files = try await files(of: name)
                var byVersion: [String: [PythonLockfile.File]] = [:]
                for file in files {
                    guard let version = file.version(project: name) else { continue }
                    byVersion[version, default: []].append(file)
                }
                func matched(_ version: String) -> Bool { pinned.contains { $0.matches(version) } }
                // A newer release that unblocks an image is one pip would install: its yanked files are not.
                let newer = byVersion.keys.filter { version in
                    !matched(version) && Self.isFinal(version) && pinned.contains { LockedDependencies.isNewerVersion(version, than: $0.text) }
                        && byVersion[version]!.contains { $0.yanked != true }
                }
                var releases = newer.map { LockedDependencies.Release(version: $0, files: byVersion[$0]!.filter { $0.yanked != true }) }
                for pin in pinned {
                    let versions = byVersion.keys.filter(pin.matches).sorted()
                    guard !versions.isEmpty else {
                        locked.warnings.append("\(name) \(pin.text): no file of this release on \(indexes.joined(separator: ", "))")
                        continue
                    }
                    releases.append(LockedDependencies.Release(version: pin.text, files: versions.flatMap { byVersion[$0]! }))
                }
                locked.releases[name] = releases.sorted { LockedDependencies.isNewerVersion($1.version, than: $0.version) }
            } catch {
                locked.warnings.append("\(name) \(pinned.map(\.text).joined(separator: ", ")): cannot list its files: \(error.description)")
            }
        }
    }

    /// One pinned version of a project: `==text`, or `===text` when `arbitrary`.
    struct PinnedVersion: Hashable {
        var text: String
        var arbitrary: Bool

        func matches(_ version: String) -> Bool { PEP440Version.matches(version, pinned: text, arbitrary: arbitrary) }
    }

    static func isFinal(_ version: String) -> Bool { version.allSatisfy { $0.isNumber || $0 == "." } }
}

enum PythonLockfileURL {
    static func fileName(_ url: String) -> String {
        let name = url.split(separator: "/").last.map(String.init) ?? url
        return name.removingPercentEncoding ?? name
    }
}
