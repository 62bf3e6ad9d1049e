import Testing
@testable import ELFInspection

@Suite struct VersionNumberTests {
    @Test func comparesNumericallyNotAsStrings() throws {
        let v29 = try #require(VersionNumber("2.9"))
        let v217 = try #require(VersionNumber("2.17"))
        #expect(v29 < v217)
        #expect("2.9" > "2.17")  // what a string comparison would wrongly say
        #expect(try #require(VersionNumber("3.4.9")) < #require(VersionNumber("3.4.30")))
    }

    @Test func missingComponentsCountAsZero() throws {
        #expect(VersionNumber("2.2") == VersionNumber("2.2.0"))
        #expect(try #require(VersionNumber("2.2")) < #require(VersionNumber("2.2.5")))
        #expect(Set([VersionNumber("2.2")!, VersionNumber("2.2.0")!]).count == 1)
    }

    @Test(arguments: ["", "2.", ".2", "2..5", "a.b", "2.x", "1234567890"])
    func rejectsWhatIsNotADottedNumber(_ text: String) {
        #expect(VersionNumber(text) == nil)
    }

    @Test func splitsSymbolVersionsIntoFamilyAndNumber() {
        let glibc = SymbolVersion("GLIBC_2.2.5")
        #expect(glibc.family == "GLIBC")
        #expect(glibc.number == VersionNumber("2.2.5"))
        let tm = SymbolVersion("CXXABI_TM_1")
        #expect(tm.family == "CXXABI_TM")
        #expect(tm.number == VersionNumber("1"))
        let privateVersion = SymbolVersion("GLIBC_PRIVATE")
        #expect(privateVersion.family == "GLIBC_PRIVATE")
        #expect(privateVersion.number == nil)
        #expect(SymbolVersion("OPENSSL_3.0.0").family == "OPENSSL")
        #expect(SymbolVersion("libgcc_s.so.1").number == nil)
    }

    /// The byte-wise parsers against the Character-wise reading they replaced, on names with
    /// non-ASCII digits, combining marks after `_` or a digit, and every short mix of the
    /// characters that matter.
    @Test func byteWiseParsingReadsWhatCharacterWiseReadingRead() {
        func referenceNumber(_ text: Substring) -> [Int]? {
            guard !text.isEmpty else { return nil }
            var parts: [Int] = []
            for piece in text.split(separator: ".", omittingEmptySubsequences: false) {
                guard !piece.isEmpty, piece.count <= 9, piece.allSatisfy({ $0.isASCII && $0.isNumber }),
                      let value = Int(piece) else { return nil }
                parts.append(value)
            }
            return parts
        }
        func reference(_ name: String) -> (family: String, number: [Int]?) {
            var searchStart = name.startIndex
            while let underscore = name[searchStart...].firstIndex(of: "_") {
                let rest = name[name.index(after: underscore)...]
                if let first = rest.first, first.isASCII, first.isNumber, let parsed = referenceNumber(rest) {
                    return (String(name[..<underscore]), parsed)
                }
                searchStart = name.index(after: underscore)
            }
            return (name, nil)
        }
        var names = ["GLIBC_2.2.5", "CXXABI_TM_1", "GLIBC_PRIVATE", "A_\u{301}_2", "A_2\u{301}", "V_١.٢", "V_２", "X_0009.1",
                     "Y_123456789", "Y_1234567890", "Z_.1", "Z_1.", "Z_1..2", "_1", "1_", "__1", "a_b_3.4_c", "é_1.2", "Q_1\u{0}", "\u{600}_2", "A\u{600}_2.1_3"]
        let alphabet: [String] = ["A", "_", "1", "0", ".", "\u{301}", "\u{600}", "é"]
        func extend(_ prefix: String, _ depth: Int) {
            names.append(prefix)
            guard depth > 0 else { return }
            for piece in alphabet { extend(prefix + piece, depth - 1) }
        }
        extend("", 5)
        for name in names {
            let expected = reference(name)
            let parsed = SymbolVersion(name)
            #expect(parsed.family == expected.family && parsed.number?.components == expected.number, "\(name.unicodeScalars.map { $0.escaped(asASCII: true) })")
            #expect(VersionNumber(name)?.components == referenceNumber(Substring(name)), "\(name.unicodeScalars.map { $0.escaped(asASCII: true) })")
        }
    }

    @Test func minimumPicksTheHighestVersionPerFamilyAcrossLibraries() {
        let needs = [
            LibraryVersionNeeds(library: "libm.so.6", versions: [
                VersionNeed(version: SymbolVersion("GLIBC_2.29"), weak: false, symbols: ["exp"]),
            ]),
            LibraryVersionNeeds(library: "libc.so.6", versions: [
                VersionNeed(version: SymbolVersion("GLIBC_2.9"), weak: false, symbols: ["pipe2"]),
                VersionNeed(version: SymbolVersion("GLIBC_2.17"), weak: false, symbols: ["clock_gettime"]),
                VersionNeed(version: SymbolVersion("GLIBC_PRIVATE"), weak: false, symbols: ["__x"]),
            ]),
        ]
        let minimum = ELFInspector.minimumVersions(needs)
        #expect(minimum["GLIBC"]?.version == VersionNumber("2.29"))
        #expect(minimum["GLIBC"]?.library == "libm.so.6")
        #expect(minimum["GLIBC"]?.symbols == ["exp"])
        #expect(minimum["GLIBC_PRIVATE"] == nil)
    }
}
