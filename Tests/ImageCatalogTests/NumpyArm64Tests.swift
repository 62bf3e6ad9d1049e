import Foundation
import Testing
import TestSupport
@testable import ImageCatalog
@testable import ImageMeasurement

/// numpy's real manylinux_2_28 aarch64 wheel on the arm64 roots: its
/// `_multiarray_umath` and bundled libgfortran need GCC_4.5.0 from libgcc_s.so.1, which
/// Debian's arm64 libgcc_s defines (amd64's does not). `basefit check --rootfs` must agree
/// with the arm64 loader (qemu-aarch64-static in a chroot) on every shared object of it.
@Suite(.enabled(if: PreparedRoots.canChroot && !PreparedRoots.arm64Suites.isEmpty, "needs root and an arm64 root (\(PreparedRoots.missing("bookworm-arm64")))"), .serialized)
struct NumpyArm64Tests {
    static let wheelName = "numpy-2.4.6-cp311-cp311-manylinux_2_27_aarch64.manylinux_2_28_aarch64.whl"

    @Test(arguments: PreparedRoots.arm64Suites)
    func numpyAarch64WheelAgreesWithTheLoader(_ suite: String) throws {
        guard let wheel = try PyPIWheels.download(Self.wheelName, requirement: "numpy==2.4.6", platform: "manylinux_2_28_aarch64",
                                                  pythonVersion: "3.11") else {
            print("NumpyArm64Tests: skipped, PyPI unreachable (pip download numpy==2.4.6 for manylinux_2_28_aarch64 failed)")
            return
        }
        let root = PreparedRoots.path(suite + "-arm64")
        let work = "/tmp/basefit-numpy-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root + work) }
        let unzip = try Run.program("/usr/bin/env", ["python3", "-m", "zipfile", "-e", wheel, root + work])
        try #require(unzip.status == 0, "\(unzip.stderr)")

        let check = try Run.program(TestPaths.executable.path, ["check", root + work, "--rootfs", root, "--arch", "arm64", "--runtime", "none", "--format", "json"])
        try #require(check.status == 0 || check.status == 1, "\(check.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        let minimum = (json["requirements"] as? [String: Any])?["minimum"] as? [String: String]
        #expect(minimum?["GCC"] == "4.5.0", "numpy's aarch64 build needs GCC_4.5.0: \(minimum ?? [:])")

        let objects = (FileManager.default.enumerator(atPath: root + work)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".so") || $0.contains(".so.") }
        #expect(objects.count > 10)
        var failures: [String] = []
        for object in objects {
            let list = try Arm64RootTests.loaderList(root: root, inside: work + "/" + object)
            if list.status != 0 || (list.stdout + list.stderr).contains("not found") {
                failures.append("\(object): \((list.stderr + list.stdout).split(separator: "\n").first ?? "")")
            }
        }
        #expect((check.status == 0) == failures.isEmpty,
                "\(suite) arm64: basefit \(check.status == 0 ? "compatible" : "incompatible"), loader failures \(failures)")
        // GCC_4.5.0 is really provided: the measured libgcc_s defines it.
        let measured = try RootfsMeasurer(root: root).measure()
        #expect(measured.libraries.first { $0.soname == "libgcc_s.so.1" }?.versions.contains("GCC_4.5.0") == true)
    }
}
