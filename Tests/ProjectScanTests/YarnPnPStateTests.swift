import Foundation
@testable import ProjectScan
import Testing
import TestSupport

/// The Plug'n'Play state read from every form Yarn has written it in, against Node itself:
/// each file is evaluated by `node` (the JavaScript string literals decoded by a real
/// JavaScript parser, `$$SETUP_STATE` called as Yarn's runtime calls it) and the packages it
/// lists compared with what basefit reads.
@Suite struct YarnPnPStateTests {
    let fixture = TestPaths.fixtures.appendingPathComponent("projects/node-pnp")

    /// `name|reference|location|linkType` per package, as node reads the state of `file`.
    func nodeReading(_ file: URL, node: String) throws -> [String] {
        let script = """
            const fs = require('fs'), path = require('path');
            const file = process.argv[1];
            const source = fs.readFileSync(file, 'utf8').replace(/^#!.*\\n/, '');
            const load = (p) => (p === 'fs' || p === 'path') ? require(p) : JSON.parse(fs.readFileSync(path.resolve(path.dirname(file), p), 'utf8'));
            const setup = new Function('require', '__dirname', 'path', source + '; return $$SETUP_STATE;')(load, path.dirname(file), path);
            const state = setup((data) => data, path.dirname(file));
            for (const [name, references] of state.packageRegistryData)
              for (const [reference, info] of references)
                if (name !== null) console.log([name, reference ?? '', info.packageLocation, info.linkType].join('|'));
            """
        let result = try Run.program(node, ["-e", script, file.path])
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    func basefitReading(_ file: URL) throws -> [String] {
        let text = try String(contentsOf: file, encoding: .utf8)
        let parsed = Result { () throws(YarnPnPState.ParseError) in try YarnPnPState.parse(text, fileName: file.lastPathComponent) }
        let state: YarnPnPState
        if case .failure(let error) = parsed, error.isSplitState {
            let location = error.dataLocation ?? "./.pnp.data.json"
            let data = try String(contentsOf: file.deletingLastPathComponent().appendingPathComponent(location), encoding: .utf8)
            state = try YarnPnPState.parse(data, fileName: ".pnp.data.json")
        } else {
            state = try parsed.get()
        }
        return state.packages.map { [$0.name, $0.reference, $0.location, $0.isHard ? "HARD" : "SOFT"].joined(separator: "|") }
    }

    /// Yarn 4's `.pnp.cjs` (the fixture), and the same state written as Yarn 3.0 (`JSON.parse`
    /// of the string in place), Yarn 2 (`.pnp.js`, an object literal), Yarn 6 (a JSON string)
    /// and split mode (Yarn 2's `require` of `.pnp.data.json`, Yarn 3/4's `readFileSync` of the
    /// file `pnpDataPath` names) write it: node and basefit read the same packages.
    @Test func everyFormYarnWritesReadsAsNodeReadsIt() throws {
        guard let node = Run.which("node") else {
            print("skipping: node is not installed")
            return
        }
        let directory = try TemporaryDirectory.make("pnp-forms")
        defer { try? FileManager.default.removeItem(at: directory) }
        // The other forms, written from the fixture's state by node with Yarn's own escaping.
        let writer = """
            const fs = require('fs'), path = require('path');
            const [fixture, out] = process.argv.slice(1);
            const source = fs.readFileSync(fixture, 'utf8').replace(/^#!.*\\n/, '');
            const state = new Function(source + '; return $$SETUP_STATE((d) => d);')();
            const pretty = JSON.stringify(state, null, 2);
            const single = "'" + pretty.replace(/\\\\/g, '\\\\\\\\').replace(/'/g, "\\\\'").replace(/\\n/g, '\\\\\\n') + "'";
            const setup = (body) => 'function $$SETUP_STATE(hydrateRuntimeState, basePath) {\\n' + body + '}\\n';
            const write = (dir, name, text) => { fs.mkdirSync(path.join(out, dir), {recursive: true}); fs.writeFileSync(path.join(out, dir, name), text); };
            write('yarn3', '.pnp.cjs', '#!/usr/bin/env node\\n' + setup('  return hydrateRuntimeState(JSON.parse(' + single + '), {basePath: basePath || __dirname});\\n'));
            write('yarn2', '.pnp.js', setup(('return hydrateRuntimeState(' + pretty + ', {basePath: basePath || __dirname});\\n').replace(/^/gm, '  ')));
            write('yarn6', '.pnp.cjs', 'const RAW_RUNTIME_STATE =\\n' + JSON.stringify(JSON.stringify(state)) + ';\\n\\n'
                + setup('  return hydrateRuntimeState(JSON.parse(RAW_RUNTIME_STATE), {basePath: basePath || __dirname});\\n'));
            write('split', '.pnp.cjs', setup('  var dataLocation = path.resolve(__dirname, "./.pnp.data.json");\\n'
                + '  return hydrateRuntimeState(require(dataLocation), {basePath: basePath || path.dirname(dataLocation)});\\n'));
            write('split', '.pnp.data.json', JSON.stringify(state, null, 2));
            write('split34', '.pnp.cjs', '#!/usr/bin/env node\\n' + setup("  const fs = require('fs');\\n  const path = require('path');\\n"
                + '  const pnpDataFilepath = path.resolve(__dirname, "./state/pnp.json");\\n'
                + "  return hydrateRuntimeState(JSON.parse(fs.readFileSync(pnpDataFilepath, 'utf8')), {basePath: basePath || __dirname});\\n"));
            write('split34/state', 'pnp.json', JSON.stringify(state, null, 2));
            """
        let written = try Run.program(node, ["-e", writer, fixture.appendingPathComponent(".pnp.cjs").path, directory.path])
        try #require(written.status == 0, "\(written.stderr)")
        let files = [fixture.appendingPathComponent(".pnp.cjs")]
            + ["yarn3/.pnp.cjs", "yarn2/.pnp.js", "yarn6/.pnp.cjs", "split/.pnp.cjs", "split34/.pnp.cjs"].map { directory.appendingPathComponent($0) }
        let expected = try nodeReading(files[0], node: node)
        #expect(expected.count == 9, "\(expected)")
        #expect(expected.contains("@demo/cxxlib|virtual:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9#npm:2.0.0|./.yarn/__virtual__/@demo-cxxlib-virtual-0a1b2c3d4e/0/cache/@demo-cxxlib-npm-2.0.0-9e8f7a6b5c-10c0.zip/node_modules/@demo/cxxlib/|HARD"))
        for file in files {
            let oracle = try nodeReading(file, node: node)
            #expect(oracle == expected, "node reads \(file.path) differently")
            #expect(try basefitReading(file) == oracle, "\(file.path)")
        }
    }

    /// Yarn's VirtualFS: `<base>/__virtual__/<hash>/<depth>/<rest>` is `<rest>` `depth`
    /// directories above `<base>`.
    @Test func virtualLocationsResolveAsYarnsVirtualFS() {
        #expect(YarnPnPState.resolvingVirtual("./.yarn/__virtual__/a-virtual-1234/0/cache/a-npm-1.0.0-x.zip/node_modules/a/")
                == "./.yarn/cache/a-npm-1.0.0-x.zip/node_modules/a/")
        #expect(PathText.normalize(YarnPnPState.resolvingVirtual("./.yarn/__virtual__/w-virtual-1234/1/packages/w/")) == "packages/w")
        #expect(PathText.normalize(YarnPnPState.resolvingVirtual("./.yarn/$$virtual/w-virtual-1234/2/x/node_modules/w/")) == "../x/node_modules/w")
        // No depth: left as it is (Yarn too resolves only <hash>/<number>/…).
        #expect(YarnPnPState.resolvingVirtual("./.yarn/__virtual__/a-virtual-1234/") == "./.yarn/__virtual__/a-virtual-1234/")
        #expect(YarnPnPState.resolvingVirtual("./.yarn/cache/a.zip/node_modules/a/") == "./.yarn/cache/a.zip/node_modules/a/")
    }

