import Domain
import Foundation
import PackageKnowledge
import Testing
import TestSupport

@Suite struct ParserTests {
    // MARK: Debian-format archives (Ubuntu's real indexes)

    @Test func ubuntuIndexesReadWithTheDebianParser() throws {
        let index = try DebianArchiveIndex.parse(
            packages: try FixturePaths.text("ubuntu-noble-amd64/Packages"),
            contents: try FixturePaths.text("ubuntu-noble-amd64/Contents"), release: "ubuntu-noble", architecture: "amd64")
        #expect(index.packages.count == 15)
        #expect(index.owners(of: "libssl.so.3").map(\.name) == ["libssl3t64"])
        #expect(index.owners(of: "libarchive.so.13").map(\.name) == ["libarchive13t64"])
        // Plugin directories and development links are not libraries.
        #expect(index.owners(of: "afalg.so").isEmpty)
        #expect(index.packages["libssl3t64"]?.libraries.allSatisfy { !$0.directory.contains("engines") } == true)
        let libssl = try #require(index.packages["libssl3t64"])
        #expect(libssl.provides.contains("libssl3"))
        #expect(libssl.installedBytes > 1_000_000)
        #expect(libssl.version.hasPrefix("3.0."))
        #expect(libssl.upstreamVersion.hasPrefix("3.0."))

        // The generator (Python, Data/tools/gen_packages.py) read the same Contents for the
        // embedded noble index: both readers find the same library files.
        let embedded = try #require(try EmbeddedIndexes.index(release: .ubuntu2404, architecture: "amd64"))
        for (name, record) in index.packages {
            #expect(Set(record.libraries.map(\.path)) == Set(embedded.packages[name]?.libraries.map(\.path) ?? []), "\(name)")
        }

        let plan = PackageKnowledge.plan(missing: [MissingLibrary(soname: "libarchive.so.13")], index: index,
                                         manager: .apt, installed: ["libc6", "libgcc-s1", "gcc-14-base", "zlib1g"])
        #expect(plan.packages == ["libarchive13t64"])
        #expect(plan.closure.contains("libicu74") && plan.closure.contains("libxml2"))
        #expect(!plan.closure.contains("libc6"))
        let sizes = plan.closure.compactMap { index.packages[$0]?.installedBytes }
        #expect(sizes.count == plan.closure.count && plan.bytes == sizes.reduce(0, +))
    }

