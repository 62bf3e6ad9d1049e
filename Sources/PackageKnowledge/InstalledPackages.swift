/// The installed package sets of official images (Data/packages/installed/, from
/// docker-library/repo-info's package lists), and the reader for that one-name-a-line format.
public enum InstalledPackages {
    /// File key for an image reference: `python:3.12-slim-bookworm` → `python_3.12-slim-bookworm`
    /// (every character outside `A-Za-z0-9._-` becomes `_`).
    public static func key(forImage reference: String) -> String {
        String(reference.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
    }

    /// The images whose package set is embedded, as file keys.
    public static var availableKeys: [String] { EmbeddedPackageData.installed.keys.sorted() }

    /// The installed packages of an official image, when its list is embedded.
    public static func forImage(_ reference: String) -> Set<String>? {
        EmbeddedPackageData.installed[key(forImage: reference)].map { parse($0).packages }
    }

    /// Where an embedded list came from (its `#` header line).
    public static func source(forImage reference: String) -> String? {
        EmbeddedPackageData.installed[key(forImage: reference)].flatMap { parse($0).source }
    }

    /// `# source…` header lines, then one package name a line (`name` or `name:arch`).
    public static func parse(_ text: String) -> (packages: Set<String>, source: String?) {
        var packages: Set<String> = []
        var source: String?
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingBlanks
            if trimmed.hasPrefix("#") {
                source = source ?? String(trimmed.dropFirst()).trimmingBlanks
            } else if !trimmed.isEmpty {
                packages.insert(String(trimmed.split(separator: ":", maxSplits: 1)[0]))
            }
        }
        return (packages, source)
    }
}
