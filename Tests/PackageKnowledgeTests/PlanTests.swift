import Foundation
import PackageKnowledge
import TestSupport
import Testing

@Suite struct PlanTests {
    func minbase(_ suite: String) throws -> Set<String> {
        try DpkgStatus.installedPackages(root: DebianRoots.path(suite))
    }

    @Test(.enabled(if: DebianRoots.available("bookworm")))
    func printPlans() throws {
        let installed = try minbase("bookworm")
        let cases: [[MissingLibrary]] = [
            [MissingLibrary(soname: "libssl.so.3", versions: ["OPENSSL_3.0.0"])],
            [MissingLibrary(soname: "libarchive.so.13"), MissingLibrary(soname: "libelf.so.1", versions: ["ELFUTILS_1.0"]), MissingLibrary(soname: "libsqlite3.so.0")],
            ["libGL.so.1", "libX11.so.6", "libxcb.so.1", "libSM.so.6", "libICE.so.6", "libgthread-2.0.so.0", "libglib-2.0.so.0"].map { MissingLibrary(soname: $0) },
            [MissingLibrary(soname: "libnode.so.108")],
        ]
        for missing in cases {
            let plan = try #require(try PackageKnowledge.plan(missing: missing, release: .debian12, architecture: "amd64", installed: installed))
            print(plan.packages, plan.bytes, plan.closure, plan.command ?? "-", plan.unresolved, plan.uncheckedVersions)
        }
    }
}
