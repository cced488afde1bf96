#!/bin/sh
# scaling_cli_test.sh - worker sweeps and the scaling model with the real
# binary: -j sweep / sweep:M / A..B expand as documented (and bad forms
# are one-line usage errors), a blocklock run stores a scaling model per
# executor that the summary, show, plot and report all state alike, too
# few worker counts say so, and samples that are not USL-shaped read
# "model does not fit". No check depends on how fast anything ran: the
# timing-exact checks (fitted sigma against the one blocklock's
# parameters imply, predictions from 1-8 workers) are in
# scaling_measure_test.sh (suite measure).
. "$(dirname "$0")/cli_lib.sh"
PB=${PB_WRAPPER:+$PB_WRAPPER }$POOLBENCH
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export XDG_CACHE_HOME="$work/cache"

# check FILE 'python expression over d (the file), r (its results) and m
# (its scaling_models)'
check() {
    python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["results"]
m = d.get("scaling_models")
if not eval(" ".join(sys.argv[2].split())):
    sys.exit("failed: " + sys.argv[2])
PY
}

workers() {
    python3 -c 'import json,sys
print(",".join(str(x["workers"]) for x in json.load(open(sys.argv[1]))["results"]))' "$1"
}

# ---- the sweep forms ----------------------------------------------------
cpus=$(python3 -c 'import os; print(len(os.sched_getaffinity(0)))')
want=$(python3 -c "
c = $cpus; out = []
p = 1
while p < c:
    out.append(p); p *= 2
for w in (c, 2 * c):
    if not out or out[-1] < w: out.append(w)
print(','.join(map(str, out)))")
if $PB run -w noop -e threads -j sweep -n 20 -r 1 --warmup 0 \
       --no-progress -o sweep.json > out.txt 2>&1 &&
   [ "$(workers sweep.json)" = "$want" ] &&
   check sweep.json 'r[-1]["workers_spec"] == "2xcpus"'; then ok
else bad "-j sweep on $cpus CPUs: $(workers sweep.json), want $want"; fi
for spec in "1..64=1,2,4,8,16,32,64" "3..20=3,4,8,16,20" \
            "sweep:12=1,2,4,8,12" "2,1..4=2,1,4"; do
    j=${spec%%=*}
    if $PB run -w noop -e threads -j "$j" -n 20 -r 1 --warmup 0 \
           --no-progress -o j.json > out.txt 2>&1 &&
       [ "$(workers j.json)" = "${spec#*=}" ]; then ok
    else bad "-j $j gave $(workers j.json), want ${spec#*=}"; fi
done
if check_usage "expected sweep:M" $PB run -w noop -j sweep:0 -n 5; then ok
fi
if check_usage "expected A..B" $PB run -w noop -j 5..2 -n 5; then ok; fi
if check_usage "expected A..B" $PB run -w noop -j 1..x -n 5; then ok; fi
if check_usage "sweep:5000" $PB run -w noop -j sweep:5000 -n 5; then ok; fi

# ---- blocklock: a model per executor ------------------------------------
if $PB run -w blocklock -e serial,threads,procs -j 1..8 -n 64 -r 3 \
       --warmup 0 -p block_us=400 -p lock_us=40 --no-progress \
       -o bl.json > bl.txt 2>&1; then ok
else bad "blocklock run: $(cat bl.txt)"; fi
# Every task's value is i and the shared counter was exact (else a row
# would carry a failure).
if check bl.json 'all(x["checksum"] == "%016x" % (63 * 64 // 2) and
        x.get("failure") is None and x["errors"] == 0 for x in r)'; then ok
else bad "blocklock checksums or counter"; fi
if check bl.json 'sorted(x["executor"] for x in m) == ["procs", "threads"]
        and all(x["worker_counts"] == 4 and x["repetitions"] == 12 and
                x["max_workers_measured"] == 8 and
                x["status"] in ("fit", "no_fit") and
                x["bootstrap"]["resamples"] == 400 for x in m)'; then ok
else bad "scaling_models: $(python3 -c 'import json;print(json.load(open("bl.json")).get("scaling_models"))')"; fi
# A model that fits states its interval around its estimate, and a curve
# at the measured counts then predictions at 16, 32 and 64.
if check bl.json 'all(x["status"] != "fit" or (
        x["sigma_ci95"][0] <= x["sigma"] <= x["sigma_ci95"][1] and
        x["law"] in ("amdahl", "usl") and
        [c[0] for c in x["curve"]] == [1, 2, 4, 8, 16, 32, 64] and
        all(c[2] <= c[1] <= c[3] for c in x["curve"])) for x in m)'; then ok
else bad "scaling_models numbers"; fi
# The summary of run and of show say the same, with the file's numbers:
# one line, the model of the fastest parallel configuration.
grep -E '^  (threads|procs): ' bl.txt > run_lines.txt
$PB show bl.json | grep -E '^  (threads|procs): ' > show_lines.txt
if [ "$(wc -l < run_lines.txt)" -eq 1 ] &&
   cmp -s run_lines.txt show_lines.txt; then ok
else bad "summary lines differ or missing: $(cat run_lines.txt show_lines.txt)"; fi
if python3 - bl.json run_lines.txt <<'PY'
import json, sys
m = {x["executor"]: x for x in json.load(open(sys.argv[1]))["scaling_models"]}
for line in open(sys.argv[2]):
    ex, text = line.strip().split(": ", 1)
    x = m[ex]
    if x["status"] == "no_fit":
        assert text.startswith("model does not fit"), text
        continue
    # Percentages as the summary writes them: one decimal from 1% up,
    # two significant digits below.
    pct = lambda f: ("%.1f" if f == 0 or abs(f) >= 1 else "%.2g") % f
    want = "contention %s%% [%s, %s]" % tuple(
        pct(100 * v) for v in [x["sigma"]] + x["sigma_ci95"])
    assert text.startswith(want), (text, want)
