import ELFInspection

/// Whether a package can define a version node (`OPENSSL_3.0.0`, `GLIBC_2.39`, `GLIBCXX_3.4.32`)
/// a binary needs, judged from what the archive index says: the package's upstream version, or
/// for libstdc++ its `libstdc++.so.6.0.N` file (which defines GLIBCXX_3.4.N at most).
enum VersionNodeCheck {
    enum Outcome: Equatable {
        case satisfied
        case unsatisfied(String)
        /// The node's name says nothing comparable about the package version.
        case unknown
    }

    static func check(node: String, soname: String, package: PackageRecord) -> Outcome {
        guard let underscore = node.lastIndex(of: "_"),
              let needed = VersionNumber(node[node.index(after: underscore)...]) else { return .unknown }
        let prefix = String(node[..<underscore])
        let upstream = VersionNumber(package.upstreamVersion)
        let provided: VersionNumber?
        switch prefix {
        case "GLIBCXX":
            provided = package.libraries.lazy.compactMap { file -> VersionNumber? in
                guard file.name.hasPrefix("libstdc++.so.6.0.") else { return nil }
                return VersionNumber(file.name.dropFirst("libstdc++.so.6.0.".count)).map { VersionNumber([3, 4] + $0.components) }
            }.first
        case "CXXABI":
            provided = upstream.flatMap { cxxabi[$0.components.first ?? 0] }
        case "GLIBC", "GCC", "OPENSSL":
            provided = upstream
        default:
            let stem = soname.prefix { $0 != "." }.dropFirst(3).uppercased()
            let simplePrefix = prefix.uppercased()
            guard !stem.isEmpty, simplePrefix == stem || simplePrefix == "LIB" + stem else { return .unknown }
            provided = upstream
        }
        guard let provided else { return .unknown }
        if needed <= provided { return .satisfied }
        return .unsatisfied("\(soname) needs \(node); \(package.name) \(package.version) provides up to \(prefix)_\(provided)")
    }

    /// GCC major → highest CXXABI_1.3.N its libstdc++ defines (checked on bullseye/bookworm/trixie
    /// roots: gcc 10 → 1.3.12, 12 → 1.3.13, 14 → 1.3.15; others from libstdc++'s ABI history).
    static let cxxabi: [Int: VersionNumber] = [
        5: VersionNumber([1, 3, 9]), 6: VersionNumber([1, 3, 10]), 7: VersionNumber([1, 3, 11]), 8: VersionNumber([1, 3, 11]),
        9: VersionNumber([1, 3, 12]), 10: VersionNumber([1, 3, 12]), 11: VersionNumber([1, 3, 13]), 12: VersionNumber([1, 3, 13]),
        13: VersionNumber([1, 3, 14]), 14: VersionNumber([1, 3, 15]),
    ]
}
