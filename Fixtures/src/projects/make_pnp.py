#!/usr/bin/env python3
"""Writes Fixtures/projects/node-pnp: a Yarn Plug'n'Play install (Yarn 4 layout) of a project
depending on the napi-rs package @napi-demo/core (its glibc x64 platform package unplugged, as
Yarn unplugs every package holding a .node file) and on @demo/cxxlib, a package that ships a C++
shared library and stays in its cache zip (also reached through a __virtual__ alias, as a
package with peer dependencies is).

The .pnp.cjs holds the runtime state exactly as Yarn 4 writes it (JSON, two-space indent, in a
single-quoted string whose backslashes and quotes are escaped and whose lines end with a `\\`
continuation); Yarn's 2 MB runtime that follows the state in a real file is left out. The zips
are laid out as Yarn's cache zips (node_modules/<name>/…, a fixed date), one deflated and one
stored (Yarn 4's default compressionLevel 0). The ELF files are copies of other fixtures:

    python3 Fixtures/src/projects/make_pnp.py Fixtures      # after the node-napi-rs project

Running it twice gives byte-identical files.
"""
import json
import os
import shutil
import sys
import zipfile

FIXED_DATE = (1984, 6, 22, 21, 50, 0)  # Yarn's cache zips carry this date on every entry


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data if isinstance(data, bytes) else data.encode())


