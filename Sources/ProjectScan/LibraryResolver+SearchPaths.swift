/// DT_RPATH and DT_RUNPATH lists as glibc reads them: split on `:`, dynamic string tokens
/// substituted (`_dl_dst_substitute`).
extension LibraryResolver {
    /// Splits a search list on `:` and expands `$ORIGIN`. An entry with `$LIB` or `$PLATFORM`
    /// gives no directory: their values are the image's glibc's and the CPU's (`$LIB` is
    /// `lib64` on Fedora and `lib/x86_64-linux-gnu` on Debian; `$PLATFORM` is `haswell` on some
    /// Intel CPUs), so no directory of the project is known to be one.
    func expand(_ list: String, origin: String) -> [String] {
        list.split(separator: ":", omittingEmptySubsequences: true).compactMap { entry in
            // A relative entry is taken from the working directory, which the image decides.
            guard entry.hasPrefix("/") || Self.startsWithOrigin(entry) else { return nil }
            return Self.substitute(entry, origin: origin)
        }
    }

    /// glibc's dynamic string tokens in one entry (`_dl_dst_substitute`): `$ORIGIN` or
    /// `${ORIGIN}` becomes `origin`; an unbraced name counts only when a `/` or the end follows it
    /// (`$ORIGIN_x` is no token, and its `$` stays); nil for an entry with `$LIB` or `$PLATFORM`.
    static func substitute(_ entry: Substring, origin: String) -> String? {
        var result = ""
        var rest = entry
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            rest = rest[dollar...]
            var matched = false
            for name in ["ORIGIN", "LIB", "PLATFORM"] {
                let braced = "${\(name)}", bare = "$" + name
                let length: Int
                if rest.hasPrefix(braced) {
                    length = braced.count
                } else if rest.hasPrefix(bare), rest.dropFirst(bare.count).first.map({ $0 == "/" }) ?? true {
                    length = bare.count
                } else {
                    continue
                }
                guard name == "ORIGIN" else { return nil }
                result += origin
                rest = rest.dropFirst(length)
                matched = true
                break
            }
            if !matched {
                result.append("$")
                rest = rest.dropFirst()
            }
        }
        return result + rest
    }

    private static func startsWithOrigin(_ entry: Substring) -> Bool {
        entry.hasPrefix("${ORIGIN}") || entry.hasPrefix("$ORIGIN") && entry.dropFirst(7).first.map({ $0 == "/" }) ?? true
    }
}
