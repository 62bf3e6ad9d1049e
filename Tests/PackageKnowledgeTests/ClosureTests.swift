import Domain
import PackageKnowledge
import Testing

/// The closure rules on a small hand-made index, where every answer can be worked out by hand.
@Suite struct ClosureTests {
    static func library(_ name: String) -> [LibraryFile] { [LibraryFile(directory: "/usr/lib/x86_64-linux-gnu", name: name)] }

    static let index = PackageIndex(release: "test", architecture: "amd64", source: "hand-made", packages: [
        PackageRecord(name: "libc6", version: "2.36-9", installedBytes: 10_000, priority: .required, libraries: library("libc.so.6")),
        // libx.so.1 ships in two packages: a heavy one and a light one.
        PackageRecord(name: "libx-heavy", version: "1.0-1", installedBytes: 1_000, depends: [["libc6"], ["bigdata"]], libraries: library("libx.so.1")),
        PackageRecord(name: "bigdata", version: "1.0-1", installedBytes: 900_000),
        PackageRecord(name: "libx-light", version: "1.0-1", installedBytes: 5_000, depends: [["libc6"]], libraries: library("libx.so.1")),
        // liby depends on a virtual name (first) or a real package (second): apt takes the virtual's provider.
        PackageRecord(name: "liby1", version: "2.0-1", installedBytes: 2_000, depends: [["virtual-conf", "real-conf"]], libraries: library("liby.so.1")),
        PackageRecord(name: "conf-optional", version: "1", installedBytes: 100, priority: .optional, provides: ["virtual-conf"]),
        PackageRecord(name: "conf-important", version: "1", installedBytes: 200, priority: .important, provides: ["virtual-conf"]),
        PackageRecord(name: "real-conf", version: "1", installedBytes: 300),
        // libz1 pulls in liby1, so naming both would be redundant.
        PackageRecord(name: "libz1", version: "1.0-1", installedBytes: 3_000, depends: [["liby1"]], libraries: library("libz.so.1")),
        // libbroken needs something the release does not have.
        PackageRecord(name: "libbroken0", version: "1", installedBytes: 10, depends: [["not-in-this-release"]], libraries: library("libbroken.so.0")),
    ])

    func plan(_ sonames: [String], installed: Set<String> = ["libc6"]) -> InstallPlan {
        PackageKnowledge.plan(missing: sonames.map { MissingLibrary(soname: $0) }, index: Self.index, manager: .apt, installed: installed)
    }

    @Test func cheapestProviderWins() {
        let plan = plan(["libx.so.1"])
        #expect(plan.packages == ["libx-light"])
        #expect(plan.bytes == 5_000)
    }

    @Test func virtualAlternativeTakesItsHighestPriorityProvider() {
        let plan = plan(["liby.so.1"])
        #expect(plan.closure == ["conf-important", "liby1"])
        #expect(plan.bytes == 2_200)
    }

    @Test func anInstalledProviderSatisfiesTheGroup() {
        let plan = plan(["liby.so.1"], installed: ["libc6", "conf-optional"])
        #expect(plan.closure == ["liby1"])
        #expect(plan.bytes == 2_000)
    }

    @Test func aPackagePulledInByAnotherIsNotNamed() {
        let plan = plan(["liby.so.1", "libz.so.1"])
        #expect(plan.packages == ["libz1"])
        #expect(plan.closure == ["conf-important", "liby1", "libz1"])
        #expect(plan.providers == ["liby.so.1": "liby1", "libz.so.1": "libz1"])
    }

    @Test func uninstallableAndUnknownLibrariesAreUnresolved() {
        let plan = plan(["libbroken.so.0", "libnothere.so.3", "libx.so.1"])
        #expect(plan.packages == ["libx-light"])
        #expect(plan.unresolved.map(\.soname) == ["libbroken.so.0", "libnothere.so.3"])
        #expect(plan.unresolved[0].reason.contains("dependencies missing"))
        #expect(!plan.isComplete)
    }

    @Test func nothingMissingMeansNothingToRun() {
        let plan = plan([])
        #expect(plan.packages.isEmpty && plan.closure.isEmpty && plan.bytes == 0 && plan.command == nil)
    }
}
