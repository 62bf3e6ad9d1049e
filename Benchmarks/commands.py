#!/usr/bin/env python3
"""The commands a CI gate runs against the built-in catalog: `recommend` and `check --base`,
each a separate process as users run them, on a real project under Fixtures/projects.

  python3 Benchmarks/commands.py --basefit BIN [--baseline BIN] [--runs 15]
                                 [--project Fixtures/projects/node-napi-rs]

Both binaries get a private cache directory, materialised by one warm-up run each (so the
catalog's SQLite is built before timing, as it is on every run after a user's first). Then
--runs interleaved rounds; the table shows median wall seconds per command and binary, and
baseline/basefit. Each command's stdout must be the same with both binaries (else it says so):
a faster answer that differs is not a result.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS = [
    ["recommend", "."],
    ["recommend", ".", "--format", "json"],
    ["check", ".", "--base", "node:22-alpine"],
    ["check", ".", "--base", "node:22-bookworm-slim", "--format", "json"],
]


def once(argv, cwd, env):
    t0 = time.perf_counter()
    p = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, p.stdout


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--basefit", required=True)
    parser.add_argument("--baseline")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--project", default=os.path.join(os.path.dirname(here), "Fixtures", "projects", "node-napi-rs"))
    args = parser.parse_args()
    binaries = {"basefit": os.path.abspath(args.basefit)}
    if args.baseline:
        binaries["baseline"] = os.path.abspath(args.baseline)
    caches = {key: tempfile.mkdtemp(prefix="basefit-bench-cache-") for key in binaries}
    envs = {}
    for key in binaries:
        env = dict(os.environ)
        env["BASEFIT_CACHE_DIR"] = caches[key]
        env["BASEFIT_TODAY"] = "2026-12-01"
        envs[key] = env
    samples = {(i, key): [] for i in range(len(COMMANDS)) for key in binaries}
    outputs = {i: set() for i in range(len(COMMANDS))}
    for i, command in enumerate(COMMANDS):  # warm-up: materialises each binary's catalog
        for key, binary in binaries.items():
            outputs[i].add(once([binary] + command, args.project, envs[key])[1])
    for _ in range(args.runs):
        for i, command in enumerate(COMMANDS):
            for key, binary in binaries.items():
                seconds, out = once([binary] + command, args.project, envs[key])
                samples[(i, key)].append(seconds)
                outputs[i].add(out)
    print("%-62s %10s %10s %8s  %s" % ("command (%s)" % os.path.basename(args.project), "basefit", "baseline", "ratio", "output"))
    for i, command in enumerate(COMMANDS):
        median = statistics.median(samples[(i, "basefit")])
        line = "%-62s %9.3fs" % (" ".join(command), median)
        if args.baseline:
            base = statistics.median(samples[(i, "baseline")])
            line += " %9.3fs %7.2fx" % (base, base / median)
        else:
            line += " %10s %8s" % ("", "")
        line += "  " + ("same" if len(outputs[i]) == 1 else "DIFFERENT")
        print(line)
    print("medians of %d interleaved runs each, after one warm-up" % args.runs)
    for cache in caches.values():
        shutil.rmtree(cache, ignore_errors=True)
    if any(len(o) != 1 for o in outputs.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
