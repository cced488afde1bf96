#!/bin/sh
# ci-local.sh - the steps of .github/workflows/bench.yml on one machine,
# without GitHub: what a push to main stores, what a pull request is gated
# on, and the machine-vs-machine report (a run pinned to one CPU stands in
# for a second machine; pinning changes the machine fingerprint).
#
#   sh scripts/ci-local.sh [OUT]       (default OUT: ci-local)
#
# 1. main:     RUNS runs, each stored with `run --save main` in OUT/history
#              (in CI: one per push, the database kept per runner);
# 2. pr:       one run, gated with `compare --baseline main --window RUNS`
#              into OUT/summary.md (the job summary);
# 3. machines: the pr run against a pinned run with --normalize speedup
#              into OUT/machines.md; reported, never fails;
# 4. always:   OUT/report.html of the pr and pinned runs.
#
# Exit status: the gate's (0 passed, 1 a regression, 2 nothing to compare
# with), 3 when a benchmark run failed.
#
# Environment: POOLBENCH (default build/poolbench), CI_LOCAL_RUNS (default
# 5, at least 2), CI_LOCAL_BENCH (the run options; default a small run of
# every executor at 1 worker and at the CPU count).
set -u

PB=${POOLBENCH:-build/poolbench}
OUT=${1:-ci-local}
RUNS=${CI_LOCAL_RUNS:-5}
BENCH=${CI_LOCAL_BENCH:-"-w noop,factorial -e serial,threads -j 1,cpus \
-n 2000 -r 7 --min-time 0"}

say() { echo "ci-local: $*" >&2; }

if [ ! -x "$PB" ]; then
    say "no poolbench at $PB; build it (make build) or set POOLBENCH"
    exit 2
fi
case $RUNS in
    ''|*[!0-9]*) say "CI_LOCAL_RUNS '$RUNS': expected a number >= 2"
                 exit 2 ;;
esac
if [ "$RUNS" -lt 2 ]; then
    say "CI_LOCAL_RUNS '$RUNS': expected a number >= 2"
    exit 2
fi
mkdir -p "$OUT" || exit 2
DB=$OUT/history.sqlite
rm -f "$DB" "$DB-wal" "$DB-shm"

# run NAME [PREFIX...]: one benchmark run into OUT/NAME.json, under the
# PREFIX command (taskset), with $SAVE's options added.
SAVE=""
run() {
    name=$1
    shift
    # shellcheck disable=SC2086
    "$@" "$PB" run $BENCH $SAVE --no-progress -o "$OUT/$name.json" \
        > "$OUT/$name.log" 2>&1
}

# ---- 1. push to main: run and store ---------------------------------------
SAVE="--save main --db $DB"
i=1
while [ "$i" -le "$RUNS" ]; do
    if ! run "main-$i"; then
        say "main run $i failed; see $OUT/main-$i.log"
        exit 3
    fi
    i=$((i + 1))
done
SAVE=""
say "stored $RUNS runs of main in $DB"

# ---- 2. pull request: run and gate ------------------------------------------
if ! run pr; then
    say "pull request run failed; see $OUT/pr.log"
    exit 3
fi
gate=0
"$PB" compare --baseline main --window "$RUNS" --db "$DB" "$OUT/pr.json" \
    --format markdown > "$OUT/summary.md" 2> "$OUT/gate.err" || gate=$?
cat "$OUT/gate.err" >&2
say "gate: exit $gate ($(head -n 1 "$OUT/summary.md"))"

# ---- 3. machine vs machine: report only -----------------------------------
if command -v taskset > /dev/null 2>&1 && run pinned taskset -c 0; then
    "$PB" compare "$OUT/pr.json" "$OUT/pinned.json" --normalize speedup \
        --format markdown > "$OUT/machines.md" 2>&1 ||
        say "machines: compare exit $? (reported, not gated)"
    reports="$OUT/pr.json $OUT/pinned.json"
else
    say "machines: no pinned run (taskset missing or the run failed)"
    echo "no second machine" > "$OUT/machines.md"
    reports="$OUT/pr.json"
fi

# ---- 4. always: the HTML report ---------------------------------------------
# shellcheck disable=SC2086
"$PB" report $reports -o "$OUT/report.html" > "$OUT/report.log" 2>&1 ||
    say "report failed; see $OUT/report.log"
exit "$gate"
