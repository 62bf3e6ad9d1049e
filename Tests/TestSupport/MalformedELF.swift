import Foundation

/// Malformed ELF files made by corrupting one field of a real fixture (gcc output,
/// ELF64 little-endian), located by parsing the fixture's own headers. Each case
/// says what a correct reader must report.
public struct MalformedELF: Sendable {
    /// What inspecting the file must give.
    public enum Expectation: Sendable, Equatable {
        /// An error of kind `malformed` whose message contains the text.
        case malformed(String)
        /// Facts (the corruption is in something basefit tolerates); `needed` is a
        /// NEEDED library the facts must still list, `glibc` the GLIBC_ version they
        /// must still require.
        case facts(needed: String?, glibc: String? = nil)
    }

    public var name: String
    public var bytes: [UInt8]
    public var expectation: Expectation

    // MARK: Reading and patching the fixture

    struct Section {
        var index: Int
        var headerOffset: Int
        var type: UInt32
        var offset: Int
        var size: Int
        var link: Int
    }

    struct Image {
        var bytes: [UInt8]

        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        func u64(_ at: Int) -> Int { u32(at) | u32(at + 4) << 32 }
        mutating func set16(_ at: Int, _ value: Int) { for i in 0..<2 { bytes[at + i] = UInt8((value >> (8 * i)) & 0xff) } }
        mutating func set32(_ at: Int, _ value: Int) { for i in 0..<4 { bytes[at + i] = UInt8((value >> (8 * i)) & 0xff) } }
        mutating func set64(_ at: Int, _ value: UInt64) { for i in 0..<8 { bytes[at + i] = UInt8((value >> (8 * UInt64(i))) & 0xff) } }

        var programHeaderOffset: Int { u64(0x20) }
        var sectionHeaderOffset: Int { u64(0x28) }
        var programHeaderCount: Int { u16(0x38) }
        var sectionHeaderCount: Int { u16(0x3c) }

        var sections: [Section] {
            (0..<sectionHeaderCount).map { index in
                let at = sectionHeaderOffset + index * 64
                return Section(index: index, headerOffset: at, type: UInt32(u32(at + 4)), offset: u64(at + 24),
                               size: u64(at + 32), link: u32(at + 40))
            }
        }

        func section(type: UInt32) -> Section { sections.first { $0.type == type }! }

        /// The file offset of the first dynamic entry with `tag`.
        func dynamicEntry(tag: Int) -> Int {
            let dynamic = section(type: 6)
            var at = dynamic.offset
            while u64(at) != tag { at += 16 }
            return at
        }
    }

    static let dynamic: UInt32 = 6, verneed: UInt32 = 0x6fff_fffe, verdef: UInt32 = 0x6fff_fffd, dynsym: UInt32 = 11

    /// `napi-addon.node` with a table of `entries` entries of `entrySize` bytes appended
    /// and the section of `type` pointed at it (zero-filled: a resource-limit probe).
    public static func withOversizedSection(elfDirectory: String, type: UInt32, entries: Int, entrySize: Int) -> [UInt8] {
        var image = Image(bytes: Array(FileManager.default.contents(atPath: elfDirectory + "/napi-addon.node")!))
        let section = image.section(type: type)
        let start = (image.bytes.count + 15) / 16 * 16
        image.bytes += [UInt8](repeating: 0, count: start - image.bytes.count + entries * entrySize)
        image.set64(section.headerOffset + 24, UInt64(start))
        image.set64(section.headerOffset + 32, UInt64(entries * entrySize))
        return image.bytes
    }

    // MARK: The cases

