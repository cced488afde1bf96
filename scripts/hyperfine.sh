#!/bin/sh
# hyperfine.sh - time whole `poolbench run` processes, one per executor,
# with hyperfine; import the times as a poolbench/1 file and write a report
# that sets them beside poolbench's own wall times.
#
# usage: scripts/hyperfine.sh        (make bench-hyperfine runs it)
# environment, all optional:
#   POOLBENCH  the binary (build/poolbench)
#   WORKLOAD   workload to time (factorial)
#   TASKS      tasks per run (20000)
#   WORKERS    workers of the parallel executors (the online CPUs)
#   RUNS       timed runs per command (10); WARMUP runs first (2)
#   OUT        folder for the JSON files (results); REPORT the page
#              (plots/hyperfine.html)
#
# Each timed command is one whole process: `poolbench run -r 1 --warmup 0`.
# A start-up baseline, `poolbench run -w noop -n 1`, is timed with them:
# the report subtracts it to compare hyperfine's time with poolbench's
# internal wall + pool start-up, which a separate `poolbench run` of the
# same configurations measures (OUT/hyperfine-internal.json).
set -eu

PB=${POOLBENCH:-build/poolbench}
WORKLOAD=${WORKLOAD:-factorial}
TASKS=${TASKS:-20000}
WORKERS=${WORKERS:-$(getconf _NPROCESSORS_ONLN)}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
OUT=${OUT:-results}
REPORT=${REPORT:-plots/hyperfine.html}

if ! command -v hyperfine > /dev/null 2>&1; then
    echo "hyperfine.sh: hyperfine not found; install it (Debian:" \
         "apt-get install hyperfine) or run scripts/bootstrap.sh" >&2
    exit 2
fi
if [ ! -x "$PB" ]; then
    echo "hyperfine.sh: $PB is not built; run make build first" >&2
    exit 2
fi
mkdir -p "$OUT" "$(dirname "$REPORT")"
tmp=$(mktemp -d /tmp/poolbench-hyperfine-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The executors this poolbench has, from `poolbench list`.
executors=$("$PB" list | awk '/^executors:/ { on = 1; next }
                              on && NF { print $1 }' | tr '\n' ' ')
echo "hyperfine.sh: timing $WORKLOAD x $TASKS tasks, $WORKERS workers," \
     "executors: $executors"

set -- "$PB run -w noop -e serial -n 1 -r 1 --warmup 0 --no-progress -o $tmp/baseline.json"
for e in $executors; do
    j=$WORKERS
    [ "$e" = serial ] && j=1
    set -- "$@" "$PB run -w $WORKLOAD -e $e -j $j -n $TASKS -r 1 --warmup 0 --no-progress -o $tmp/$e.json"
done

hyperfine --shell=none --warmup "$WARMUP" --runs "$RUNS" \
    --export-json "$OUT/hyperfine-raw.json" "$@"

# poolbench's own view of the same configurations.
list=$(echo $executors | tr ' ' ',')
"$PB" run -w "$WORKLOAD" -e "$list" -j "$WORKERS" -n "$TASKS" \
    -r "$RUNS" --no-progress -o "$OUT/hyperfine-internal.json" > /dev/null

"$PB" import-hyperfine "$OUT/hyperfine-raw.json" -o "$OUT/hyperfine.json"
"$PB" report "$OUT/hyperfine-internal.json" "$OUT/hyperfine.json" \
    -o "$REPORT" 2> /dev/null
echo "hyperfine.sh: raw hyperfine JSON:  $OUT/hyperfine-raw.json"
echo "hyperfine.sh: as poolbench/1:      $OUT/hyperfine.json"
echo "hyperfine.sh: poolbench's own run: $OUT/hyperfine-internal.json"
echo "hyperfine.sh: report:              $REPORT"
