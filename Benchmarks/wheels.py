#!/usr/bin/env python3
"""Per-wheel speed: `auditwheel show W` against `basefit scan --format json --quiet W`, each a
separate process as users run them, on real PyPI wheels from 20 KB to 20 MB.

  python3 Benchmarks/wheels.py --basefit BIN [--baseline BIN] [--auditwheel BIN] [--runs 5]
                               [--index-root /var/cache/basefit/wheels/index] [--out results-wheels.json]

The wheels come from the local index cache (Fixtures/pypi/fetch_index.py + index_server.py
download them from PyPI on first use; the script asks PyPI directly for any that are missing)
plus the committed Fixtures/projects/wheels. Each command gets one warm-up run, then --runs
interleaved rounds; the table shows medians and auditwheel/basefit per wheel, and the geometric
mean. --baseline adds a column for another basefit binary (e.g. main's) to show the change.
"""
import argparse
import hashlib
import json
import math
import os
import statistics
import subprocess
import sys
import time
import urllib.request

WHEELS = [
    "MarkupSafe-3.0.2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "orjson-3.10.11-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "orjson-3.10.11-cp312-cp312-musllinux_1_2_x86_64.whl",
    "pydantic_core-2.23.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "psycopg2_binary-2.9.10-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "psycopg2_binary-2.9.10-cp312-cp312-musllinux_1_2_x86_64.whl",
    "cryptography-43.0.3-cp39-abi3-manylinux_2_28_x86_64.whl",
    "cryptography-43.0.3-cp39-abi3-musllinux_1_2_x86_64.whl",
    "numpy-2.1.3-cp312-cp312-musllinux_1_1_x86_64.whl",
    "numpy-2.1.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "numpy-2.1.3-cp313-cp313t-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
]


def ensure(root, name):
    path = os.path.join(root, "files", name)
    if os.path.exists(path):
        return path
    for project in os.listdir(os.path.join(root, "projects")):
        with open(os.path.join(root, "projects", project)) as f:
            for entry in json.load(f)["files"]:
                if entry["filename"] == name:
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    data = urllib.request.urlopen(entry["url"], timeout=120).read()
                    if hashlib.sha256(data).hexdigest() != entry["hashes"]["sha256"]:
                        raise SystemExit("sha256 mismatch for " + name)
                    with open(path + ".part", "wb") as out:
                        out.write(data)
                    os.replace(path + ".part", path)
                    return path
    return None


def once(argv):
    t0 = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, p.returncode


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--basefit", required=True)
    parser.add_argument("--baseline")
    parser.add_argument("--auditwheel", default="auditwheel")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--index-root", default="/var/cache/basefit/wheels/index")
    parser.add_argument("--out", default="/tmp/basefit-bench/results-wheels.json")
    args = parser.parse_args()
    fixtures = os.path.join(os.path.dirname(here), "Fixtures", "projects", "wheels")
    paths = []
    for name in WHEELS:
        path = ensure(args.index_root, name)
        if path:
            paths.append(path)
    paths += [os.path.join(fixtures, n) for n in sorted(os.listdir(fixtures))
              if n.endswith(".whl") and not n.startswith(("liar", "wrongc"))]
    paths.sort(key=os.path.getsize)
    commands = {}
    for path in paths:
        commands[path] = {"auditwheel": [args.auditwheel, "show", path],
                          "basefit": [args.basefit, "scan", "--format", "json", "--quiet", path]}
        if args.baseline:
            commands[path]["baseline"] = [args.baseline, "scan", "--format", "json", "--quiet", path]
    samples = {path: {k: [] for k in cmds} for path, cmds in commands.items()}
    for path, cmds in commands.items():  # warm-up
        for argv in cmds.values():
            once(argv)
    for _ in range(args.runs):
        for path, cmds in commands.items():
            for key, argv in cmds.items():
                samples[path][key].append(once(argv)[0])
    rows = []
    header = "%-82s %10s %10s %10s %8s" % ("wheel", "bytes", "auditwheel", "basefit", "ratio")
    if args.baseline:
        header += " %10s %8s" % ("baseline", "b.ratio")
    print(header)
    ratios, baseline_ratios = [], []
    for path in paths:
        med = {k: statistics.median(v) for k, v in samples[path].items()}
        ratio = med["auditwheel"] / med["basefit"]
        ratios.append(ratio)
        line = "%-82s %10d %9.3fs %9.3fs %7.1fx" % (os.path.basename(path)[:82], os.path.getsize(path), med["auditwheel"], med["basefit"], ratio)
        row = {"wheel": os.path.basename(path), "bytes": os.path.getsize(path), "medianSeconds": med, "ratio": ratio}
        if args.baseline:
            b = med["auditwheel"] / med["baseline"]
            baseline_ratios.append(b)
            line += " %9.3fs %7.1fx" % (med["baseline"], b)
            row["baselineRatio"] = b
        print(line)
        rows.append(row)
    geo = math.exp(sum(map(math.log, ratios)) / len(ratios))
    print("geometric mean auditwheel/basefit: %.1fx (min %.1fx, max %.1fx) over %d wheels, %d runs each"
          % (geo, min(ratios), max(ratios), len(ratios), args.runs))
    if baseline_ratios:
        print("baseline: %.1fx (min %.1fx)" % (math.exp(sum(map(math.log, baseline_ratios)) / len(baseline_ratios)), min(baseline_ratios)))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"rows": rows, "geometricMean": geo, "runs": args.runs}, f, indent=2)


if __name__ == "__main__":
    main()
