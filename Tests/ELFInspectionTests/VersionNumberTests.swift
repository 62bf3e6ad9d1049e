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
