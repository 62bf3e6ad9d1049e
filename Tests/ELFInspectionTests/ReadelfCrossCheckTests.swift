import Foundation
import Testing
import TestSupport
@testable import ELFInspection

/// What binutils' readelf prints for a file, parsed from `readelf -W -l -d -V`.
struct ReadelfFacts: Equatable {
    var interpreter: String?
    var needed: [String] = []
    var soname: String?
    var rpath: String?
    var runpath: String?
    var flags1: [String] = []
    var versionNeeds: [String: Set<String>] = [:]

    init(output: String) {
        var currentFile: String?
        var inVersionNeeds = false
        for line in output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let value = Self.bracketed(line, after: "[Requesting program interpreter: ") {
                interpreter = String(value.dropLast())  // readelf closes with "]"
            } else if line.contains("(NEEDED)"), let value = Self.bracketed(line, after: "Shared library: [") {
                needed.append(String(value.dropLast()))
            } else if line.contains("(SONAME)"), let value = Self.bracketed(line, after: "Library soname: [") {
                soname = String(value.dropLast())
            } else if line.contains("(RPATH)"), let value = Self.bracketed(line, after: "Library rpath: [") {
                rpath = String(value.dropLast())
            } else if line.contains("(RUNPATH)"), let value = Self.bracketed(line, after: "Library runpath: [") {
                runpath = String(value.dropLast())
            } else if line.contains("(FLAGS_1)"), let value = Self.bracketed(line, after: "Flags: ") {
                flags1 = value.split(separator: " ").map(String.init)
            } else if line.hasPrefix("Version needs section") {
                inVersionNeeds = true
            } else if line.hasPrefix("Version") && !line.hasPrefix("Version needs") {
                inVersionNeeds = false
            } else if inVersionNeeds, let file = Self.field(line, "File: ") {
                currentFile = file
                versionNeeds[file, default: []] = versionNeeds[file] ?? []
            } else if inVersionNeeds, let name = Self.field(line, "Name: "), let currentFile {
                versionNeeds[currentFile, default: []].insert(name)
            }
        }
    }

    private static func bracketed(_ line: String, after marker: String) -> String? {
        guard let range = line.range(of: marker) else { return nil }
        return String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
    }

    private static func field(_ line: String, _ marker: String) -> String? {
        guard let range = line.range(of: marker) else { return nil }
        return line[range.upperBound...].split(separator: " ").first.map(String.init)
    }
}

@Suite(.enabled(if: Run.which("readelf") != nil, "binutils readelf is not installed"))
struct ReadelfCrossCheckTests {
    @Test(arguments: TestPaths.elfFixtures)
    func factsEqualWhatReadelfPrints(_ name: String) throws {
        let path = TestPaths.elf(name)
        let result = try Run.program(Run.which("readelf")!, ["-W", "-l", "-d", "-V", path],
                                     environment: ["LC_ALL": "C", "PATH": "/usr/bin:/bin"])
        #expect(result.status == 0, "readelf failed: \(result.stderr)")
        let expected = ReadelfFacts(output: result.stdout)
        let facts = try ELFInspector.inspect(path: path)
        #expect(facts.interpreter == expected.interpreter)
        #expect(facts.needed == expected.needed)
        #expect(facts.soname == expected.soname)
        #expect(facts.rpath == expected.rpath)
        #expect(facts.runpath == expected.runpath)
        #expect(facts.flags1 == expected.flags1)
        var ours: [String: Set<String>] = [:]
        for need in facts.versionNeeds { ours[need.library] = Set(need.versions.map(\.version.name)) }
        #expect(ours == expected.versionNeeds)
    }

    /// The functions of `MuslSymbols` a musl-linked file calls are its undefined, non-weak
    /// dynamic symbols of those names, as `readelf --dyn-syms` lists them; other files have none.
    @Test(arguments: TestPaths.elfFixtures)
    func muslSymbolsAreWhatReadelfLists(_ name: String) throws {
        let path = TestPaths.elf(name)
        let facts = try ELFInspector.inspect(path: path)
        guard facts.libc == .musl else {
            #expect(facts.muslSymbols.isEmpty)
            return
        }
        let expected: [String] = try Self.dynamicSymbols(path).undefined.filter { MuslSymbols.firstRelease[$0] != nil }.sorted()
        #expect(facts.muslSymbols == expected, "\(name)")
    }