PY
then ok; else bad "summary lines do not state the file's sigma"; fi

# ---- the chart and the report -------------------------------------------
if $PB plot bl.json -o plots --no-png > plot.txt 2>&1; then ok
else bad "plot: $(cat plot.txt)"; fi
gp=$(ls plots/scaling-*.gp 2>/dev/null)
fits=$(python3 -c 'import json
print(sum(x["status"] == "fit" for x in json.load(open("bl.json"))["scaling_models"]))')
if [ -n "$gp" ] && grep -qx "nmodels = $fits" "$gp" &&
   grep -q "dashed: predicted" "$gp"; then ok
else bad "scaling chart has no model curves ($fits fits): $gp"; fi
# Two blocks (measured range, prediction) per model after the points:
# 2 executors of points + 2 per fitting model.
blocks=$(awk 'BEGIN{RS=""} END{print NR}' plots/scaling-*.dat)
if [ "$blocks" -eq $((2 + 2 * fits)) ]; then ok
else bad "scaling .dat has $blocks blocks, want $((2 + 2 * fits))"; fi
if $PB report bl.json -o rep.html > rep.txt 2>&1 &&
   grep -q "contention &sigma;" rep.html &&
   { [ "$fits" -eq 0 ] || grep -q "predicted: x16" rep.html; }
then ok; else bad "report lacks the scaling model table"; fi

# merge keeps each run's models apart (run_index), as run writes them.
if $PB merge bl.json bl.json -o merged.json > merge.txt 2>&1 &&
   check merged.json 'sorted((x["run_index"], x["executor"]) for x in m) ==
        [(0, "procs"), (0, "threads"), (1, "procs"), (1, "threads")]
        and [x for x in m if x["run_index"] == 0] ==
        [dict(x, run_index=0) for x in m if x["run_index"] == 1]'; then ok
else bad "merged scaling_models: $(cat merge.txt)"; fi

# ---- too few worker counts ----------------------------------------------
if $PB run -w blocklock -e serial,threads -j 1,2 -n 8 -r 2 --warmup 0 \
       -p block_us=100 -p lock_us=10 --no-progress -o few.json \
       > few.txt 2>&1 &&
   check few.json 'len(m) == 1 and m[0]["status"] == "too_few" and
        "sigma" not in m[0] and m[0]["worker_counts"] == 2' &&
   ! grep -q "contention" few.txt; then ok
else bad "two worker counts: $(cat few.txt)"; fi
if $PB report few.json -o few.html > /dev/null 2>&1 &&
   grep -q "No scaling model: it needs 3 or more worker counts" few.html
then ok; else bad "report does not say the model needs 3 counts"; fi

# ---- not USL-shaped -----------------------------------------------------
# The threads rows' repetitions rewritten as a tight zigzag: fast at 1
# and 4 workers, slow at 2 and 8, which no curve of either law follows.
python3 - bl.json zig.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for x in d["results"]:
    if x["executor"] != "threads":
        continue
    t = 0.01 if x["workers"] in (1, 4) else 0.04
    t /= x["workers"]
    x["samples"]["wall_s"] = [t * (1 + 0.001 * k) for k in range(3)]
json.dump(d, open(sys.argv[2], "w"))
PY
if $PB show zig.json > zig.txt 2>&1 &&
   grep -q "^  threads: model does not fit" zig.txt &&
   ! grep -q "^  threads: contention" zig.txt; then ok
else bad "zigzag data: $(cat zig.txt)"; fi

# ---- compare across machines on the model ------------------------------
# Two "machines": the same rows with Amdahl-shaped samples of contention
# 5% and 15%; compare --normalize speedup says the second's is higher,
# with both intervals.
python3 - bl.json <<'PY'
import json, sys
for name, sigma in (("ma.json", 0.05), ("mb.json", 0.15)):
    d = json.load(open(sys.argv[1]))
    for x in d["results"]:
        n = x["workers"]
        t = 1.0 if x["executor"] == "serial" else (1 + sigma * (n - 1)) / n
        x["samples"] = {"wall_s": [t * (1 + 0.01 * ((k * 7) % 5 - 2))
                                   for k in range(6)]}
    d.pop("scaling_models", None)
    json.dump(d, open(name, "w"))
PY
$PB compare --normalize speedup ma.json mb.json > cmp.txt 2> cmp.err
if grep -q "^  blocklock .*, threads:" cmp.txt &&
   grep -q "contention 5% \[.*\] on base, 15% \[.*\] on new: higher on new" \
       cmp.txt; then ok
else bad "compare --normalize speedup on the model: $(cat cmp.txt cmp.err)"
fi
$PB compare --normalize speedup --format markdown ma.json mb.json \
    > cmp.md 2> cmp.err
if grep -q "^### Scaling models" cmp.md &&
   grep -q "^  - contention 5% \[.*\] on base, 15% \[.*\] on new: higher" \
       cmp.md; then ok
else bad "compare markdown on the model: $(cat cmp.md cmp.err)"; fi
$PB compare --normalize speedup ma.json ma.json > same.txt 2>&1
if grep -q "on new: no different (intervals overlap)" same.txt; then ok
else bad "compare of a file with itself: $(cat same.txt)"; fi
$PB compare ma.json mb.json > plain.txt 2>&1
if ! grep -q "scaling models" plain.txt; then ok
else bad "plain compare prints the scaling models"; fi

finish scaling-cli
