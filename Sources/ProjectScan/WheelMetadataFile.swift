/// A wheel's `*.dist-info/WHEEL` file (PEP 427): `Key: value` lines, of which basefit reads the
/// `Tag:` lines (`cp313-abi3-manylinux_2_17_x86_64`), in a `.whl` and in site-packages alike.
enum WheelMetadataFile {
    static func tags(_ bytes: some Sequence<UInt8>) -> [String] {
        String(decoding: Array(bytes), as: UTF8.self).split(whereSeparator: \.isNewline)
            .filter { $0.hasPrefix("Tag:") }.map { String($0.dropFirst(4).trimmingSpaces()) }
    }

    /// `site-packages/x-1.0.dist-info/WHEEL`.
    static func isWheelFile(name: String, parent: String) -> Bool {
        name == "WHEEL" && parent.hasSuffix(".dist-info")
    }
}