    /// With `nodeAPIFunctions` asked for, the Node-API functions a file calls are its undefined,
    /// non-weak dynamic symbols named `napi_*` or `node_api_*`, as `readelf --dyn-syms` lists them;
    /// not asked for, none.
    @Test(arguments: TestPaths.elfFixtures)
    func nodeAPIFunctionsAreWhatReadelfLists(_ name: String) throws {
        let path = TestPaths.elf(name)
        #expect(try ELFInspector.inspect(path: path).nodeAPIFunctions.isEmpty)
        let facts = try ELFInspector.inspect(path: path, options: InspectionOptions(nodeAPIFunctions: true))
        let expected = try Self.dynamicSymbols(path).undefined.filter(Self.isNodeAPI).sorted()
        #expect(facts.nodeAPIFunctions == expected, "\(name)")
        if name == "napi-property-key.node" {
            #expect(expected == ["napi_get_boolean", "napi_set_property", "node_api_create_property_key_utf16"])
        }
    }

    /// What a real Node exports of Node-API (Debian's libnode.so.N in the Node roots of
    /// scripts/rootfs.sh) is its defined global and weak dynamic symbols of those names.
    @Test(arguments: ["bookworm-node/usr/lib/x86_64-linux-gnu/libnode.so.108", "trixie-node/usr/lib/x86_64-linux-gnu/libnode.so.115"])
    func nodeAPIExportsAreWhatReadelfLists(_ library: String) throws {
        let path = DebianRoots.cache + "/" + library
        guard FileManager.default.fileExists(atPath: path) else {
            print("ReadelfCrossCheckTests: skipped, no \(path) (bash scripts/rootfs.sh bookworm-node trixie-node)")
            return
        }
        let facts = try ELFInspector.inspect(path: path, options: InspectionOptions(exportPrefixes: InspectionOptions.nodeAPIPrefixes))
        let expected = try Self.dynamicSymbols(path).defined.filter(Self.isNodeAPI).sorted()
        #expect(facts.exports == expected)
        #expect(expected.count > 100, "\(expected.count) Node-API exports")
        #expect(expected.contains("node_api_create_property_key_utf16") == library.hasPrefix("trixie"))
    }

    static func isNodeAPI(_ name: String) -> Bool { name.hasPrefix("napi_") || name.hasPrefix("node_api_") }

    /// `readelf -W --dyn-syms`: the undefined global names, and the defined global and weak ones
    /// ("   5: 0000000000000000     0 FUNC    GLOBAL DEFAULT  UND qsort_r"; a version suffix dropped).
    static func dynamicSymbols(_ path: String) throws -> (undefined: Set<String>, defined: Set<String>) {
        let result = try Run.program(Run.which("readelf")!, ["-W", "--dyn-syms", path], environment: ["LC_ALL": "C", "PATH": "/usr/bin:/bin"])
        #expect(result.status == 0, "readelf failed: \(result.stderr)")
        var undefined = Set<String>(), defined = Set<String>()
        for line in result.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 8, fields[0].hasSuffix(":") else { continue }
            let name = String(fields[7].split(separator: "@").first ?? "")
            if fields[4] == "GLOBAL", fields[6] == "UND" { undefined.insert(name) }
            if fields[4] == "GLOBAL" || fields[4] == "WEAK", fields[6] != "UND" { defined.insert(name) }
        }
        return (undefined, defined)
    }

    @Test func parserReadsRealReadelfOutput() throws {
        // Guards the oracle itself: a parser that read nothing would make every comparison pass.
        let result = try Run.program(Run.which("readelf")!, ["-W", "-l", "-d", "-V", TestPaths.elf("libcxxdemo.so")],
                                     environment: ["LC_ALL": "C", "PATH": "/usr/bin:/bin"])
        let parsed = ReadelfFacts(output: result.stdout)
        #expect(parsed.soname == "libcxxdemo.so")
        #expect(parsed.needed.count == 4)
        #expect(parsed.versionNeeds["libstdc++.so.6"]?.contains("GLIBCXX_3.4.21") == true)
        #expect(parsed.versionNeeds["libgcc_s.so.1"] == ["GCC_3.0"])
    }
}