    @Test func relationsDropQualifiersAndKeepAlternatives() {
        #expect(DebianArchiveIndex.relations("libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0, perl:any, libfoo [amd64] <!nocheck>")
            == [["libc6"], ["debconf", "debconf-2.0"], ["perl"], ["libfoo"]])
        #expect(DebianArchiveIndex.relations("") == [])
    }

    @Test func malformedPackagesAreRefusedWithTheLine() {
        #expect(throws: PackageKnowledgeError.malformedLine(source: "Packages", line: 2, reason: "field without ':'")) {
            try DebianArchiveIndex.parse(packages: "Package: a\nno colon here\n", contents: "", release: "x", architecture: "amd64")
        }
    }

    @Test func sharedLibraryNames() {
        for good in ["libc.so.6", "libbz2.so.1.0.4", "libstdc++.so.6.0.30", "libgthread-2.0.so.0"] {
            #expect(LibraryDirectories.isSharedLibraryName(Substring(good)), "\(good)")
        }
        for bad in ["libc.so", "libfoo.so.1.debug", "ld-linux-x86-64.so.2", "lib.so.1", "libfoo.so.", "libfoo.so.1a"] {
            #expect(!LibraryDirectories.isSharedLibraryName(Substring(bad)), "\(bad)")
        }
    }

    // MARK: Alpine

    @Test func apkIndexReadsProvidesDependsAndSizes() throws {
        let index = try APKIndex.parse(try FixturePaths.text("alpine-APKINDEX"), release: "alpine-3.20", architecture: "x86_64")
        #expect(index.packages.count == 7)
        #expect(index.owners(of: "libssl.so.3").map(\.name) == ["libssl3"])
        #expect(index.owners(of: "libstdc++.so.6").map(\.name) == ["libstdc++"])
        #expect(index.packages["libssl3"]?.installedBytes == 888_832)
        #expect(index.packages["libssl3"]?.depends == [["so:libc.musl-x86_64.so.1"], ["so:libcrypto.so.3"]], "conflicts (!libressl) are not dependencies")
        #expect(index.packages["ca-certificates-bundle"]?.provides == ["ca-certificates-cacert"])

        // The closure follows so: dependencies to the packages providing them.
        let plan = PackageKnowledge.plan(missing: [MissingLibrary(soname: "libssl.so.3"), MissingLibrary(soname: "libstdc++.so.6")],
                                         index: index, manager: .apk, installed: ["musl"])
        #expect(plan.packages == ["libssl3", "libstdc++"])
        #expect(plan.closure == ["libcrypto3", "libgcc", "libssl3", "libstdc++"])
        #expect(plan.bytes == 888_832 + 4_448_256 + 2_744_320 + 262_144)
        #expect(plan.command == "apk add --no-cache libssl3 libstdc++")
    }

    @Test func apkIndexRefusesARecordWithoutAName() {
        #expect(throws: PackageKnowledgeError.self) {
            try APKIndex.parse("V:1.0\nI:10\n", release: "alpine", architecture: "x86_64")
        }
    }

    // MARK: installed sets

    @Test func dpkgStatusCountsOnlyInstalledPackages() throws {
        let status = """
        Package: kept
        Status: install ok installed
        Version: 1

        Package: removed
        Status: deinstall ok config-files
        Version: 1

        Package: half
        Status: install ok half-configured
        """
        #expect(try DpkgStatus.installedPackages(statusText: status) == ["kept"])
    }

    @Test(arguments: DebianRoots.present)
    func dpkgStatusOfTheDebootstrappedRoots(_ suite: String) throws {
        let installed = try DpkgStatus.installedPackages(root: DebianRoots.path(suite))
        #expect(installed.count > 60 && installed.count < 200, "\(suite): \(installed.count)")
        #expect(installed.isSuperset(of: ["libc6", "dpkg", "apt", "base-files"]))
        // Every installed package that ships a library is in that release's index.
        let release = try #require(Release(name: suite))
        let index = try #require(try EmbeddedIndexes.index(release: release, architecture: "amd64"))
        for name in installed where index.packages[name] == nil {
            let root = DebianRoots.path(suite)
            let list = (try? String(contentsOfFile: root + "/var/lib/dpkg/info/\(name).list", encoding: .utf8))
                ?? (try? String(contentsOfFile: root + "/var/lib/dpkg/info/\(name):amd64.list", encoding: .utf8)) ?? ""
            let libraries = list.split(separator: "\n").filter { path in
                let parts = path.split(separator: "/")
                return LibraryDirectories.debian("amd64").contains("/" + parts.dropLast().joined(separator: "/"))
                    && parts.last.map { LibraryDirectories.isSharedLibraryName($0) } == true
            }
            #expect(libraries.isEmpty, "\(suite): \(name) ships \(libraries.prefix(3)) but is missing from the index")
        }
    }

    @Test func repoInfoListsAreEmbeddedWithTheirSource() throws {
        #expect(InstalledPackages.key(forImage: "python:3.12-slim-bookworm") == "python_3.12-slim-bookworm")
        let python = try #require(InstalledPackages.forImage("python:3.12-slim-bookworm"))
        #expect(python.isSuperset(of: ["libssl3", "libsqlite3-0", "libc6", "ca-certificates"]))
        #expect(try #require(InstalledPackages.source(forImage: "python:3.12-slim-bookworm")).contains("docker-library/repo-info"))
        let node = try #require(InstalledPackages.forImage("node:22-bookworm-slim"))
        #expect(node.contains("libstdc++6") && !node.contains("libssl3"))
        // The trixie list carries trixie's names, and every one of them exists in trixie's index
        // or ships no library (the index keeps only library packages and their dependencies).
        let trixie = try #require(InstalledPackages.forImage("python:3.12-slim-trixie"))
        #expect(trixie.contains("libssl3t64") && !trixie.contains("libssl3"))
        let index = try #require(try EmbeddedIndexes.index(release: .debian13, architecture: "amd64"))
        #expect(trixie.filter { $0.hasPrefix("lib") && index.packages[$0] == nil }.isEmpty)
        #expect(InstalledPackages.forImage("nosuch:image") == nil)
        #expect(InstalledPackages.parse("# from x\nfoo:amd64\nbar\n").packages == ["foo", "bar"])
    }

    // MARK: embedded data

    @Test func embeddedIndexesMatchTheCommittedData() throws {
        let folder = TestPaths.packageRoot.appendingPathComponent("Data/packages")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tsv.gz") }.sorted()
        #expect(files.map { String($0.dropLast(".tsv.gz".count)) } == EmbeddedIndexes.available,
                "run python3 Data/tools/gen_packages.py --embed")
        let onDisk = try EmbeddedIndexes.read(path: folder.appendingPathComponent("debian-bookworm-amd64.tsv.gz").path)
        let embedded = try #require(try EmbeddedIndexes.index(key: "debian-bookworm-amd64"))
        #expect(onDisk.packages == embedded.packages, "run python3 Data/tools/gen_packages.py --embed")
        #expect(embedded.source.contains("deb.debian.org/debian/dists/bookworm/main/Contents-amd64.gz"))
    }

    @Test func damagedCompressedIndexIsRefused() throws {
        let path = NSTemporaryDirectory() + "basefit-damaged-\(UUID().uuidString.prefix(6)).tsv.gz"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let good = try Data(contentsOf: TestPaths.packageRoot.appendingPathComponent("Data/packages/debian-bookworm-amd64.tsv.gz"))
        try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: path))
        #expect(throws: PackageKnowledgeError.self) { try EmbeddedIndexes.read(path: path) }
    }
}

@Suite struct RootDistributionTests {
    @Test(arguments: DebianRoots.present)
    func debootstrappedRootsNameTheirRelease(_ suite: String) throws {
        let detected = try #require(try RootDistribution.detect(root: DebianRoots.path(suite)))
        #expect(detected.release == Release(name: suite))
        #expect(detected.release.packageManager == .apt)
        #expect(detected.installed == (try DpkgStatus.installedPackages(root: DebianRoots.path(suite))))
    }

    @Test func absoluteOsReleaseLinkStaysInsideTheRoot() throws {
        let root = NSTemporaryDirectory() + "basefit-osrelease-\(UUID().uuidString.prefix(6))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/usr/lib", withIntermediateDirectories: true)
        try "ID=\"ubuntu\"\nVERSION_ID=\"24.04\"\n".write(toFile: root + "/usr/lib/os-release", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root + "/etc/os-release", withDestinationPath: "/usr/lib/os-release")
        #expect(try RootDistribution.osRelease(root: root)?["ID"] == "ubuntu")
        try FileManager.default.createDirectory(atPath: root + "/var/lib/dpkg", withIntermediateDirectories: true)
        try "Package: libc6\nStatus: install ok installed\n".write(toFile: root + "/var/lib/dpkg/status", atomically: true, encoding: .utf8)
        #expect(try RootDistribution.detect(root: root) == RootDistribution(release: .ubuntu2404, installed: ["libc6"]))
    }
}
