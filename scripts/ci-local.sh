#!/bin/sh
# ci-local.sh - the jobs of .github/workflows/bench.yml on one machine,
# without GitHub (docs/ci.md): the runs a push to main stores, the trend
# of a pull request against them, the A/B gate, and the machine-vs-machine
# report (a run pinned to one CPU stands in for a second machine; pinning
# changes the machine fingerprint).
#
#   sh scripts/ci-local.sh [OUT]       (default OUT: ci-local)
#
# 1. main:     RUNS runs, each stored with `run --save main` in OUT/history
#              (in CI: one per push, the database kept per runner);
# 2. trend:    one run with main's task counts (--tasks-from main),
#              compared with `compare --baseline main --window RUNS` into
#              OUT/trend.md; reported, and exit 4 (no baseline) is a
#              warning;
# 3. ab:       `poolbench ab` of the base build (CI_LOCAL_BASE) and this
#              one, AB_ROUNDS rounds, gated with `compare OUT/ab.json`
#              into OUT/summary.md (the job summary): the gate;
# 4. machines: the trend run against a pinned run with --normalize
#              speedup into OUT/machines.md; reported, never fails;
# 5. always:   OUT/report.html of the A/B, trend and pinned runs.
#
# Exit status: the A/B gate's (0 passed, 1 a regression, 2 a configuration
# not tested), 3 when a benchmark run failed.
#
# Environment: POOLBENCH (default build/poolbench), CI_LOCAL_BASE (the base
# build's poolbench; default POOLBENCH itself: an A/A check of the gate),
# CI_LOCAL_RUNS (default 5, at least 2), CI_LOCAL_AB_ROUNDS (default 12,
# at least 2), CI_LOCAL_BENCH (the trend's run options, calibrated: the
# trend's run takes main's task counts, so no -n) and
# CI_LOCAL_AB_BENCH (the A/B run options; default a small run of serial
# and threads at 1 worker and the CPU count, tasks fixed with -n).
set -u

PB=${POOLBENCH:-build/poolbench}
BASE=${CI_LOCAL_BASE:-$PB}
OUT=${1:-ci-local}
RUNS=${CI_LOCAL_RUNS:-5}
ROUNDS=${CI_LOCAL_AB_ROUNDS:-12}
BENCH=${CI_LOCAL_BENCH:-"-w noop,factorial -e serial,threads -j 1,cpus \
-r 7 --min-time 0.01"}
AB_BENCH=${CI_LOCAL_AB_BENCH:-"-w factorial -e serial,threads -j 1,cpus \
-n 2000 --warmup 1"}

say() { echo "ci-local: $*" >&2; }

for bin in "$PB" "$BASE"; do
    if [ ! -x "$bin" ]; then
        say "no poolbench at $bin; build it (make build) or set" \
            "POOLBENCH / CI_LOCAL_BASE"
        exit 2
    fi
done
for n in "CI_LOCAL_RUNS=$RUNS" "CI_LOCAL_AB_ROUNDS=$ROUNDS"; do
    case ${n#*=} in
        ''|*[!0-9]*|0|1) say "${n%%=*} '${n#*=}': expected a number >= 2"
                         exit 2 ;;
    esac
done
mkdir -p "$OUT" || exit 2
DB=$OUT/history.sqlite
rm -f "$DB" "$DB-wal" "$DB-shm"

# run NAME [PREFIX...]: one benchmark run into OUT/NAME.json, under the
# PREFIX command (taskset), with $EXTRA's options added.
EXTRA=""
run() {
    name=$1
    shift
    # shellcheck disable=SC2086
    "$@" "$PB" run $BENCH $EXTRA --no-progress -o "$OUT/$name.json" \
        > "$OUT/$name.log" 2>&1
}

# ---- 1. push to main: run and store ---------------------------------------
EXTRA="--save main --db $DB"
i=1
while [ "$i" -le "$RUNS" ]; do
    if ! run "main-$i"; then
        say "main run $i failed; see $OUT/main-$i.log"
        exit 3
    fi
    i=$((i + 1))
done
say "stored $RUNS runs of main in $DB"

# ---- 2. pull request against the stored runs: the trend --------------------
# main's task counts, not a new calibration (bench.yml: --tasks-from main);
# exit 4, no stored main: a warning, and calibrate.
EXTRA="--tasks-from main --db $DB"
rc=0
run pr || rc=$?
EXTRA=""
if [ "$rc" -eq 4 ]; then
    say "warning: no baseline for --tasks-from main; calibrating"
    rc=0
    run pr || rc=$?
fi
if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then
    say "pull request run failed; see $OUT/pr.log"
    exit 3
fi
trend=0
"$PB" compare --baseline main --window "$RUNS" --db "$DB" "$OUT/pr.json" \
    --format markdown > "$OUT/trend.md" 2> "$OUT/trend.err" || trend=$?
if [ "$trend" -eq 4 ]; then
    say "warning: no baseline: no stored run of main here"
else
    say "trend: exit $trend ($(head -n 1 "$OUT/trend.md")), reported"
fi

# ---- 3. pull request: A/B in one run, the gate ----------------------------
# shellcheck disable=SC2086
if ! "$PB" ab --base "$BASE" --new "$PB" -r "$ROUNDS" -o "$OUT/ab.json" \
    -- $AB_BENCH > "$OUT/ab.log" 2>&1; then
    say "A/B run failed; see $OUT/ab.log"
    exit 3
fi
gate=0
"$PB" compare "$OUT/ab.json" --format markdown > "$OUT/summary.md" \
    2> "$OUT/gate.err" || gate=$?
cat "$OUT/gate.err" >&2
say "gate: exit $gate ($(head -n 1 "$OUT/summary.md"))"

# ---- 4. machine vs machine: report only -----------------------------------
if command -v taskset > /dev/null 2>&1 && run pinned taskset -c 0; then
    "$PB" compare "$OUT/pr.json" "$OUT/pinned.json" --normalize speedup \
        --format markdown > "$OUT/machines.md" 2>&1 ||
        say "machines: compare exit $? (reported, not gated)"
    reports="$OUT/ab.json $OUT/pr.json $OUT/pinned.json"
else
    say "machines: no pinned run (taskset missing or the run failed)"
    echo "no second machine" > "$OUT/machines.md"
    reports="$OUT/ab.json $OUT/pr.json"
fi

# ---- 5. always: the HTML report ---------------------------------------------
# shellcheck disable=SC2086
"$PB" report $reports -o "$OUT/report.html" > "$OUT/report.log" 2>&1 ||
    say "report failed; see $OUT/report.log"
exit "$gate"
