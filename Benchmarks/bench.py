#!/usr/bin/env python3
"""Measures basefit against scanelf, find and auditwheel on the generated inputs.

Every command gets one warm-up run, then --runs measured runs; the rounds are interleaved
(round 1 of every command, then round 2 ...) so a drift in machine load hits all of them alike.
Each run is `/usr/bin/time -f "%e %M %U %S" -o FILE cmd` with stdout to /dev/null; wall time is
also taken around it with a monotonic clock (milliseconds, where %e has only centiseconds).
Prints a table and the ratios, checks the targets, writes <work>/results.json.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time


def run_once(argv, cwd=None):
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf, \
            tempfile.TemporaryFile("w+") as err:
        cmd = ["/usr/bin/time", "-f", "%e %M %U %S", "-o", tf.name] + argv
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=cwd)
        wall = time.perf_counter() - t0
        lines = [l for l in open(tf.name).read().splitlines() if l.strip()]
        err.seek(0)
        stderr_head = err.read(2000)
    # time -o writes "Command exited with non-zero status N" before the numbers when rc != 0.
    e, m, u, s = lines[-1].split()
    return {"wall": wall, "elapsed": float(e), "rssKB": int(m), "user": float(u), "sys": float(s),
            "rc": p.returncode, "stderr": stderr_head}


def summarise(label, argv, runs):
    walls = [r["wall"] for r in runs]
    return {
        "label": label,
        "command": " ".join(argv),
        "runs": len(runs),
        "medianSeconds": statistics.median(walls),
        "minSeconds": min(walls),
        "maxSeconds": max(walls),
        "medianElapsedTimeE": statistics.median(r["elapsed"] for r in runs),
        "medianUserSeconds": statistics.median(r["user"] for r in runs),
        "medianSysSeconds": statistics.median(r["sys"] for r in runs),
        "peakRSSMB": max(r["rssKB"] for r in runs) / 1024.0,
        "exitCodes": sorted(set(r["rc"] for r in runs)),
        "samples": [{k: v for k, v in r.items() if k != "stderr"} for r in runs],
        "stderrSample": runs[-1]["stderr"][:500],
    }


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sanity(basefit, tree, wheels, manifest):
    """Untimed: do the tools see the same ELF files? (A fast scanner that misses files is no win.)"""
    out = {}
    p = subprocess.run([basefit, "scan", "--format", "json", "--quiet", tree], capture_output=True, text=True)
    try:
        out["basefitTreeArtifacts"] = len(json.loads(p.stdout)["artifacts"])
    except (ValueError, KeyError):
        out["basefitTreeArtifacts"] = None
    p = subprocess.run(["scanelf", "-R", "-B", "-F", "%F %n", tree], capture_output=True, text=True)
    out["scanelfTreeLines"] = len([l for l in p.stdout.splitlines() if l.strip()])
    p = subprocess.run(["scanelf", "-R", "-q", "-F", "%F %n", tree], capture_output=True, text=True)
    out["scanelfQuietTreeLines"] = len([l for l in p.stdout.splitlines() if l.strip()])
    out["generatedELFFiles"] = manifest["tree"]["elfFiles"]
    p = subprocess.run(["find", tree, "-type", "f"], capture_output=True, text=True)
    out["findFiles"] = len(p.stdout.splitlines())
    p = subprocess.run([basefit, "scan", "--format", "json", "--quiet", wheels], capture_output=True, text=True)
    try:
        d = json.loads(p.stdout)
        out["basefitWheelArtifacts"] = len(d["artifacts"])
        out["basefitWheels"] = len(d.get("wheels", []))
    except (ValueError, KeyError):
        out["basefitWheelArtifacts"] = None
    out["wheelFiles"] = len([f for f in os.listdir(wheels) if f.endswith(".whl")])
    return out


def fmt_row(cols, widths):
    return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cols, widths)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--basefit", required=True)
    ap.add_argument("--auditwheel", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--auditwheel-runs", type=int, default=None)
    ap.add_argument("--binary-info", default="")
    args = ap.parse_args()

    tree = os.path.join(args.work, "tree")
    wheels = os.path.join(args.work, "wheels")
    manifest = json.load(open(os.path.join(args.work, "manifest.json")))
    bf = args.basefit
    napi = os.path.join(args.repo, "Fixtures/projects/node-napi-rs")
    venv = os.path.join(args.repo, "Fixtures/projects/python-venv")
    aw_runs = args.auditwheel_runs if args.auditwheel_runs is not None else args.runs

    commands = [
        ("basefit scan tree", [bf, "scan", "--format", "json", "--quiet", tree], args.runs),
        ("scanelf -R -F '%F %n' tree", ["scanelf", "-R", "-F", "%F %n", tree], args.runs),
        ("scanelf -R -q -F '%F %n' tree", ["scanelf", "-R", "-q", "-F", "%F %n", tree], args.runs),
        ("find tree -type f", ["find", tree, "-type", "f"], args.runs),
        ("basefit scan wheels", [bf, "scan", "--format", "json", "--quiet", wheels], args.runs),
        ("auditwheel show x%d (seq.)" % manifest["wheels"]["wheels"],
         ["bash", "-c", 'for w in "$1"/*.whl; do "$2" show "$w"; done', "_", wheels, args.auditwheel], aw_runs),
        ("basefit recommend node-napi-rs", [bf, "recommend", napi], args.runs),
        ("basefit recommend python-venv", [bf, "recommend", venv], args.runs),
    ]

    load_before = os.getloadavg()[0]
    print("bench: sanity check (untimed) ...", file=sys.stderr)
    checks = sanity(bf, tree, wheels, manifest)

    print("bench: warm-up: one run of each command ...", file=sys.stderr)
    for label, argv, _ in commands:
        run_once(argv)

    samples = {label: [] for label, _, _ in commands}
    rounds = max(n for _, _, n in commands)
    for r in range(rounds):
        print("bench: round %d/%d ..." % (r + 1, rounds), file=sys.stderr)
        for label, argv, n in commands:
            if r < n:
                samples[label].append(run_once(argv))

    load_after = os.getloadavg()[0]
    results = [summarise(label, argv, samples[label]) for label, argv, _ in commands]
    by = {r["label"]: r for r in results}
    med = lambda key: by[key]["medianSeconds"]
    aw_label = commands[5][0]

    ratios = {
        "basefit/scanelf (tree)": med("basefit scan tree") / med("scanelf -R -F '%F %n' tree"),
        "basefit/scanelf -q (tree)": med("basefit scan tree") / med("scanelf -R -q -F '%F %n' tree"),
        "basefit/find (tree)": med("basefit scan tree") / med("find tree -type f"),
        "auditwheel/basefit (wheels)": med(aw_label) / med("basefit scan wheels"),
    }
    rss_tree = by["basefit scan tree"]["peakRSSMB"]
    targets = [
        ("tree scan <= 1.0x scanelf", ratios["basefit/scanelf (tree)"], "<=", 1.0),
        ("tree scan <= 3x find", ratios["basefit/find (tree)"], "<=", 3.0),
        ("wheels >= 20x faster than auditwheel", ratios["auditwheel/basefit (wheels)"], ">=", 20.0),
        ("peak RSS on the tree <= 150 MB", rss_tree, "<=", 150.0),
        ("recommend node-napi-rs <= 0.5 s", med("basefit recommend node-napi-rs"), "<=", 0.5),
        ("recommend python-venv <= 0.5 s", med("basefit recommend python-venv"), "<=", 0.5),
    ]
    target_rows = []
    for name, value, op, limit in targets:
        ok = value <= limit if op == "<=" else value >= limit
        target_rows.append({"target": name, "value": value, "limit": limit, "op": op, "pass": ok})

    t = manifest["tree"]
    print()
    print("basefit benchmark  (%s, %d cores, %d measured runs after 1 warm-up, warm cache)" %
          (datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), os.cpu_count(), args.runs))
    print("tree:   %s  %d files (%.0f MB), %d directories, %d symlinks, %d packages (%d scoped, %d pnpm), %d ELF" %
          (tree, t["files"], t["bytes"] / 1e6, t["directories"], t["symlinks"], t["packages"],
           t["scopedPackages"], t["pnpmPackages"], t["elfFiles"]))
    print("wheels: %s  %d wheels (%d distinct)" % (wheels, manifest["wheels"]["wheels"],
                                                  manifest["wheels"]["distinctWheels"]))
    print("basefit: %s" % args.binary_info)
    print("load:   1-min load average %.2f before, %.2f after%s" % (load_before, load_after,
          "  (WARNING: something else was running; expect noisy maxima)" if max(load_before, load_after) > 2.5 else ""))
    print()
    widths = [34, 9, 9, 9, 8, 8, 10, 5]
    print(fmt_row(["command", "median s", "min s", "max s", "user s", "sys s", "peak RSS MB", "rc"], widths))
    print(fmt_row(["-" * 34, "-" * 9, "-" * 9, "-" * 9, "-" * 8, "-" * 8, "-" * 10, "-" * 5], widths))
    for r in results:
        print(fmt_row([r["label"], "%.3f" % r["medianSeconds"], "%.3f" % r["minSeconds"], "%.3f" % r["maxSeconds"],
                       "%.2f" % r["medianUserSeconds"], "%.2f" % r["medianSysSeconds"],
                       "%.1f" % r["peakRSSMB"], ",".join(map(str, r["exitCodes"]))], widths))
    print()
    print("ratios (of medians):")
    for k, v in ratios.items():
        print("  %-30s %7.2f" % (k, v))
    print()
    print("targets:")
    for row in target_rows:
        print("  [%s] %-38s %8.3f %s %g" % ("PASS" if row["pass"] else "FAIL", row["target"], row["value"],
                                            row["op"], row["limit"]))
    print()
    print("same files seen? basefit ELF artifacts %s, scanelf lines %s (-q: %s), generated ELF %s; "
          "find %s files (generated %s); basefit wheel members %s in %s wheels"
          % (checks["basefitTreeArtifacts"], checks["scanelfTreeLines"], checks["scanelfQuietTreeLines"],
             checks["generatedELFFiles"], checks["findFiles"], t["files"], checks.get("basefitWheelArtifacts"),
             checks.get("basefitWheels")))

    out = {
        "schemaVersion": 1,
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "loadAverageBefore": load_before, "loadAverageAfter": load_after},
        "basefit": {"path": bf, "info": args.binary_info, "sha256": sha256(bf)},
        "runs": args.runs,
        "auditwheelRuns": aw_runs,
        "manifest": manifest,
        "sanity": checks,
        "results": results,
        "ratios": ratios,
        "targets": target_rows,
    }
    path = os.path.join(args.work, "results.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=2)
    print("\nresults: %s" % path)
    print("table:   %s" % os.path.join(args.work, "results.txt"))


if __name__ == "__main__":
    main()
