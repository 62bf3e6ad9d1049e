import Foundation
import Testing
import TestSupport

/// Yarn Plug'n'Play installs (`Fixtures/projects/node-pnp`, written by
/// `Fixtures/src/projects/make_pnp.py`): no node_modules; what stays in Yarn's cache zips is
/// judged from the zips, and an install that is not on this machine is never taken for a
/// project without native code.
@Suite struct YarnPnPTests {
    let fixture = TestPaths.fixtures.appendingPathComponent("projects/node-pnp")

    func basefit(_ arguments: [String], in directory: URL) throws -> ProcessResult {
        try Run.program(TestPaths.executable.path, arguments, currentDirectory: directory)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    /// A copy of the fixture to change.
    func copy(into root: URL) throws -> URL {
        let project = root.appendingPathComponent("app")
        try FileManager.default.copyItem(at: fixture, to: project)
        return project
    }

    /// The ELF members of every cache zip the state names, as Python's zipfile reads them (the oracle).
    func elfMembersByPython() throws -> [String] {
        let script = """
            import pathlib, re, sys, zipfile
            state = open(sys.argv[1] + '/.pnp.cjs').read()
            for path in sorted(pathlib.Path(sys.argv[1]).glob('.yarn/cache/*.zip')):
                if '/' + path.name + '/node_modules/' not in state: continue  # a zip the state does not name
                with zipfile.ZipFile(path) as archive:
                    for name in archive.namelist():
                        if archive.read(name)[:4] == b'\\x7fELF':
                            print('./.yarn/cache/%s!/%s' % (path.name, name))
            """
        let result = try Run.program("/usr/bin/python3", ["-c", script, fixture.path])
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// The C++ library that stays zipped (needs GLIBCXX_3.4.32) is judged: bookworm's
    /// libstdc++ (3.4.30) fails it, trixie's passes; the unplugged addon and the zipped one are
    /// the project's two ELF files, each attributed to its package (the zipped one by the
    /// package.json inside its zip); the platform family's parent, zipped too, makes the musl
    /// sibling known.
    @Test func packagesInYarnsCacheZipsAreJudged() throws {
        let zipped = try elfMembersByPython()
        #expect(zipped == ["./.yarn/cache/@demo-cxxlib-npm-2.0.0-9e8f7a6b5c-10c0.zip!/node_modules/@demo/cxxlib/lib/libglibcxx32.so"])
        let scan = try json(try basefit(["scan", ".", "--format", "json"], in: fixture).stdout)
        let artifacts = try #require(scan["artifacts"] as? [[String: Any]])
        let paths = artifacts.compactMap { $0["path"] as? String }
        #expect(paths == zipped + ["./.yarn/unplugged/@napi-demo-core-linux-x64-gnu-npm-1.4.0-7f3b2c1d9e/node_modules/@napi-demo/core-linux-x64-gnu/core.linux-x64-gnu.node"])
        let packages = artifacts.compactMap { ($0["package"] as? [String: Any])?["name"] as? String }
        #expect(packages == ["@demo/cxxlib", "@napi-demo/core-linux-x64-gnu"])
        let findings = (scan["findings"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(findings == ["only the glibc build @napi-demo/core-linux-x64-gnu is installed; the package also publishes @napi-demo/core-linux-x64-musl"])

        let bookworm = try basefit(["check", ".", "--base", "node:22-bookworm-slim", "--format", "json"], in: fixture)
        #expect(bookworm.status == 1, "\(bookworm.stdout)\(bookworm.stderr)")
        let problems = (try json(bookworm.stdout)["problems"] as? [[String: Any]]) ?? []
        #expect(problems.count == 1)
        #expect((problems.first?["message"] as? String)?.hasPrefix(zipped[0] + " needs GLIBCXX_3.4.32 (_ZSt21ios_base_library_initv) from libstdc++.so.6") == true,
                "\(problems)")
        let trixie = try basefit(["check", ".", "--base", "node:22-trixie-slim"], in: fixture)
        #expect(trixie.status == 0 && trixie.stdout.contains("loads 2 ELF files for amd64"), "\(trixie.stdout)\(trixie.stderr)")
        // The platform packages for other machines, whose unplugged paths Yarn writes and never
        // creates, are no gap: nothing is said of them.
        #expect(trixie.stderr.isEmpty, "\(trixie.stderr)")
        #expect((scan["warnings"] as? [Any])?.isEmpty == true, "\(scan["warnings"] ?? "")")

        // A project below a directory named .yarn or node_modules is read all the same.
        let root = try TemporaryDirectory.make("pnp-nested")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("ws/.yarn"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixture, to: root.appendingPathComponent("ws/.yarn/app"))
        let nested = try basefit(["check", "ws/.yarn/app", "--base", "node:22-bookworm-slim"], in: root)
        #expect(nested.status == 1 && nested.stdout.contains("libglibcxx32.so needs GLIBCXX_3.4.32"), "\(nested.stdout)\(nested.stderr)")
    }

    /// Rewrites the fixture copy's state (as `.pnp.data.json`, with a split-mode loader as Yarn
    /// 3/4 writes it) through `transform`, Python code on `state`.
    func rewriteState(_ project: URL, _ transform: String) throws {
        let script = #"""
            import json, sys
            path = sys.argv[1]
            text = open(path + '/.pnp.cjs').read()
            start = text.index("const RAW_RUNTIME_STATE =\n'") + len("const RAW_RUNTIME_STATE =\n'")
            literal = text[start:text.index("';\n", start)]
            state = json.loads(literal.replace('\\\n', '').replace("\\'", "'").replace('\\\\', '\\'))
            exec(sys.argv[2])
            json.dump(state, open(path + '/.pnp.data.json', 'w'), indent=2)
            open(path + '/.pnp.cjs', 'w').write('function $$SETUP_STATE(hydrateRuntimeState, basePath) {\n'
                '  const fs = require(\'fs\');\n  const path = require(\'path\');\n'
                '  const pnpDataFilepath = path.resolve(__dirname, "./.pnp.data.json");\n'
                '  return hydrateRuntimeState(JSON.parse(fs.readFileSync(pnpDataFilepath, \'utf8\')), {basePath: basePath || __dirname});\n}\n')
            """#
        let made = try Run.program("/usr/bin/python3", ["-c", script, project.path, transform])
        try #require(made.status == 0, "\(made.stderr)")
    }

    /// node_modules installed on a Mac, the Plug'n'Play way: the darwin platform package is
    /// unplugged and its parent stays zipped. Its Linux siblings are named in the zipped
    /// parent's optionalDependencies, so the darwin build is not passed over as a macOS-only
    /// package (it was: the gate passed with no native code judged). The same when the darwin
    /// package stays in its cache zip (unplugging turned off).
    @Test func aMacInstallIsNotJudgedAsPureJavaScript() throws {
        let root = try TemporaryDirectory.make("pnp-mac")
        defer { try? FileManager.default.removeItem(at: root) }
        let project = try copy(into: root)
        let wheel = TestPaths.fixtures.appendingPathComponent("projects/foreign-wheels/markupsafe-3.0.3-cp311-cp311-macosx_11_0_arm64.whl")
        let darwin = ".yarn/unplugged/@napi-demo-core-darwin-arm64-npm-1.4.0-3c5e7a9b1d/node_modules/@napi-demo/core-darwin-arm64"
        try FileManager.default.removeItem(at: project.appendingPathComponent(".yarn/unplugged"))
        try FileManager.default.createDirectory(at: project.appendingPathComponent(darwin), withIntermediateDirectories: true)
        let extract = "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); open(sys.argv[2], 'wb').write(z.read(next(n for n in z.namelist() if n.endswith('darwin.so'))))"
        let made = try Run.program("/usr/bin/python3", ["-c", extract, wheel.path, project.appendingPathComponent(darwin + "/core.darwin-arm64.node").path])
        try #require(made.status == 0, "\(made.stderr)")
        try Data(#"{"name": "@napi-demo/core-darwin-arm64", "version": "1.4.0", "os": ["darwin"], "cpu": ["arm64"]}"#.utf8)
            .write(to: project.appendingPathComponent(darwin + "/package.json"))

        let check = try basefit(["check", ".", "--base", "node:22-trixie-slim", "--format", "json"], in: project)
        #expect(check.status == 2, "\(check.stdout)\(check.stderr)")
        let unjudged = (try json(check.stdout)["unjudged"] as? [[String: Any]]) ?? []
        #expect(unjudged.compactMap { $0["path"] as? String } == ["./" + darwin + "/core.darwin-arm64.node"], "\(unjudged)")
        #expect((unjudged.first?["reason"] as? String)?.contains("one of @napi-demo/core's platform packages, and none of its Linux ones") == true)

        let zip = ".yarn/cache/@napi-demo-core-darwin-arm64-npm-1.4.0-1a2b3c4d5e-10c0.zip"
        let zipped = """
            import os, shutil, sys, zipfile
            project, folder, zip = sys.argv[1:4]
            with zipfile.ZipFile(os.path.join(project, zip), 'w', zipfile.ZIP_DEFLATED) as archive:
                for name in sorted(os.listdir(os.path.join(project, folder))):
                    archive.write(os.path.join(project, folder, name), 'node_modules/@napi-demo/core-darwin-arm64/' + name)
            shutil.rmtree(os.path.join(project, '.yarn/unplugged'))
            """
        let moved = try Run.program("/usr/bin/python3", ["-c", zipped, project.path, darwin, zip])
        try #require(moved.status == 0, "\(moved.stderr)")
        try rewriteState(project, """
            for name, references in state['packageRegistryData']:
                if name == '@napi-demo/core-darwin-arm64':
                    references[0][1]['packageLocation'] = './\(zip)/node_modules/@napi-demo/core-darwin-arm64/'
            """)
        let zippedCheck = try basefit(["check", ".", "--base", "node:22-trixie-slim", "--format", "json"], in: project)
        #expect(zippedCheck.status == 2, "\(zippedCheck.stdout)\(zippedCheck.stderr)")
        let zippedUnjudged = (try json(zippedCheck.stdout)["unjudged"] as? [[String: Any]]) ?? []
        #expect(zippedUnjudged.compactMap { $0["path"] as? String } == ["./" + zip + "!/node_modules/@napi-demo/core-darwin-arm64/core.darwin-arm64.node"],
                "\(zippedUnjudged)")
    }

    /// A zero-install checkout before `yarn install`: the cache zips are there, nothing is
    /// unplugged. What stays zipped is judged from the zips (the C++ library fails Alpine and
    /// bookworm); which platform package each image installs is judged from yarn.lock. Without
    /// the lockfile, a package Yarn would unplug is judged from its cache zip, unless it is
    /// built at install, and the platform packages it cannot tell apart are not judged.
    @Test func aZeroInstallCheckoutIsJudgedFromItsZipsAndLockfile() throws {
        let root = try TemporaryDirectory.make("pnp-fresh")
        defer { try? FileManager.default.removeItem(at: root) }
        let project = try copy(into: root)
        try FileManager.default.removeItem(at: project.appendingPathComponent(".yarn/unplugged"))
        let trixie = try basefit(["check", ".", "--base", "node:22-trixie-slim"], in: project)
        #expect(trixie.status == 0, "\(trixie.stdout)\(trixie.stderr)")
        #expect(trixie.stdout.contains("loads 1 ELF file and the packages locked in ./yarn.lock"), "\(trixie.stdout)")
        #expect(trixie.stderr.contains("./.pnp.cjs: none of the platform packages it unplugs is here (@napi-demo/core-linux-arm64-gnu, "
                                       + "@napi-demo/core-linux-x64-gnu, @napi-demo/core-linux-x64-musl): yarn install has not run on this machine; "
                                       + "which of them each image installs is judged from yarn.lock beside it"), "\(trixie.stderr)")
        let alpine = try basefit(["check", ".", "--base", "node:22-alpine", "--format", "json"], in: project)
        #expect(alpine.status == 1, "\(alpine.stdout)\(alpine.stderr)")
        let problems = ((try json(alpine.stdout)["problems"] as? [[String: Any]]) ?? []).compactMap { $0["message"] as? String }
        #expect(problems.contains { $0.hasPrefix("./.yarn/cache/@demo-cxxlib-npm-2.0.0-9e8f7a6b5c-10c0.zip!/node_modules/@demo/cxxlib/lib/libglibcxx32.so needs glibc") },
                "\(problems)")

        try FileManager.default.removeItem(at: project.appendingPathComponent("yarn.lock"))
        let bare = try basefit(["check", ".", "--base", "node:22-trixie-slim", "--format", "json"], in: project)
        #expect(bare.status == 2, "\(bare.stdout)\(bare.stderr)")
        let object = try json(bare.stdout)
        #expect(object["judged"] as? String == "2 ELF files")
        let reasons = ((object["unjudged"] as? [[String: Any]]) ?? []).compactMap { $0["reason"] as? String }
        #expect(reasons.count == 1 && reasons[0].hasPrefix("3 of the 7 packages it installs are not on this machine (a package Yarn builds at install is judged once built): "
                                                           + "@napi-demo/core-darwin-arm64"), "\(reasons)")
        let scan = try json(try basefit(["scan", ".", "--format", "json"], in: project).stdout)
        let paths = ((scan["artifacts"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String }
        #expect(paths.contains("./.yarn/cache/@napi-demo-core-linux-x64-gnu-npm-1.4.0-2b4d6f8a0c-10c0.zip!/node_modules/@napi-demo/core-linux-x64-gnu/core.linux-x64-gnu.node"),
                "\(paths)")

        // Built at install (an install script): what its zip holds is not what Yarn unplugs.
        let gnu = project.appendingPathComponent(".yarn/cache/@napi-demo-core-linux-x64-gnu-npm-1.4.0-2b4d6f8a0c-10c0.zip")
        let script = """
            import sys, zipfile
            path = sys.argv[1]
            members = {info.filename: zipfile.ZipFile(path).read(info.filename) for info in zipfile.ZipFile(path).infolist()}
            members['node_modules/@napi-demo/core-linux-x64-gnu/package.json'] = b'{"name": "@napi-demo/core-linux-x64-gnu", "scripts": {"install": "node-gyp rebuild"}}'
            with zipfile.ZipFile(path, 'w') as archive:
                for name, data in members.items(): archive.writestr(name, data)
            """
        let rewritten = try Run.program("/usr/bin/python3", ["-c", script, gnu.path])
        try #require(rewritten.status == 0, "\(rewritten.stderr)")
        let built = try json(try basefit(["check", ".", "--base", "node:22-trixie-slim", "--format", "json"], in: project).stdout)
        let builtReasons = ((built["unjudged"] as? [[String: Any]]) ?? []).compactMap { $0["reason"] as? String }
        #expect(builtReasons.first?.hasPrefix("4 of the 7 packages it installs are not on this machine") == true, "\(builtReasons)")
    }

    /// yarn.lock's conditions, per version, decide which missing unplugged folder is a gap: a
    /// package only macOS gets (epollish 1.0.0, `os=darwin`) is none; a package every Linux
    /// install needs (epollish 2.0.0, `os=linux`, nobody's optional dependency) is judged from
    /// its cache zip when Yarn has not unplugged it here (it was taken for another machine's).
    @Test func conditionsPerVersionDecideWhatIsMissing() throws {
        let root = try TemporaryDirectory.make("pnp-conditions")
        defer { try? FileManager.default.removeItem(at: root) }
        let project = try copy(into: root)
        let zip = ".yarn/cache/epollish-npm-2.0.0-0123456789-10c0.zip"
        let made = try Run.program("/usr/bin/python3", ["-c", """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1], 'w') as archive:
                archive.writestr('node_modules/epollish/package.json', '{"name": "epollish", "version": "2.0.0", "os": ["linux"]}')
                archive.writestr('node_modules/epollish/build/Release/epoll.node', open(sys.argv[2], 'rb').read())
            """, project.appendingPathComponent(zip).path, TestPaths.elf("needs-glibc-2.39.so")])
        try #require(made.status == 0, "\(made.stderr)")
        try rewriteState(project, """
            state['packageRegistryData'].append(['epollish', [
                ['npm:1.0.0', {'packageLocation': './.yarn/unplugged/epollish-npm-1.0.0-aaaaaaaaaa/node_modules/epollish/', 'packageDependencies': [], 'linkType': 'HARD'}],
                ['npm:2.0.0', {'packageLocation': './.yarn/unplugged/epollish-npm-2.0.0-bbbbbbbbbb/node_modules/epollish/', 'packageDependencies': [], 'linkType': 'HARD'}]]])
            """)
        let lock = project.appendingPathComponent("yarn.lock")
        let entries = ["\n\"epollish@npm:1.0.0\":", "  version: 1.0.0", "  resolution: \"epollish@npm:1.0.0\"", "  conditions: os=darwin",
                       "  languageName: node", "  linkType: hard", "", "\"epollish@npm:2.0.0\":", "  version: 2.0.0",
                       "  resolution: \"epollish@npm:2.0.0\"", "  conditions: os=linux", "  languageName: node", "  linkType: hard", ""]
        try Data((try String(contentsOf: lock, encoding: .utf8) + entries.joined(separator: "\n")).utf8).write(to: lock)

        let scan = try json(try basefit(["scan", ".", "--format", "json"], in: project).stdout)
        let paths = ((scan["artifacts"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String }
        #expect(paths.contains("./" + zip + "!/node_modules/epollish/build/Release/epoll.node"), "\(paths)")
        #expect((scan["warnings"] as? [Any])?.isEmpty == true, "\(scan["warnings"] ?? "")")
        let bookworm = try basefit(["check", ".", "--base", "node:22-bookworm-slim"], in: project)
        #expect(bookworm.status == 1 && bookworm.stdout.contains("epoll.node needs GLIBC_2.39"), "\(bookworm.stdout)\(bookworm.stderr)")
    }

    /// A `portal:` dependency on a directory outside the scanned one (its state in split mode,
    /// `.pnp.data.json`): what it loads is not judged, unless a path given holds it.
    @Test func aPortalOutsideTheScannedDirectoryIsNotJudgedUnlessGiven() throws {
        let root = try TemporaryDirectory.make("pnp-portal")
        defer { try? FileManager.default.removeItem(at: root) }
        let project = try copy(into: root)
        try rewriteState(project, """
            state['packageRegistryData'].append(['native-helper', [['portal:../native::locator=node-pnp%40workspace%3A.',
                {'packageLocation': '../native/', 'packageDependencies': [], 'linkType': 'SOFT'}]]])
            """)
        let native = root.appendingPathComponent("native/build/Release")
        try FileManager.default.createDirectory(at: native, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.fixtures.appendingPathComponent(
            "projects/node-glibc-addon/node_modules/fastcrypt/build/Release/fastcrypt.node").path, toPath: native.appendingPathComponent("helper.node").path)

        let alone = try basefit(["check", "app", "--base", "node:22-trixie-slim"], in: root)
        #expect(alone.status == 2, "\(alone.stdout)\(alone.stderr)")
        #expect(alone.stdout.contains("not judged: app/.pnp.cjs: a package it lists lies outside the scanned directory (portal:, link:, an unplugged folder "
                                      + "elsewhere): native-helper (native); what it loads is not judged unless a path given holds it"), "\(alone.stdout)")
        let both = try basefit(["check", "app", "native", "--base", "node:22-trixie-slim"], in: root)
        #expect(both.status == 0 && both.stdout.contains("loads 3 ELF files for amd64"), "\(both.stdout)\(both.stderr)")
    }

    /// One workspace of a PnP monorepo scanned on its own, after a build left a tool's cache in
    /// its node_modules: what it loads is installed at the project's root, so beside a binary
    /// of its own it is not called compatible.
    @Test func aWorkspaceScannedAloneIsInconclusive() throws {
        let root = try TemporaryDirectory.make("pnp-workspace")
        defer { try? FileManager.default.removeItem(at: root) }
        let project = try copy(into: root)
        let api = project.appendingPathComponent("packages/api")
        try FileManager.default.createDirectory(at: api, withIntermediateDirectories: true)
        try Data(#"{"name": "api", "version": "1.0.0"}"#.utf8).write(to: api.appendingPathComponent("package.json"))
        try FileManager.default.copyItem(atPath: TestPaths.elf("hello-glibc"), toPath: api.appendingPathComponent("hello").path)
        // What a build leaves there under Plug'n'Play: tools' caches, no package.
        try FileManager.default.createDirectory(at: api.appendingPathComponent("node_modules/.cache/babel-loader"), withIntermediateDirectories: true)
        let alone = try basefit(["check", "app/packages/api", "--base", "node:22-trixie-slim"], in: root)
        #expect(alone.status == 2, "\(alone.stdout)\(alone.stderr)")
        let real = project.resolvingSymlinksInPath().path
        #expect(alone.stdout.contains("not judged: app/packages/api: a workspace of the Yarn Plug'n'Play project in \(real) (its .pnp.cjs): "
                                      + "the packages it loads are installed there and not judged from here; scan \(real)"), "\(alone.stdout)")
        let whole = try basefit(["check", "app", "--base", "node:22-trixie-slim"], in: root)
        #expect(whole.status == 0 && whole.stdout.contains("loads 3 ELF files"), "\(whole.stdout)\(whole.stderr)")
    }

    /// A package whose zip is missing while the rest of the install is here, and a state file
    /// that is not one Yarn wrote: the gate is inconclusive, naming what it could not judge.
    @Test func aMissingZipOrAnUnreadableStateLeavesTheGateInconclusive() throws {
        let root = try TemporaryDirectory.make("pnp-missing")
        defer { try? FileManager.default.removeItem(at: root) }
        let project = try copy(into: root)
        try FileManager.default.removeItem(at: project.appendingPathComponent(".yarn/cache/left-pad-npm-1.3.0-3d86de7f5d-10c0.zip"))
        let missing = try basefit(["check", ".", "--base", "node:22-trixie-slim"], in: project)
        #expect(missing.status == 2, "\(missing.stdout)\(missing.stderr)")
        #expect(missing.stdout.contains("not judged: ./.pnp.cjs: 1 of the 7 packages it installs is not on this machine (a package Yarn builds at "
                                        + "install is judged once built): left-pad (./.yarn/cache/left-pad-npm-1.3.0-3d86de7f5d-10c0.zip); run yarn install"),
                "\(missing.stdout)")

        let state = project.appendingPathComponent(".pnp.cjs")
        let text = try String(contentsOf: state, encoding: .utf8)
        try Data(text.prefix(text.count / 2).utf8).write(to: state)  // cut short, as a failed write leaves it
        let cut = try basefit(["check", ".", "--base", "node:22-trixie-slim"], in: project)
        #expect(cut.status == 2, "\(cut.stdout)\(cut.stderr)")
        #expect(cut.stdout.contains("not judged: ./.pnp.cjs: Yarn Plug'n'Play state not read (.pnp.cjs: the runtime state string is not closed)"),
                "\(cut.stdout)")
    }
}
