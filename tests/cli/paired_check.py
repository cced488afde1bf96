#!/usr/bin/env python3
"""paired_check.py - the paired comparison against plain python3.

Writes an A/B results file with chosen wall times per round, runs
`poolbench compare --format json --correction none` on it, and checks W+,
the p-value and the Hodges-Lehmann interval against an exact enumeration
of the signed-rank null law done here (scipy only if installed, as a
second opinion). Usage: paired_check.py POOLBENCH WORKDIR
"""
import itertools
import json
import math
import subprocess
import sys


def null_counts(n):
    """Counts of subsets of ranks 1..n by sum, by brute enumeration."""
    top = n * (n + 1) // 2
    counts = [0] * (top + 1)
    for signs in itertools.product((0, 1), repeat=n):
        counts[sum(r + 1 for r in range(n) if signs[r])] += 1
    return counts


def signed_rank(d):
    a = sorted((abs(x), x > 0) for x in d)
    w = sum(i + 1 for i, (_, pos) in enumerate(a) if pos)
    counts = null_counts(len(d))
    total = 2 ** len(d)
    le = sum(counts[: w + 1]) / total
    ge = sum(counts[w:]) / total
    return w, min(1.0, 2 * min(le, ge))


def walsh_ci(d, level=0.95):
    n = len(d)
    avg = sorted((d[i] + d[j]) / 2 for i in range(n) for j in range(i, n))
    m = len(avg)
    est = (avg[(m - 1) // 2] + avg[m // 2]) / 2
    counts = null_counts(n)
    tail = (1 - level) / 2
    c, cum = 0, 0
    for k in range(1, m // 2 + 2):
        cum += counts[k - 1]
        if cum / 2 ** n > tail:
            break
        c = k
    return est, avg[c - 1], avg[m - c]


def row(side, walls):
    return {"workload": "w@" + side, "side": side, "executor": "serial",
            "workers": 1, "mode": "unordered", "chunk": 1,
            "transport": "none", "params": {}, "tasks": 10, "errors": 0,
            "checksum": "00000000000000aa", "failure": None,
            "samples": {"wall_s": walls,
                        "round": list(range(len(walls)))},
            "stats": {}}


def main():
    poolbench, work = sys.argv[1], sys.argv[2]
    base = [1.0, 1.1, 0.9, 1.05, 1.2, 0.95, 1.0, 1.3, 0.97, 1.01, 1.12]
    factors = [1.08, 0.97, 1.21, 1.11, 1.02, 1.15, 0.99, 1.31, 1.06,
               1.04, 1.13]
    new = [b * f for b, f in zip(base, factors)]
    machine = {"hostname": "h", "os": "Linux", "kernel": "k",
               "cpu_model": "c", "cpus_online": 2, "affinity": "0-1",
               "mem_total_bytes": 1e9, "clocksource": None,
               "governor": None, "compiler": "cc", "build_type": "release",
               "poolbench_version": "x", "git_commit": None}
    doc = {"schema": "poolbench/1", "created": "2026-01-01T00:00:00Z",
           "machine": machine, "config": {"argv": []},
           "ab": {"base": "a", "new": "b"},
           "results": [row("a", base), row("b", new)]}
    path = work + "/paired_check.json"
    with open(path, "w") as f:
        json.dump(doc, f)
    out = subprocess.run([poolbench, "compare", "--format", "json",
                          "--correction", "none", path],
                         capture_output=True, text=True)
    if out.returncode not in (0, 1, 2):
        sys.exit("compare exited %d: %s" % (out.returncode, out.stderr))
    got = json.loads(out.stdout)["rows"][0]
    d = [math.log(n / b) for b, n in zip(base, new)]
    w, p = signed_rank(d)
    est, lo, hi = walsh_ci(d)
    want = {"w_plus": w, "p": p, "ratio": math.exp(est),
            "ci_low": math.exp(lo), "ci_high": math.exp(hi)}
    try:
        import scipy.stats  # noqa: F401 -- a second opinion when present
        sp = scipy.stats.wilcoxon(d, method="exact").pvalue
        if abs(sp - p) > 1e-9:
            sys.exit("this script's p %g disagrees with scipy's %g" % (p, sp))
    except ImportError:
        pass
    bad = [k for k in want if abs(got[k] - want[k]) > 1e-9 * max(1, want[k])]
    if bad or got["pairs"] != len(d) or not got["exact"]:
        sys.exit("poolbench %s, python3 %s" % (
            {k: got[k] for k in want}, want))
    print("paired_check: W+ %g p %.6g ratio %.6g [%.6g, %.6g] agree" %
          (w, p, want["ratio"], want["ci_low"], want["ci_high"]))


main()
