#!/bin/sh
# doc-figures.sh - measure again the figures the docs give (README.md,
# docs/ci.md, docs/charts-and-report.md, docs/workloads.md): how long
# `make bench QUICK=1`, `make bench` (here and from a fresh clone) and the
# seed suite take, how many charts `make bench` draws and how many tasks
# the seed suite runs per case. Run it from the source tree on a quiet
# machine (it takes about 10 minutes on 2 CPUs); each line names the
# command it timed, so that the docs can quote it.
#
#   sh scripts/doc-figures.sh            # all
#   sh scripts/doc-figures.sh quick      # only make bench QUICK=1
set -eu
cd "$(dirname "$0")/.."
what=${1:-all}

# Seconds that "$@" took (its output kept in $log).
log=$(mktemp /tmp/pb-figures-XXXXXX)
trap 'rm -f "$log"' EXIT
timed() {
    t0=$(date +%s.%N)
    "$@" > "$log" 2>&1 || { echo "failed: $*"; tail -n 5 "$log"; exit 1; }
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }'
}

echo "machine: $(nproc) CPUs, $(uname -n), load $(cut -d' ' -f1-3 \
    /proc/loadavg)"
if [ "$what" = all ] || [ "$what" = quick ]; then
    s=$(timed make bench QUICK=1)
    echo "make bench QUICK=1: $s s (time make bench QUICK=1)"
fi
if [ "$what" = all ] || [ "$what" = bench ]; then
    s=$(timed make bench)
    n=$(tail -n 1 plots/plot.log | sed -n 's/^plot: \([0-9]*\) charts.*/\1/p')
    echo "make bench: $s s, $n charts (time make bench;" \
        "tail -n 1 plots/plot.log)"
fi
if [ "$what" = all ] || [ "$what" = clone ]; then
    dir=$(mktemp -d /tmp/pb-clone-XXXXXX)
    git clone -q . "$dir/poolbench"
    s=$(cd "$dir/poolbench" && timed make bench)
    rm -rf "$dir"
    echo "make bench from a fresh clone: $s s (git clone; time make bench)"
fi
if [ "$what" = all ] || [ "$what" = corpus ]; then
    dir=$(mktemp -d /tmp/pb-corpus-XXXXXX)
    one="build/poolbench run -w hashing -e serial -n 1 -r 1 --warmup 0
         --no-progress --corpus-dir $dir -o /dev/null"
    # shellcheck disable=SC2086 # one is split into words on purpose
    s1=$(timed $one)
    s2=$(timed $one)
    rm -rf "$dir"
    echo "hashing corpus: a run that generates it $s1 s, one that reuses" \
        "it $s2 s ($(echo $one))"
fi
if [ "$what" = all ] || [ "$what" = seed ]; then
    out=$(mktemp /tmp/pb-seed-XXXXXX.json)
    s=$(timed build/poolbench run --suite seed --no-progress -o "$out")
    n=$(python3 -c 'import json, sys
rows = json.load(open(sys.argv[1]))["results"]
print(",".join(sorted({str(r["tasks"]) for r in rows
                       if r["workload"] == "factorial"})))' "$out")
    rm -f "$out"
    echo "seed suite: $s s, $n tasks per factorial case" \
        "(time build/poolbench run --suite seed)"
fi
