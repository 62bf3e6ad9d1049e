import Foundation
import Testing
import TestSupport

/// `check --rootfs` against roots with a real runtime installed (Debian's python3 and
/// nodejs, from scripts/rootfs.sh), with the runtime itself as the oracle: CPython
/// imports the extension modules, Node `process.dlopen`s the addons, in a chroot.
/// basefit may be more cautious than the runtime (a classic NODE_MODULE addon whose ABI
/// it cannot read), never less: no false "compatible".
@Suite(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/chroot"), "needs root for chroot"), .serialized)
struct RuntimeOracleTests {
    static func root(_ name: String) -> String? {
        let path = DebianRoots.cache + "/" + name
        return FileManager.default.fileExists(atPath: path + "/.basefit-complete") ? path : nil
    }

    /// The named root and a fresh directory inside it (a path from the root), or nil when the
    /// root was not made (the test then says it is skipped).
    static func workDirectory(in name: String, prefix: String) throws -> (root: String, work: String)? {
        guard let root = root(name) else {
            print("RuntimeOracleTests: skipped, no \(name) root (bash scripts/rootfs.sh \(name))")
            return nil
        }
        let work = "/tmp/basefit-\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root + work, withIntermediateDirectories: true)
        return (root, work)
    }

    /// A fixture of Fixtures/elf copied into the named root, `check --rootfs` of it (loading
    /// only), and CPython's ctypes dlopening it there; nil when the root was not made.
    func checkAndDlopen(_ fixture: String, in name: String) throws -> (root: String, work: String, check: ProcessResult, dlopen: ProcessResult)? {
        guard let (root, work) = try Self.workDirectory(in: name, prefix: "dlopen") else { return nil }
        try FileManager.default.copyItem(atPath: TestPaths.elf(fixture), toPath: root + work + "/" + fixture)
        let check = try Run.program(TestPaths.executable.path, ["check", root + work + "/" + fixture, "--rootfs", root, "--runtime", "none", "--format", "json"])
        try #require(check.status == 0 || check.status == 1, "\(check.stderr)")
        let loaded = try chroot(root, ["/usr/bin/python3", "-c", "import ctypes; ctypes.CDLL('\(work)/\(fixture)'); print('ok')"])
        return (root, work, check, loaded)
    }

    func check(_ path: String, root: String) throws -> Int32 {
        let result = try Run.program(TestPaths.executable.path, ["check", path, "--rootfs", root, "--format", "json"])
        try #require(result.status == 0 || result.status == 1, "\(result.stderr)")
        return result.status
    }

    func chroot(_ root: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try Run.program("/usr/sbin/chroot", [root] + arguments,
                        environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C", "BASEFIT_TODAY": Run.today].merging(environment) { $1 })
    }

    @Test(arguments: ["bookworm-python", "trixie-python"])
    func cpythonImportsWhatBasefitCallsCompatible(_ name: String) throws {
        guard let directory = try Self.workDirectory(in: name, prefix: "pyoracle") else { return }
        let (root, work) = directory
        defer { try? FileManager.default.removeItem(atPath: root + work) }
        let sitePackages = TestPaths.fixtures.appendingPathComponent("projects/python-venv/lib/python3.11/site-packages").path
        try FileManager.default.copyItem(atPath: sitePackages, toPath: root + work + "/site-packages")
        // The judged tree is the copied site-packages (CPython 3.11 extension modules).
        let verdict = try check(root + work + "/site-packages", root: root)
        let imported = try chroot(root, ["/usr/bin/python3", "-c", "import _cffi_backend, google_crc32c._crc32c; print('ok')"],
                                  environment: ["PYTHONPATH": work + "/site-packages"])
        let loads = imported.status == 0 && imported.stdout.contains("ok")
        if verdict == 0 { #expect(loads, "\(name): basefit says compatible, CPython says \(imported.stderr)") }
        // bookworm's python3 is 3.11 (loads), trixie's 3.13 (does not): both outcomes are seen.
        #expect((verdict == 0) == loads, "\(name): basefit \(verdict == 0 ? "compatible" : "incompatible"), import \(loads ? "works" : "fails: \(imported.stderr)")")
        #expect(loads == (name == "bookworm-python"))
    }

    /// A library that asks for an executable stack, dlopened by CPython (ctypes): glibc 2.41
    /// (trixie) refuses it, 2.36 (bookworm) loads it, and basefit says the same of both roots.
    @Test(arguments: ["bookworm-python", "trixie-python"])
    func executableStackIsRefusedWhereDlopenRefusesIt(_ name: String) throws {
        guard let (root, work, result, loaded) = try checkAndDlopen("execstack.so", in: name) else { return }
        defer { try? FileManager.default.removeItem(atPath: root + work) }
        let kinds = ((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["problems"] as? [[String: Any]] ?? [])
            .compactMap { $0["kind"] as? String }
        let loads = loaded.status == 0 && loaded.stdout.contains("ok")
        #expect((result.status == 0) == loads, "\(name): basefit \(kinds), ctypes \(loads ? "loads it" : "fails: \(loaded.stderr)")")
        #expect(loads == (name == "bookworm-python"))
        if !loads {
            #expect(kinds == ["executable-stack"])
            #expect(loaded.stderr.contains("cannot enable executable stack"), "\(loaded.stderr)")
        }
    }

    /// What needs GLIBC_PRIVATE (a symbol of glibc 2.33's internals) is refused by both roots'
    /// CPython (ctypes), and basefit never calls it compatible.
    @Test(arguments: ["bookworm-python", "trixie-python"])
    func glibcPrivateIsRefused(_ name: String) throws {
        guard let (root, work, result, loaded) = try checkAndDlopen("needs-glibc-private.so", in: name) else { return }
        defer { try? FileManager.default.removeItem(atPath: root + work) }
        #expect(loaded.status != 0 && loaded.stderr.contains("GLIBC_PRIVATE"), "\(name): \(loaded.stdout) \(loaded.stderr)")
        #expect(result.status == 1, "\(name): basefit must not call it compatible")
    }

    @Test(arguments: ["bookworm-node", "trixie-node"])
    func nodeLoadsWhatBasefitCallsCompatible(_ name: String) throws {
        guard let directory = try Self.workDirectory(in: name, prefix: "nodeoracle") else { return }
        let (root, work) = directory
        defer { try? FileManager.default.removeItem(atPath: root + work) }
        let addons = [("abi-addon.node", TestPaths.elf("abi-addon.node")), ("napi-addon.node", TestPaths.elf("napi-addon.node")),
                      ("napi-property-key.node", TestPaths.elf("napi-property-key.node")),
                      ("classic.node", TestPaths.fixtures.appendingPathComponent("projects/node-classic/node_modules/legacy/build/Release/classic.node").path)]
        var outcomes: [String: (basefit: Bool, node: Bool)] = [:]
        for (file, source) in addons {
            let directory = root + work + "/" + file.replacingOccurrences(of: ".node", with: "")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: source, toPath: directory + "/" + file)
            let compatible = try check(directory, root: root) == 0
            let inside = directory.dropFirst(root.count) + "/" + file
            let dlopen = try chroot(root, ["/usr/bin/node", "-e", "const m = { exports: {} }; process.dlopen(m, '\(inside)'); console.log('loaded')"])
            let loads = dlopen.status == 0 && dlopen.stdout.contains("loaded")
            outcomes[file] = (compatible, loads)
            if compatible { #expect(loads, "\(name) \(file): basefit says compatible, process.dlopen says \(dlopen.stderr)") }
        }
        // N-API loads on any Node; the v115 (Node 20) addon only on trixie's Node 20.
        #expect(outcomes["napi-addon.node"]?.basefit == true && outcomes["napi-addon.node"]?.node == true)
        #expect(outcomes["abi-addon.node"]?.basefit == (name == "trixie-node"))
        #expect(outcomes["abi-addon.node"]?.node == (name == "trixie-node"))
        // node_api_create_property_key_utf16: exported by trixie's Node 20.19, not by bookworm's
        // Node 18.20, which refuses the BIND_NOW addon at dlopen; basefit reads both Nodes' exports.
        #expect(outcomes["napi-property-key.node"]?.basefit == (name == "trixie-node"))
        #expect(outcomes["napi-property-key.node"]?.node == (name == "trixie-node"))
        if name == "bookworm-node" {
            let directory = root + work + "/napi-property-key"
            let result = try Run.program(TestPaths.executable.path, ["check", directory, "--rootfs", root, "--format", "json"])
            let problems = (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["problems"] as? [[String: Any]] ?? []
            #expect(problems.map { $0["kind"] as? String } == ["node-api-missing"], "\(result.stdout)")
            #expect(problems.first?["symbols"] as? [String] == ["node_api_create_property_key_utf16"], "\(result.stdout)")
        }
        // A classic NODE_MODULE addon: basefit cannot read its ABI and refuses it everywhere
        // (cautious: trixie's Node 20 happens to accept this one, built for module version 115).
        #expect(outcomes["classic.node"]?.basefit == false)
    }

    /// Node-API calls are judged wherever Node meets them: in a library an addon loads
    /// (`napi-helper/`: the addon calls napi_* only, its libnapihelper.so calls
    /// node_api_create_property_key_utf16), against every Node of a root (bookworm's Node 18 in
    /// /usr/bin beside trixie's Node 20 in /usr/local), and with libnode in /usr/lib64 (Fedora's
    /// layout). Node itself is the oracle where it runs.
    @Test func nodeAPIIsJudgedInLibrariesAndForEveryNode() throws {
        guard RuntimeOracleTests.root("bookworm-node") != nil, let trixie = RuntimeOracleTests.root("trixie-node") else {
            print("RuntimeOracleTests: skipped, no bookworm-node or trixie-node root (bash scripts/rootfs.sh bookworm-node trixie-node)")
            return
        }
        func problems(_ result: ProcessResult) -> [[String: Any]] {
            (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["problems"] as? [[String: Any]] ?? []
        }
        // The library an addon loads, on both roots.
        for name in ["bookworm-node", "trixie-node"] {
            guard let (root, work) = try Self.workDirectory(in: name, prefix: "napihelper") else { return }
            defer { try? FileManager.default.removeItem(atPath: root + work) }
            try FileManager.default.removeItem(atPath: root + work)
            try FileManager.default.copyItem(atPath: TestPaths.elf("napi-helper"), toPath: root + work)
            let check = try Run.program(TestPaths.executable.path, ["check", root + work, "--rootfs", root, "--format", "json"])
            let dlopen = try chroot(root, ["/usr/bin/node", "-e", "const m = { exports: {} }; process.dlopen(m, '\(work)/helper-addon.node'); console.log('loaded')"])
            let loads = dlopen.status == 0 && dlopen.stdout.contains("loaded")
            #expect(loads == (name == "trixie-node"), "\(name): \(dlopen.stderr)")
            #expect(check.status == (loads ? 0 : 1), "\(name): \(check.stdout)\(check.stderr)")
            if !loads {
                #expect(problems(check).map { $0["kind"] as? String } == ["node-api-missing"], "\(check.stdout)")
                #expect((problems(check).first?["artifact"] as? String)?.hasSuffix("/libnapihelper.so") == true, "\(check.stdout)")
            }
        }
        let project = FileManager.default.temporaryDirectory.appendingPathComponent("basefit-napikey-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: project) }
        try FileManager.default.copyItem(atPath: TestPaths.elf("napi-property-key.node"), toPath: project + "/napi-property-key.node")
        let plain = project + "/plain"
        try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.elf("napi-addon.node"), toPath: plain + "/napi-addon.node")

        // Two Nodes: trixie's in /usr/local (what basefit takes as the root's runtime) and
        // bookworm's in /usr/bin, which PATH finds first in many images: the addon fails on it.
        let two = try DebianRoots.linkedCopy("bookworm-node", prefix: "twonodes")
        defer { try? FileManager.default.removeItem(atPath: two) }
        try FileManager.default.createDirectory(atPath: two + "/usr/local/lib", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: trixie + "/usr/bin/node", toPath: two + "/usr/local/bin/node")
        try FileManager.default.copyItem(atPath: trixie + "/usr/lib/x86_64-linux-gnu/libnode.so.115", toPath: two + "/usr/local/lib/libnode.so.115")
        let both = try Run.program(TestPaths.executable.path, ["check", project + "/napi-property-key.node", "--rootfs", two, "--format", "json"])
        #expect(both.status == 1, "\(both.stdout)\(both.stderr)")
        #expect(problems(both).map { $0["kind"] as? String } == ["node-api-missing"], "\(both.stdout)")
        #expect((problems(both).first?["message"] as? String)?.contains("Node 18.20.4 (/usr/bin/node)") == true, "\(both.stdout)")

        // libnode in /usr/lib64: its exports are read there (napi_* only passes, no false alarm).
        let fedora = try DebianRoots.linkedCopy("bookworm-node", prefix: "lib64node")
        defer { try? FileManager.default.removeItem(atPath: fedora) }
        try FileManager.default.createDirectory(atPath: fedora + "/usr/lib64", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: fedora + "/usr/lib/x86_64-linux-gnu/libnode.so.108", toPath: fedora + "/usr/lib64/libnode.so.108")
        let moved = try Run.program(TestPaths.executable.path, ["check", project + "/napi-property-key.node", "--rootfs", fedora, "--format", "json"])
        #expect(problems(moved).map { $0["kind"] as? String } == ["node-api-missing"], "\(moved.stdout)\(moved.stderr)")
        let fine = try Run.program(TestPaths.executable.path, ["check", plain, "--rootfs", fedora])
        #expect(fine.status == 0, "\(fine.stdout)\(fine.stderr)")
    }
}
