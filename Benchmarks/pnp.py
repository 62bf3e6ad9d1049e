#!/usr/bin/env python3
"""A Yarn Plug'n'Play install against the same packages laid out as node_modules.

    python3 Benchmarks/pnp.py --basefit BIN [--packages 2000] [--files 40] [--native 20] [--runs 5]

Generates (deterministically, under $BENCH_WORK/pnp, default /tmp/basefit-bench/pnp) PACKAGES
packages of FILES JavaScript files each, NATIVE of them with a real shared library
(Fixtures/elf/libcxxdemo.so), twice: as a PnP install (.pnp.cjs in Yarn 4's form, one cache zip
per package, half deflated and half stored as Yarn writes them) and extracted into node_modules.
Times `basefit scan DIR --format json --quiet` on each, and `find -type f` on node_modules (the
floor of any walk), each a separate process, one warm-up then RUNS interleaved rounds, medians.
The two scans must report the same ELF files (by package path).
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def generate(out, packages, files, native):
    stamp = os.path.join(out, "parameters.json")
    parameters = {"packages": packages, "files": files, "native": native, "version": 1}
    if os.path.exists(stamp) and json.load(open(stamp)) == parameters:
        return
    shutil.rmtree(out, ignore_errors=True)
    library = open(os.path.join(HERE, "..", "Fixtures", "elf", "libcxxdemo.so"), "rb").read()
    rng = random.Random(20261202)
    pnp, modules = os.path.join(out, "pnp"), os.path.join(out, "nm")
    os.makedirs(os.path.join(pnp, ".yarn", "cache"))
    os.makedirs(os.path.join(modules, "node_modules"))
    registry = [[None, [[None, {"packageLocation": "./", "packageDependencies": [], "linkType": "SOFT"}]]]]
    for index in range(packages):
        name = "pkg%05d" % index
        contents = {"package.json": json.dumps({"name": name, "version": "1.0.0"}).encode()}
        for number in range(files):
            words = "x".join(str(rng.random()) for _ in range(rng.randint(10, 300)))
            contents["lib/f%03d.js" % number] = ("// %d %d\n%s\n" % (index, number, words)).encode()
        if index < native:
            contents["lib/native.so"] = library
        zip_name = "%s-npm-1.0.0-%010d-10c0.zip" % (name, index)
        method = zipfile.ZIP_DEFLATED if index % 2 else zipfile.ZIP_STORED
        with zipfile.ZipFile(os.path.join(pnp, ".yarn", "cache", zip_name), "w", method) as archive:
            for path, data in sorted(contents.items()):
                archive.writestr(zipfile.ZipInfo("node_modules/%s/%s" % (name, path), (1984, 6, 22, 21, 50, 0)), data, method)
        for path, data in contents.items():
            target = os.path.join(modules, "node_modules", name, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(data)
        registry.append([name, [["npm:1.0.0", {"packageLocation": "./.yarn/cache/%s/node_modules/%s/" % (zip_name, name),
                                               "packageDependencies": [[name, "npm:1.0.0"]], "linkType": "HARD"}]]])
    state = json.dumps({"packageRegistryData": registry}, indent=2)
    literal = state.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\\n")
    with open(os.path.join(pnp, ".pnp.cjs"), "w") as handle:
        handle.write("const RAW_RUNTIME_STATE =\n'" + literal + "';\n")
    json.dump(parameters, open(stamp, "w"))


def timed(command, cwd):
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit("%s failed (%d): %s" % (" ".join(command), result.returncode, result.stderr.decode()[:500]))
    return elapsed, result.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--basefit", required=True)
    parser.add_argument("--packages", type=int, default=2000)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--native", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    out = os.path.join(os.environ.get("BENCH_WORK", "/tmp/basefit-bench"), "pnp")
    generate(out, arguments.packages, arguments.files, arguments.native)
    basefit = os.path.abspath(arguments.basefit)
    commands = {
        "basefit scan (PnP: .pnp.cjs + zips)": [basefit, "scan", "pnp", "--format", "json", "--quiet"],
        "basefit scan (node_modules)": [basefit, "scan", "nm", "--format", "json", "--quiet"],
        "find nm -type f": ["find", "nm", "-type", "f"],
    }
    elf = {}
    for label, command in commands.items():  # warm-up, and the ELF files each scan reports
        _, stdout = timed(command, out)
        if command[0] == basefit:
            report = json.loads(stdout)
            elf[label] = sorted(artifact["path"].split("node_modules/", 1)[1] for artifact in report["artifacts"])
    first, second = list(elf.values())
    if first != second or len(first) != arguments.native:
        sys.exit("the two layouts report different ELF files: %d against %d" % (len(first), len(second)))
    samples = {label: [] for label in commands}
    for _ in range(arguments.runs):
        for label, command in commands.items():
            samples[label].append(timed(command, out)[0])
    print("%d packages, %d files each, %d native; medians of %d interleaved runs" % (
        arguments.packages, arguments.files + 1, arguments.native, arguments.runs))
    for label, values in samples.items():
        print("  %-40s %8.3f s" % (label, statistics.median(values)))
    pnp, modules = (statistics.median(samples[label]) for label in list(commands)[:2])
    print("  PnP / node_modules: %.2f" % (pnp / modules))


if __name__ == "__main__":
    main()
