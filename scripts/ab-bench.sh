#!/bin/sh
# ab-bench.sh - the figures of issue #18 (tracker 20) for the A/B gate,
# reproducible on a quiet machine:
#
#   1. A/A in A/B mode: TRIALS runs of the CI suite's A/B step with the
#      same build on both sides (bench.yml's AB_ARGS and AB_ROUNDS): false
#      alarms (exit 1), the share of configurations compared, and the
#      detectable slowdown of every row;
#   2. injected slowdowns: the abwork plugin built with 0, 5, 10 and 25%
#      more work per task (tests/plugins/plugin_ab_work.c), TRIALS A/B runs
#      of each against 0%, gated at --threshold THRESHOLD: how often each
#      is caught, on wall time and on CPU time;
#   3. separate runs against a stored window (--window 5), A/A: false
#      alarms and the share compared, for contrast;
#   4. the wall time of the CI job's benchmark step (poolbench ab).
#
#   sh scripts/ab-bench.sh [OUT]           (default OUT: ab-bench)
#
# Environment: POOLBENCH (default build/poolbench), BUILD_DIR (where meson
# built the abwork plugins; default build), TRIALS (default 10), ROUNDS
# (the plugin A/B rounds; default 20), THRESHOLD (default 5), AB_ARGS and
# AB_ROUNDS (default bench.yml's). Prints one line per figure; the raw
# files stay in OUT.
set -u
PB=${POOLBENCH:-build/poolbench}
BUILD=${BUILD_DIR:-build}
OUT=${1:-ab-bench}
TRIALS=${TRIALS:-10}
ROUNDS=${ROUNDS:-20}
THRESHOLD=${THRESHOLD:-5}
AB_ARGS=${AB_ARGS:-"-w factorial,hashing -e serial,threads -j cpus -n 2000"}
AB_ROUNDS=${AB_ROUNDS:-20}
P=$BUILD/tests

say() { echo "ab-bench: $*" >&2; }
for f in "$PB" "$P/plugin_ab_work_0.so" "$P/plugin_ab_work_25.so"; do
    [ -e "$f" ] || { say "missing $f; build with meson first"; exit 2; }
done
command -v python3 > /dev/null || { say "needs python3"; exit 2; }
mkdir -p "$OUT" || exit 2

# tally FILE...: "flagged F of N; compared C of M configurations" over the
# paired JSON reports given, and the detectable slowdowns seen.
tally() {
    python3 - "$@" <<'PY'
import json, sys
n = flagged = compared = total = 0
det = []
for path in sys.argv[1:]:
    d = json.load(open(path))
    n += 1
    flagged += d["regressions"] > 0
    compared += d["compared"]
    total += d["configurations"]
    det += [r["detectable_ratio"] for r in d["rows"]
            if r["detectable_ratio"] is not None]
det = sorted(100 * (x - 1) for x in det)
med = det[len(det) // 2] if det else float("nan")
print("flagged %d of %d; compared %d of %d configurations; "
      "could detect: median %.1f%%, worst %.1f%%" %
      (flagged, n, compared, total, med, det[-1] if det else float("nan")))
PY
}

# ---- 1. A/A of the CI suite in A/B mode ------------------------------------
i=1
while [ "$i" -le "$TRIALS" ]; do
    # shellcheck disable=SC2086
    "$PB" ab --base "$PB" --new "$PB" -r "$AB_ROUNDS" -o "$OUT/aa-$i.json" \
        -- $AB_ARGS > "$OUT/aa-$i.log" 2>&1 || { say "ab failed"; exit 3; }
    "$PB" compare --format json --threshold "$THRESHOLD" "$OUT/aa-$i.json" \
        > "$OUT/aa-$i.report.json"
    i=$((i + 1))
done
echo "A/A, CI suite, A/B mode ($TRIALS trials, $AB_ROUNDS rounds):" \
    "$(tally "$OUT"/aa-*.report.json)"

# ---- 2. injected slowdowns, plugin A/B -------------------------------------
for pct in 0 5 10 25; do
    i=1
    while [ "$i" -le "$TRIALS" ]; do
        f=$OUT/inj$pct-$i
        "$PB" run --plugin "base=$P/plugin_ab_work_0.so" \
            --plugin "new=$P/plugin_ab_work_$pct.so" -w abwork \
            -e serial,threads -j 1,cpus -r "$ROUNDS" --no-progress \
            -o "$f.json" > "$f.log" 2>&1 || { say "run failed: $f.log"
                                            exit 3; }
        for m in wall cpu; do
            "$PB" compare --format json --metric "$m" \
                --threshold "$THRESHOLD" "$f.json" > "$f.$m.report.json"
        done
        i=$((i + 1))
    done
    for m in wall cpu; do
        echo "injected $pct%, A/B, --metric $m ($TRIALS trials, $ROUNDS" \
            "rounds): $(tally "$OUT"/inj$pct-*.$m.report.json)"
    done
done

# ---- 3. separate runs against a stored window, A/A -------------------------
DB=$OUT/window.sqlite
rm -f "$DB"
i=1
while [ "$i" -le 5 ]; do
    # shellcheck disable=SC2086
    "$PB" run $AB_ARGS -r 10 --no-progress --save main --db "$DB" \
        -o "$OUT/main-$i.json" > /dev/null 2>&1 || { say "run failed"
                                                     exit 3; }
    i=$((i + 1))
done
flagged=0
i=1
while [ "$i" -le "$TRIALS" ]; do
    # shellcheck disable=SC2086
    "$PB" run $AB_ARGS -r 10 --no-progress -o "$OUT/sep-$i.json" \
        > /dev/null 2>&1 || { say "run failed"; exit 3; }
    rc=0
    "$PB" compare --baseline main --window 5 --db "$DB" \
        --threshold "$THRESHOLD" "$OUT/sep-$i.json" \
        > "$OUT/sep-$i.txt" 2>&1 || rc=$?
    [ "$rc" -eq 1 ] && flagged=$((flagged + 1))
    i=$((i + 1))
done
echo "A/A, separate runs, --window 5 ($TRIALS trials): flagged $flagged" \
    "of $TRIALS; first lines in $OUT/sep-*.txt"

# ---- 4. the CI job's benchmark step ----------------------------------------
start=$(date +%s.%N)
# shellcheck disable=SC2086
"$PB" ab --base "$PB" --new "$PB" -r "$AB_ROUNDS" -o "$OUT/ci-step.json" \
    -- $AB_ARGS > "$OUT/ci-step.log" 2>&1
end=$(date +%s.%N)
echo "CI benchmark step (poolbench ab, $AB_ROUNDS rounds):" \
    "$(python3 -c "print('%.1f s' % ($end - $start))")"
"$PB" compare --threshold "$THRESHOLD" "$OUT/ci-step.json" |
    sed 's/^/  /'
exit 0