    /// What is not a state Yarn wrote is an error that says what is wrong, never an empty install.
    @Test func damagedStatesAreErrors() {
        func detail(_ text: String, _ name: String = ".pnp.cjs") -> String? {
            do {
                _ = try YarnPnPState.parse(text, fileName: name)
                return nil
            } catch {
                return error.detail
            }
        }
        #expect(detail("module.exports = {};") == "no Plug'n'Play runtime state in it (not a file Yarn wrote)")
        #expect(detail("const RAW_RUNTIME_STATE =\n'{\\\n  \"packageRegistryData\": []") == "the runtime state string is not closed")
        #expect(detail("const RAW_RUNTIME_STATE =\n'{\n}';") == "the runtime state string ends at a line break (byte 28)")
        #expect(detail("const RAW_RUNTIME_STATE =\n'{\"fallbackPool\": []}';") == "the runtime state has no packageRegistryData")
        #expect(detail("const RAW_RUNTIME_STATE =\n'{\"packageRegistryData\": [[\"a\", [[\"npm:1\", {\"linkType\": \"HARD\"}]]]]}';")
                == "package a has an entry without a packageLocation")
        #expect(detail("{\"packageRegistryData\": [[\"a\", [[\"npm:1\", {\"packageLocation\": \"./a/\", \"linkType\": \"hard\"}]]]]}", ".pnp.data.json")
                == "package a has linkType hard (HARD or SOFT expected)")
        #expect(detail("{\"packageRegistryData\": ", ".pnp.data.json") == "the runtime state is not valid JSON")
        #expect(detail("return hydrateRuntimeState(require(dataLocation), {});") == YarnPnPState.splitState.detail)
        #expect(throws: YarnPnPState.ParseError.self) { try YarnPnPState.parse("return hydrateRuntimeState(require(dataLocation), {});", fileName: ".pnp.cjs") }
    }
}