    /// Every case, from `napi-addon.node` (dynamic, version needs) and
    /// `libversioned.so` (version definitions) in `elfDirectory`.
    public static func cases(elfDirectory: String) -> [MalformedELF] {
        let addon = Image(bytes: Array(FileManager.default.contents(atPath: elfDirectory + "/napi-addon.node")!))
        let versioned = Image(bytes: Array(FileManager.default.contents(atPath: elfDirectory + "/libversioned.so")!))
        let glibc239 = Image(bytes: Array(FileManager.default.contents(atPath: elfDirectory + "/needs-glibc-2.39.so")!))
        var result: [MalformedELF] = []
        func add(_ name: String, _ base: Image, _ expectation: Expectation, _ patch: (inout Image) -> Void) {
            var image = base
            patch(&image)
            result.append(MalformedELF(name: name, bytes: image.bytes, expectation: expectation))
        }

        // Truncation at every offset class: inside the identification, inside the
        // header, inside the program headers, inside each table basefit reads, and
        // one byte short. The section header table is last, so each cut damages it.
        var cuts: [(String, Int)] = [("ident-3", 3), ("ident-15", 15), ("header-16", 16), ("header-40", 40), ("header-63", 63),
                                     ("header-only", 64), ("phdrs-half", addon.programHeaderOffset + 28)]
        for (label, type) in [("dynamic", dynamic), ("verneed", verneed), ("dynsym", dynsym)] {
            cuts.append(("in-\(label)", addon.section(type: type).offset + 8))
        }
        cuts.append(("shdrs-half", addon.sectionHeaderOffset + 32 * 64 / 2))
        cuts.append(("last-byte", addon.bytes.count - 1))
        for (label, length) in cuts {
            let expected: Expectation = length < 4 ? .malformed("no ELF magic")
                : length < 16 ? .malformed("identification") : length < 64 ? .malformed("64-byte ELF header")
                : length == 64 ? .malformed("program headers") : .malformed("past the end")
            result.append(MalformedELF(name: "truncated-\(label)", bytes: Array(addon.bytes[0..<length]), expectation: expected))
        }

        // Header tables pointing past the end of the file.
        add("shoff-past-end", addon, .malformed("past the end")) { $0.set64(0x28, UInt64($0.bytes.count + 4096)) }
        add("phoff-past-end", addon, .malformed("past the end")) { $0.set64(0x20, UInt64($0.bytes.count + 4096)) }
        add("phoff-huge", addon, .malformed("past the end")) { $0.set64(0x20, UInt64.max - 8) }
        add("phnum-huge", addon, .malformed("limit")) { $0.set16(0x38, 0xfffe) }
        add("phnum-past-end", addon, .malformed("past the end")) { $0.set16(0x38, 4000) }
        add("shnum-huge", addon, .malformed("past the end")) { $0.set16(0x3c, 0xfeff) }
        add("shstrndx-out-of-range", addon, .facts(needed: "libstdc++.so.6")) { $0.set16(0x3e, 0xfeff) }
        // A section whose contents lie past the end, and one claiming 2^60 bytes.
        add("dynsym-past-end", addon, .malformed("past the end")) {
            let s = $0.section(type: dynsym); $0.set64(s.headerOffset + 24, UInt64($0.bytes.count + 64))
        }
        add("dynsym-size-huge", addon, .malformed("limit")) {
            let s = $0.section(type: dynsym); $0.set64(s.headerOffset + 32, 1 << 60)
        }

        // String table offsets out of range.
        add("needed-name-out-of-range", addon, .malformed("DT_NEEDED")) { $0.set64($0.dynamicEntry(tag: 1) + 8, 0x7fff_ffff) }
        add("verneed-file-out-of-range", addon, .malformed("library name")) {
            let s = $0.section(type: verneed); $0.set32(s.offset + 4, 0x7fff_ffff)
        }
        add("vernaux-name-out-of-range", addon, .malformed("version name")) {
            let s = $0.section(type: verneed); $0.set32(s.offset + $0.u32(s.offset + 8) + 8, 0x7fff_ffff)
        }
        add("dynamic-link-not-strtab", addon, .malformed(".dynamic")) {
            let s = $0.section(type: dynamic); $0.set32(s.headerOffset + 40, s.index)
        }

        // Version-need chains. Offsets are unsigned and only move forward, so a
        // "cycle" is a next offset that wraps in 32-bit arithmetic (2^32 - 16 is
        // -16 to a reader that adds in uint32): it must end, as an error.
        add("verneed-count-zero", addon, .malformed("vn_cnt")) { $0.set16($0.section(type: verneed).offset + 2, 0) }
        add("verneed-info-huge", addon, .malformed("sh_info")) {
            $0.set32($0.section(type: verneed).headerOffset + 44, 0xffff)
        }
        add("vn-next-wraps", addon, .malformed("entry 1 at offset 4294967280 lies outside")) {
            $0.set32($0.section(type: verneed).offset + 12, 0xffff_fff0)
        }
        add("vna-next-wraps", addon, .malformed("outside the section")) {
            let s = $0.section(type: verneed)
            var need = s.offset
            while $0.u16(need + 2) < 2 { need += $0.u32(need + 12) }   // a need with two or more versions
            $0.set32(need + $0.u32(need + 8) + 12, 0xffff_fff0)
        }
        add("vna-count-huge", addon, .malformed("vn_cnt")) {
            let s = $0.section(type: verneed)
            $0.set16(s.offset + 2, 0xffff)
            var aux = s.offset + $0.u32(s.offset + 8)
            while $0.u32(aux + 12) != 0 { aux += $0.u32(aux + 12) }
            $0.set32(aux + 12, 16)                        // the chain runs on into whatever follows
        }
        // 4,096 needs that all share one chain of 4,096 versions: 16.7 million entries
        // from 128 KB. The section is rebuilt at the end of the file.
        add("verneed-shared-chains", addon, .malformed("version entries")) {
            let original = $0.section(type: verneed)
            let file = $0.u32(original.offset + 4)
            let name = $0.u32(original.offset + $0.u32(original.offset + 8) + 8)
            let count = 4096
            let start = ($0.bytes.count + 15) / 16 * 16
            $0.bytes += [UInt8](repeating: 0, count: start - $0.bytes.count + count * 32)
            let auxBase = start + count * 16
            for index in 0..<count {
                let need = start + index * 16
                $0.set16(need, 1); $0.set16(need + 2, count); $0.set32(need + 4, file)
                $0.set32(need + 8, auxBase - need); $0.set32(need + 12, index == count - 1 ? 0 : 16)
                let aux = auxBase + index * 16
                $0.set32(aux + 8, name); $0.set16(aux + 6, 2); $0.set32(aux + 12, index == count - 1 ? 0 : 16)
            }
            $0.set64(original.headerOffset + 24, UInt64(start))
            $0.set64(original.headerOffset + 32, UInt64(count * 32))
            $0.set32(original.headerOffset + 44, count)
            // DT_VERNEED would point at the old table (a mismatch basefit also refuses);
            // turn it into DT_DEBUG so that the section walker itself meets the budget.
            $0.set64($0.dynamicEntry(tag: 0x6fff_fffe), 21)
        }
        // Version-definition chains.
        add("vd-next-wraps", versioned, .malformed("entry 1 at offset 4294967280 lies outside")) {
            $0.set32($0.section(type: verdef).offset + 16, 0xffff_fff0)
        }
        add("verdef-name-out-of-range", versioned, .malformed("version name")) {
            let s = $0.section(type: verdef); $0.set32(s.offset + $0.u32(s.offset + 12), 0x7fff_ffff)
        }

        // Hiding the version needs from a reader that trusts section headers: the
        // loader reads DT_VERNEED, and so must basefit.
        add("section-headers-stripped", glibc239, .facts(needed: "libc.so.6", glibc: "GLIBC_2.39")) {
            $0.set64(0x28, 0); $0.set16(0x3c, 0); $0.set16(0x3e, 0)
        }
        add("verneed-section-retyped", glibc239, .facts(needed: "libc.so.6", glibc: "GLIBC_2.39")) {
            $0.set32($0.section(type: verneed).headerOffset + 4, 1)     // SHT_PROGBITS
        }
        add("verneed-section-moved", glibc239, .malformed("not the table DT_VERNEED points at")) {
            let s = $0.section(type: verneed); $0.set64(s.headerOffset + 24, UInt64(s.offset + 16))
        }
        add("verneed-address-unmapped", glibc239, .malformed("DT_VERNEED")) {
            $0.set32($0.section(type: verneed).headerOffset + 4, 1)
            $0.set64($0.dynamicEntry(tag: 0x6fff_fffe) + 8, 0x7fff_0000_0000)
        }

        // A dynamic section without DT_NULL: every entry DT_FLAGS_1, to the end.
        add("dynamic-without-null", addon, .facts(needed: nil)) {
            let s = $0.section(type: dynamic)
            for at in stride(from: s.offset, to: s.offset + s.size, by: 16) {
                $0.set64(at, 0x6fff_fffb); $0.set64(at + 8, 0)
            }
        }
        return result
    }
}
