import ELFInspection

/// What a wheel's tags say of a stable-ABI (`abi3`) build: `cp313-abi3` installs on CPython 3.13
/// and every later CPython, never on an older one (PEP 384, PEP 425; pip's and `packaging`'s
/// tag lists hold `cp3Y-abi3` only for Y up to the interpreter's own minor). The lowest `cpXY`
/// paired with `abi3` is the floor; a wheel with no such pair sets none.
enum StableABITag {
    /// The floor of a wheel's tags: those of its file name where it has a PEP 427 name (what
    /// pip decides by), else the `Tag:` lines of its `*.dist-info/WHEEL` (an installed one).
    static func minimumPython(name: WheelName?, declared: [String]) -> VersionNumber? {
        if let name {
            return minimum(name.pythonTags.flatMap { python in name.abiTags.map { (python, $0) } })
        }
        return minimum(declared.compactMap { line in
            let fields = line.split(separator: "-")
            return fields.count == 3 ? (String(fields[0]), String(fields[1])) : nil
        })
    }

    private static func minimum(_ pairs: [(python: String, abi: String)]) -> VersionNumber? {
        pairs.compactMap { pair -> VersionNumber? in
            guard pair.abi == "abi3", pair.python.hasPrefix("cp3"), pair.python.count >= 4,
                  let minor = Int(pair.python.dropFirst(3)) else { return nil }
            return VersionNumber([3, minor])
        }.min()
    }
}
