#!/bin/sh
# scaling-bench.sh - the figures of the scaling model, on a quiet machine:
#   1. blocklock swept over 1..64 workers: fitted sigma and kappa with
#      their 95% intervals against what its parameters imply (sigma =
#      lock / (block + lock), kappa = 0; docs/workloads.md);
#   2. the prediction error at 16, 32 and 64 workers of a fit to 1-8;
#   3. the default suite's wall time with the worker sweep (what make
#      bench runs; SKIP_SUITE=1 leaves it out).
# Usage: scripts/scaling-bench.sh [BUILD_DIR]   (default: build)
# Environment: BLOCK_US (10000), LOCK_US (2000), TASKS (128), REPEAT (7),
# EXECUTORS (threads,procs), OUT (a folder for the results files; default
# a temporary one, removed after).
set -e
build=${1:-build}
pb=$build/poolbench
[ -x "$pb" ] || { echo "scaling-bench: no $pb; build first" >&2; exit 2; }
block=${BLOCK_US:-10000}
lock=${LOCK_US:-2000}
tasks=${TASKS:-128}
repeat=${REPEAT:-7}
ex=${EXECUTORS:-threads,procs}
if [ -n "$OUT" ]; then out=$OUT; mkdir -p "$out"
else out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; fi

args="-w blocklock -e $ex -p block_us=$block -p lock_us=$lock -n $tasks
      -r $repeat --warmup 1 --no-progress"
echo "== blocklock block_us=$block lock_us=$lock, $tasks tasks, -r $repeat"
# shellcheck disable=SC2086
"$pb" run $args -j 1..64 -o "$out/full.json" > "$out/full.txt"
# shellcheck disable=SC2086
"$pb" run $args -j 1..8 -o "$out/low.json" > "$out/low.txt"

python3 - "$out/full.json" "$out/low.json" "$block" "$lock" <<'PY'
import json, sys
full = json.load(open(sys.argv[1]))
low = json.load(open(sys.argv[2]))
block, lock = float(sys.argv[3]), float(sys.argv[4])
print("implied: sigma %.4f (lock / (block + lock)), kappa 0"
      % (lock / (block + lock)))
def ci(x, k):
    lo, hi = x[k + "_ci95"]
    return "%.3g [%s, %s]" % (x[k], lo if lo is None else "%.3g" % lo,
                              hi if hi is None else "%.3g" % hi)
print("\n1-64 workers:")
for m in full["scaling_models"]:
    if m["status"] != "fit":
        print("  %-8s %s" % (m["executor"], m["status"]))
        continue
    print("  %-8s %-6s sigma %s  kappa %s  lambda %.1f/s (chosen)" % (
        m["executor"], m["law"], ci(m, "sigma"), ci(m, "kappa"),
        m["lambda"]))
    o = m.get("other_law")
    if o:
        print("  %-8s %-6s sigma %s  kappa %s  lambda %.1f/s" % (
            "", o["law"], ci(o, "sigma"), ci(o, "kappa"), o["lambda"]))
print("\nfit to 1-8 workers, predicted vs measured (median tasks/s):")
for m in low["scaling_models"]:
    if m["status"] != "fit":
        print("  %-8s %s" % (m["executor"], m["status"]))
        continue
    band = {c[0]: c[1:] for c in m["curve"]}
    print("  %-8s %-6s sigma %s" % (m["executor"], m["law"],
                                    ci(m, "sigma")))
    for r in full["results"]:
        w = r["workers"]
        if r["executor"] != m["executor"] or w not in (16, 32, 64):
            continue
        got = r["tasks"] / r["stats"]["wall_s"]["median"]
        mid, lo, hi = band[w]
        print("    x%-3d predicted %8.1f [%8.1f, %8.1f]  measured %8.1f  "
              "error %+5.1f%%%s" % (w, mid, lo, hi, got,
                                    100 * (mid - got) / got,
                                    "" if lo <= got <= hi
                                    else "  (outside the band)"))
PY

if [ -z "$SKIP_SUITE" ]; then
    printf "\n== default suite (poolbench run --suite default, as make bench)\n"
    t0=$(date +%s.%N)
    "$pb" run --suite default -o "$out/suite.json" > "$out/suite.txt" 2>&1 ||
        true
    t1=$(date +%s.%N)
    python3 - "$out/suite.json" "$t0" "$t1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
w = sorted({r["workers"] for r in d["results"]})
print("wall time %.1f s, %d configurations, worker counts %s" % (
    float(sys.argv[3]) - float(sys.argv[2]), len(d["results"]), w))
PY
fi
