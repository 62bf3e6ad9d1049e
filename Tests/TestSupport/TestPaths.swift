import Foundation

/// Where the package's committed fixtures and the built executable are.
public enum TestPaths {
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let fixtures = packageRoot.appendingPathComponent("Fixtures")
    public static let elf = fixtures.appendingPathComponent("elf")

    public static func elf(_ name: String) -> String {
        elf.appendingPathComponent(name).path
    }

    /// The `basefit` executable next to the test bundle (`swift build` puts both in one directory).
    public static var executable: URL {
        let direct = Bundle.main.bundleURL.appendingPathComponent("basefit")
        if FileManager.default.isExecutableFile(atPath: direct.path) { return direct }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("basefit")
    }

    /// Every ELF fixture, relative to `Fixtures/elf` (not the truncated one).
    public static let elfFixtures = [
        "abi-addon.node", "go-cgo", "go-nocgo", "hello-glibc", "hello-glibc-nopie", "hello-i386",
        "hello-musl", "hello-musl-static", "hello-static", "hello-static-pie", "libcxxdemo.so",
        "napi-addon.node", "napi-property-key.node", "napi-helper/helper-addon.node", "napi-helper/libnapihelper.so", "needs-glibc-2.39.so", "needs-glibcxx-3.4.32.so", "origin/bin/app",
        "origin/lib/libdep.so", "origin/lib/libold-rpath.so", "chain/bin/app", "chain/bin/app-rpath", "chain/bin/app-both", "bfs/bin/app", "bfs/bin/app-b", "bfs/bin/app-b-rpath", "bfs/lib/libbfsa.so", "bfs/lib/libbfsb.so", "bfs/lib/libbfsc.so", "bfs/lib/deep/libbfsy.so", "chain/lib/libchaina.so.1", "chain/lib/libchainb.so.1", "chain/runpath/libchaina.so.1", "chain/object/libchaina.so.1", "versions/bin/app", "versions/bin/app-user", "versions/user/libversuser.so.1", "versions/lib/libvers.so.1", "versions/new/libvers.so.1", "versions/plain/libvers.so.1", "needs-musl-statx.so", "needs-musl-qsort-r.so", "tiny-ppc64be.so", "x86-64-v3.so", "libversioned.so",
        "go-nocgo-arm64", "needs-libdl", "go-tls", "go-tls-tzdata", "packed-relocs.so", "execstack.so", "hello-opt-loader", "needs-glibc-private.so", "x32.so", "freebsd-osabi.so", "packed-relocs-nolibc.so", "hello-multiarch-loader",
    ]
}

/// Runs a program and captures its output. Test-only: the product never runs anything.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

public enum Run {
    /// The day every CLI test runs on.
    public static let today = "2026-11-30"

    public static func program(
        _ executable: String, _ arguments: [String], currentDirectory: URL? = nil,
        environment: [String: String]? = nil
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        // The clock is fixed for every run (end-of-life decisions, catalog age), unless a
        // test passes its own environment or the caller's shell already fixed it.
        var fixed = environment ?? ProcessInfo.processInfo.environment
        if fixed["BASEFIT_TODAY"] == nil { fixed["BASEFIT_TODAY"] = Run.today }
        process.environment = fixed
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes before waiting so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus,
                             stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Looks a program up on PATH.
    public static func which(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
