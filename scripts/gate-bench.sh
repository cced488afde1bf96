#!/bin/sh
# gate-bench.sh - the figures of issue #18 for the separate-runs gate, on
# this machine, in one command (run it on a quiet machine; it takes about
# 10 + 3 x 20 runs of the CI suite's size):
#
#   1. A/A: PAIRS pairs of `run --suite ci` of one build; the first
#      WINDOW runs are stored as "main", then each new run is compared with
#      `compare --baseline main --window WINDOW` and stored in turn: false
#      alarms (exit 1), and the share of configurations compared.
#   2. Injected slowdowns: the test plugin built with EXTRA_WORK_PCT 0 and
#      5, 10, 25 (real extra loop work per task, same checksum); per
#      slowdown TRIALS trials of a base run and a new run (--tasks-from the
#      base), compared file against file: how often it is caught (exit 1),
#      and how often the 0% build raises a false alarm.
#   3. The detectable slowdown compare printed for each row of the CI
#      suite, and the suite's wall time.
#
# usage: scripts/gate-bench.sh [BUILD_DIR]   (default: build)
# environment: PAIRS (10), WINDOW (5), TRIALS (10), REPS (30, per run of
# the plugin), SUITE ("--suite ci"; "--suite ci --quick" for a smoke
# test), OUT (a new folder under /tmp; kept).
set -u
BUILD=${1:-build}
PB=$(cd "$BUILD" && pwd)/poolbench
SRC=$(cd "$(dirname "$0")/.." && pwd)
PAIRS=${PAIRS:-10}
WINDOW=${WINDOW:-5}
TRIALS=${TRIALS:-10}
REPS=${REPS:-30}
SUITE=${SUITE:-"--suite ci"}
OUT=${OUT:-$(mktemp -d /tmp/pb-gate-bench-XXXXXX)}
[ -x "$PB" ] || { echo "gate-bench: no poolbench in $BUILD" >&2; exit 2; }
mkdir -p "$OUT" && cd "$OUT" || exit 2
DB=$OUT/gate.sqlite
echo "gate-bench: results in $OUT; load: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- 1. A/A pairs of the CI suite with --window --------------------------
start=$(date +%s)
"$PB" run $SUITE --no-progress -o aa-0.json > /dev/null 2>&1 ||
    { echo "gate-bench: run --suite ci failed" >&2; exit 3; }
suite_s=$(( $(date +%s) - start ))
"$PB" history add --db "$DB" --name main aa-0.json > /dev/null
for k in $(seq 1 $((WINDOW - 1))); do
    "$PB" run $SUITE --no-progress --tasks-from aa-0.json \
        -o "aa-$k.json" > /dev/null 2>&1
    "$PB" history add --db "$DB" --name main "aa-$k.json" > /dev/null
done
alarms=0 compared=0 total=0
for k in $(seq 1 "$PAIRS"); do
    f=aa-new-$k.json
    "$PB" run $SUITE --no-progress --tasks-from main --db "$DB" \
        -o "$f" > /dev/null 2>&1
    "$PB" compare --baseline main --window "$WINDOW" --db "$DB" \
        --format json "$f" > "cmp-aa-$k.json" 2> /dev/null
    [ $? -eq 1 ] && alarms=$((alarms + 1))
    # No report (an error on stderr): nothing compared of an unknown M.
    set -- $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(d["compared"], d["configurations"])' "cmp-aa-$k.json" 2> /dev/null ||
        echo 0 0)
    compared=$((compared + $1)) total=$((total + $2))
    "$PB" history add --db "$DB" --name main "$f" > /dev/null
done
echo "A/A, --window $WINDOW: $alarms of $PAIRS pairs raised an alarm;" \
     "compared $compared of $total configurations"
echo "CI suite wall time: ${suite_s}s (one run)"
echo "detectable slowdown per row of the last A/A comparison:"
"$PB" compare --baseline main --window "$WINDOW" --db "$DB" \
    "aa-new-$PAIRS.json" 2> /dev/null | grep -E "same|tested|slower|faster"

# ---- 2. injected slowdowns, separate runs --------------------------------
for pct in 0 5 10 25; do
    cc -O2 -shared -fPIC -DEXTRA_WORK_PCT=$pct -I"$SRC/workloads" \
        -o "spin$pct.so" "$SRC/tests/plugins/plugin_ab_work.c" ||
        { echo "gate-bench: cannot build the plugin" >&2; exit 2; }
done
spin() {
    plugin=$1 out=$2
    shift 2
    "$PB" run --plugin "./$plugin" -w abwork -e serial,threads -j cpus \
        -r "$REPS" --min-time 0.05 --no-progress -o "$out" "$@" \
        > /dev/null 2>&1
}
for pct in 0 5 10 25; do
    caught=0 incomplete=0
    for t in $(seq 1 "$TRIALS"); do
        spin spin0.so "b-$pct-$t.json"
        spin "spin$pct.so" "n-$pct-$t.json" --tasks-from "b-$pct-$t.json"
        "$PB" compare "b-$pct-$t.json" "n-$pct-$t.json" > \
            "cmp-$pct-$t.txt" 2>&1
        case $? in
            1) caught=$((caught + 1)) ;;
            2) incomplete=$((incomplete + 1)) ;;
        esac
    done
    if [ "$pct" -eq 0 ]; then
        echo "0% (A/A), separate runs: $caught of $TRIALS false alarms," \
             "$incomplete not compared in full"
    else
        echo "$pct% slower, separate runs: caught in $caught of $TRIALS," \
             "$incomplete not compared in full (exit 2)"
    fi
done