def cache_zip(path, package, files, compression):
    """A Yarn cache zip of one package: its files under node_modules/<package>/."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        parts = ("node_modules/" + package).split("/")
        for depth in range(1, len(parts) + 1):
            info = zipfile.ZipInfo("/".join(parts[:depth]) + "/", FIXED_DATE)
            info.external_attr = (0o40755 << 16) | 0x10
            archive.writestr(info, b"")
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo("node_modules/%s/%s" % (package, name), FIXED_DATE)
            info.external_attr = 0o100644 << 16
            info.compress_type = compression
            archive.writestr(info, data)


def pnp_cjs(state):
    pretty = json.dumps(state, indent=2)
    literal = pretty.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\\n")
    return "".join([
        "#!/usr/bin/env node\n",
        "/* eslint-disable */\n",
        "// @ts-nocheck\n",
        "\"use strict\";\n",
        "\n",
        "const RAW_RUNTIME_STATE =\n",
        "'" + literal + "';\n",
        "\n",
        "function $$SETUP_STATE(hydrateRuntimeState, basePath) {\n",
        "  return hydrateRuntimeState(JSON.parse(RAW_RUNTIME_STATE), {basePath: basePath || __dirname});\n",
        "}\n",
        "\n",
        "// (Yarn's Plug'n'Play runtime follows here in a file Yarn writes; basefit reads only the state.)\n",
    ])


def main():
    fixtures = sys.argv[1] if len(sys.argv) > 1 else "Fixtures"
    out = os.path.join(fixtures, "projects", "node-pnp")
    shutil.rmtree(out, ignore_errors=True)
    napi = os.path.join(fixtures, "projects", "node-napi-rs", "node_modules", "@napi-demo")
    with open(os.path.join(napi, "core-linux-x64-gnu", "core.linux-x64-gnu.node"), "rb") as handle:
        addon = handle.read()
    with open(os.path.join(fixtures, "elf", "needs-glibcxx-3.4.32.so"), "rb") as handle:
        cxx = handle.read()

    core_zip = ".yarn/cache/@napi-demo-core-npm-1.4.0-5c1d0e2a7b-10c0.zip"
    cxx_zip = ".yarn/cache/@demo-cxxlib-npm-2.0.0-9e8f7a6b5c-10c0.zip"
    pad_zip = ".yarn/cache/left-pad-npm-1.3.0-3d86de7f5d-10c0.zip"
    unplugged = ".yarn/unplugged/@napi-demo-core-linux-x64-gnu-npm-1.4.0-7f3b2c1d9e"
    gnu_zip = ".yarn/cache/@napi-demo-core-linux-x64-gnu-npm-1.4.0-2b4d6f8a0c-10c0.zip"
    # Yarn 3.2+ unplugs every package with conditions, and writes the unplugged path of those
    # for other machines without creating it.
    others = {"darwin-arm64": "3c5e7a9b1d", "linux-arm64-gnu": "4d6f8b0c2e", "linux-x64-musl": "5e7a9c1d3f"}
    virtual = "virtual:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9#npm:2.0.0"

    with open(os.path.join(napi, "core", "package.json")) as handle:
        core_manifest = json.load(handle)
    core_manifest["optionalDependencies"]["@napi-demo/core-darwin-arm64"] = "1.4.0"
    cache_zip(os.path.join(out, core_zip), "@napi-demo/core", {
        "package.json": json.dumps(core_manifest, indent=2) + "\n",
        "index.js": "module.exports = require(`@napi-demo/core-${process.platform}-${process.arch}-gnu`);\n",
    }, zipfile.ZIP_DEFLATED)
    cache_zip(os.path.join(out, cxx_zip), "@demo/cxxlib", {
        "package.json": json.dumps({"name": "@demo/cxxlib", "version": "2.0.0", "main": "index.js",
                                    "peerDependencies": {"left-pad": "^1.3.0"}}, indent=2) + "\n",
        "index.js": "module.exports = require('path').join(__dirname, 'lib', 'libglibcxx32.so');\n",
        "lib/libglibcxx32.so": cxx,
    }, zipfile.ZIP_STORED)
    cache_zip(os.path.join(out, pad_zip), "left-pad", {
        "package.json": json.dumps({"name": "left-pad", "version": "1.3.0", "main": "index.js"}, indent=2) + "\n",
        "index.js": "module.exports = (s, n) => String(s).padStart(n);\n",
    }, zipfile.ZIP_STORED)
    # The platform package's cache zip, as a zero-install cache holds it beside its unplugged copy.
    cache_zip(os.path.join(out, gnu_zip), "@napi-demo/core-linux-x64-gnu", {
        "package.json": open(os.path.join(napi, "core-linux-x64-gnu", "package.json"), "rb").read(),
        "core.linux-x64-gnu.node": addon,
    }, zipfile.ZIP_STORED)
    platform_dir = unplugged + "/node_modules/@napi-demo/core-linux-x64-gnu"
    with open(os.path.join(napi, "core-linux-x64-gnu", "package.json"), "rb") as handle:
        write(os.path.join(out, platform_dir, "package.json"), handle.read())
    write(os.path.join(out, platform_dir, "core.linux-x64-gnu.node"), addon)
    os.chmod(os.path.join(out, platform_dir, "core.linux-x64-gnu.node"), 0o755)

    def entry(location, dependencies, link="HARD", peers=None):
        information = {"packageLocation": location, "packageDependencies": dependencies}
        if peers:
            information["packagePeers"] = peers
        information["linkType"] = link
        return information

    state = {
        "__info": [
            "This file is automatically generated. Do not touch it, or risk",
            "your modifications being lost.",
        ],
        "dependencyTreeRoots": [{"name": "node-pnp", "reference": "workspace:."}],
        "enableTopLevelFallback": True,
        "ignorePatternData": "(^(?:\\.yarn\\/sdks(?:\\/(?!\\.{1,2}(?:\\/|$))(?:(?:(?!(?:^|\\/)\\.{1,2}(?:\\/|$)).)*?)|$))$)",
        "fallbackExclusionList": [["node-pnp", ["workspace:."]]],
        "fallbackPool": [],
        "packageRegistryData": [
            [None, [[None, entry("./", [["@demo/cxxlib", virtual], ["@napi-demo/core", "npm:1.4.0"],
                                        ["left-pad", "npm:1.3.0"], ["node-pnp", "workspace:."]], "SOFT")]]],
            ["@demo/cxxlib", [
                ["npm:2.0.0", entry("./" + cxx_zip + "/node_modules/@demo/cxxlib/", [["@demo/cxxlib", "npm:2.0.0"]], "SOFT")],
                [virtual, entry("./.yarn/__virtual__/@demo-cxxlib-virtual-0a1b2c3d4e/0/cache/" + cxx_zip.split("/")[-1]
                                + "/node_modules/@demo/cxxlib/",
                                [["@demo/cxxlib", virtual], ["left-pad", "npm:1.3.0"]], peers=["left-pad"])],
            ]],
            ["@napi-demo/core", [["npm:1.4.0", entry("./" + core_zip + "/node_modules/@napi-demo/core/", [
                ["@napi-demo/core", "npm:1.4.0"], ["@napi-demo/core-darwin-arm64", "npm:1.4.0"],
                ["@napi-demo/core-linux-arm64-gnu", "npm:1.4.0"], ["@napi-demo/core-linux-x64-gnu", "npm:1.4.0"],
                ["@napi-demo/core-linux-x64-musl", "npm:1.4.0"]])]]],
        ] + [
            ["@napi-demo/core-" + platform, [["npm:1.4.0", entry(
                "./.yarn/unplugged/@napi-demo-core-%s-npm-1.4.0-%s/node_modules/@napi-demo/core-%s/" % (platform, digest, platform),
                [["@napi-demo/core-" + platform, "npm:1.4.0"]])]]]
            for platform, digest in sorted(others.items()) if platform < "linux-x64-gnu"
        ] + [
            ["@napi-demo/core-linux-x64-gnu", [["npm:1.4.0", entry("./" + platform_dir + "/",
                                                                   [["@napi-demo/core-linux-x64-gnu", "npm:1.4.0"]])]]],
            ["@napi-demo/core-linux-x64-musl", [["npm:1.4.0", entry(
                "./.yarn/unplugged/@napi-demo-core-linux-x64-musl-npm-1.4.0-%s/node_modules/@napi-demo/core-linux-x64-musl/" % others["linux-x64-musl"],
                [["@napi-demo/core-linux-x64-musl", "npm:1.4.0"]])]]],
            ["left-pad", [["npm:1.3.0", entry("./" + pad_zip + "/node_modules/left-pad/", [["left-pad", "npm:1.3.0"]])]]],
            ["node-pnp", [["workspace:.", entry("./", [["@demo/cxxlib", virtual], ["@napi-demo/core", "npm:1.4.0"],
                                                       ["left-pad", "npm:1.3.0"], ["node-pnp", "workspace:."]], "SOFT")]]],
        ],
    }
    write(os.path.join(out, ".pnp.cjs"), pnp_cjs(state))
    write(os.path.join(out, ".yarnrc.yml"), "nodeLinker: pnp\n")
    write(os.path.join(out, "package.json"), json.dumps({
        "name": "node-pnp", "version": "1.0.0", "private": True, "packageManager": "yarn@4.5.3",
        "dependencies": {"@demo/cxxlib": "2.0.0", "@napi-demo/core": "1.4.0", "left-pad": "1.3.0"},
    }, indent=2) + "\n")
    lock = ["# This file is generated by running \"yarn install\" inside your project.",
            "# Manual changes might be lost - proceed with caution!", "",
            "__metadata:", "  version: 8", "  cacheKey: 10c0", ""]

    def locked(key, version, extra):
        lock.extend(["\"%s\":" % key, "  version: %s" % version, "  resolution: \"%s\"" % key.split(", ")[0]] + extra
                    + ["  languageName: node", "  linkType: hard", ""])

    locked("@demo/cxxlib@npm:2.0.0", "2.0.0", ["  peerDependencies:", "    left-pad: ^1.3.0", "  checksum: 10c0/fixture"])
    for platform, conditions in [("darwin-arm64", "os=darwin & cpu=arm64"), ("linux-arm64-gnu", "os=linux & cpu=arm64 & libc=glibc"),
                                 ("linux-x64-gnu", "os=linux & cpu=x64 & libc=glibc"), ("linux-x64-musl", "os=linux & cpu=x64 & libc=musl")]:
        locked("@napi-demo/core-%s@npm:1.4.0" % platform, "1.4.0", ["  conditions: %s" % conditions])
    locked("@napi-demo/core@npm:1.4.0", "1.4.0", [
        "  dependencies:",
        "    \"@napi-demo/core-darwin-arm64\": \"npm:1.4.0\"",
        "    \"@napi-demo/core-linux-arm64-gnu\": \"npm:1.4.0\"",
        "    \"@napi-demo/core-linux-x64-gnu\": \"npm:1.4.0\"",
        "    \"@napi-demo/core-linux-x64-musl\": \"npm:1.4.0\"",
        "  dependenciesMeta:",
        "    \"@napi-demo/core-darwin-arm64\":", "      optional: true",
        "    \"@napi-demo/core-linux-arm64-gnu\":", "      optional: true",
        "    \"@napi-demo/core-linux-x64-gnu\":", "      optional: true",
        "    \"@napi-demo/core-linux-x64-musl\":", "      optional: true",
        "  checksum: 10c0/fixture"])
    locked("left-pad@npm:1.3.0", "1.3.0", ["  checksum: 10c0/fixture"])
    lock.extend(["\"node-pnp@workspace:.\":", "  version: 0.0.0-use.local", "  resolution: \"node-pnp@workspace:.\"",
                 "  dependencies:", "    \"@demo/cxxlib\": \"npm:2.0.0\"", "    \"@napi-demo/core\": \"npm:1.4.0\"",
                 "    left-pad: \"npm:1.3.0\"", "  languageName: unknown", "  linkType: soft", ""])
    write(os.path.join(out, "yarn.lock"), "\n".join(lock))


if __name__ == "__main__":
    main()
