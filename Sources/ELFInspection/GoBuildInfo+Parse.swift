extension GoBuildInfo {
    /// The magic that starts Go's `.go.buildinfo` section.
    /// Parses the start of a `.go.buildinfo` section. Returns nil when the bytes
    /// are not Go build info. Every length is checked against the bytes at hand.
    static func parse(_ bytes: [UInt8]) -> GoBuildInfo? {
        // "\xff Go buildinf:" is 14 bytes; String's UTF-8 of U+00FF is two bytes, so spell it out.
        let expected: [UInt8] = [0xff] + Array(" Go buildinf:".utf8)
        guard bytes.count >= 32, Array(bytes[0..<14]) == expected else { return nil }
        let flags = bytes[15]
        // Go 1.18+ stores the strings inline after the 32-byte header; older
        // versions store pointers, which basefit does not chase.
        guard flags & 0x2 != 0 else { return GoBuildInfo(version: nil, cgo: nil) }
        var cursor = 32
        func readString() -> String? {
            var length: UInt64 = 0
            var shift: UInt64 = 0
            while cursor < bytes.count, shift < 64 {
                let byte = bytes[cursor]
                cursor += 1
                length |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 {
                    guard length <= UInt64(bytes.count - cursor) else { return nil }
                    let end = cursor + Int(length)
                    defer { cursor = end }
                    return String(decoding: bytes[cursor..<end], as: UTF8.self)
                }
                shift += 7
            }
            return nil
        }
        guard let version = readString() else { return GoBuildInfo(version: nil, cgo: nil) }
        let modinfo = readString() ?? ""
        var cgo: Bool?
        if modinfo.contains("CGO_ENABLED=1") { cgo = true } else if modinfo.contains("CGO_ENABLED=0") { cgo = false }
        return GoBuildInfo(version: version.isEmpty ? nil : version, cgo: cgo)
    }
}
