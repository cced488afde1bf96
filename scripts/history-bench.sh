#!/bin/sh
# history-bench.sh - the history store's figures (issue #22), on both
# backends: `history add` of ADD results files and `history trend` over
# them (wall time, peak RSS), the queries (trend, compare --baseline
# --window 5) over QUERY stored runs, and WRITERS concurrent writers each
# saving PER runs into PostgreSQL (all stored? how long?).
#
#   sh scripts/history-bench.sh [ADD [QUERY [WRITERS [PER]]]]
#       defaults: 1000 10000 4 50
#
# Environment: POOLBENCH (default build/poolbench); HB_PG, a PostgreSQL
# server URL (default: a private one, tests/cli/pg_server.sh); HB_SRC, the
# results file copied (default tests/fixtures/compare/free.json: 6 rows);
# HB_OUT, the work folder (default a temporary one, removed). Run it on a
# quiet machine: the figures are wall times.
set -eu
cd "$(dirname "$0")/.."
ADD=${1:-1000}
QUERY=${2:-10000}
WRITERS=${3:-4}
PER=${4:-50}
PB=$(realpath "${POOLBENCH:-build/poolbench}")
SRC=$(realpath "${HB_SRC:-tests/fixtures/compare/free.json}")
PGS=$(realpath tests/cli/pg_server.sh)
COPIES=$(realpath tests/cli/history_copies.py)
[ -x "$PB" ] || { echo "no poolbench at $PB: make build" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian: time)" >&2;
                          exit 2; }
out=${HB_OUT:-$(mktemp -d /tmp/pb-hbench-XXXXXX)}
mkdir -p "$out"
pgdir=""
cleanup() {
    [ -n "$pgdir" ] && sh "$PGS" stop "$pgdir" && rm -rf "$pgdir"
    [ -z "${HB_OUT:-}" ] && rm -rf "$out"
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$out"

if [ -z "${HB_PG:-}" ]; then
    pgdir=$(mktemp -d /tmp/pb-hbench-pg-XXXXXX)
    HB_PG=$(sh "$PGS" start "$pgdir")
fi
export POOLBENCH_TEST_PG=$HB_PG

# measure LABEL CMD...: one line "LABEL: S s, RSS MiB", and CMD's exit
# status when it is not $expect (0 unless set).
measure() {
    label=$1
    shift
    rc=0
    /usr/bin/time -f '%e %M' -o time.txt "$@" > cmd.out 2> cmd.err || rc=$?
    # time says "Command exited with non-zero status N" first then.
    tail -n 1 time.txt | awk -v l="$label" '{
        printf "%-44s %7.2f s  %6.1f MiB peak RSS\n", l ":", $1, $2 / 1024 }'
    if [ "$rc" -ne "${expect:-0}" ]; then
        echo "  (exit $rc: $(tail -n 1 cmd.err))"
    fi
    return 0
}

# newdb BACKEND NAME: an empty database.
newdb() {
    if [ "$1" = pg ]; then
        sh "$PGS" newdb
    else
        rm -f "$out/$2.sqlite"*
        echo "$out/$2.sqlite"
    fi
}

echo "history-bench: $ADD files added, queries over $QUERY runs," \
     "$WRITERS writers x $PER runs; $(basename "$SRC") has" \
     "$(grep -o '"workload"' "$SRC" | wc -l) rows"
python3 "$COPIES" "$SRC" files "$QUERY"
ls files/*.json | head -n "$ADD" > first.txt
# The runs past the first ADD, 1,000 files per add.
ls files/*.json | tail -n +"$((ADD + 1))" > rest.txt
newest=$(ls files/*.json | tail -n 1)

for b in sqlite pg; do
    db=$(newdb "$b" "h")
    measure "$b: history add of $ADD files" \
        xargs -a first.txt "$PB" history add --name main --db "$db"
    measure "$b: history trend over $ADD runs" \
        "$PB" history trend -o "trend-$b-$ADD" --name main --db "$db"
    split -l 1000 rest.txt chunk.
    for c in chunk.*; do
        xargs -a "$c" "$PB" history add --name main --db "$db" > /dev/null
    done
    rm -f chunk.*
    n=$("$PB" history list --name main --db "$db" | tail -n +2 | wc -l)
    measure "$b: history trend over $n runs" \
        "$PB" history trend -o "trend-$b-$n" --name main --db "$db"
    # A filter nothing passes: the query and the grouping, no drawing
    # (exit 2: "no stored configuration matches").
    expect=2
    measure "$b: trend's query alone ($n runs, -w none)" \
        "$PB" history trend -o "trend-none" -w none --db "$db"
    expect=0
    measure "$b: compare --baseline main --window 5 ($n)" \
        "$PB" compare --baseline main --window 5 "$newest" --db "$db" \
        --allow-unmatched
    measure "$b: history list ($n runs)" \
        "$PB" history list --db "$db"
done

db=$(newdb pg w)
python3 "$COPIES" "$SRC" writers "$PER"
start=$(date +%s.%N)
for w in $(seq 1 "$WRITERS"); do
    (
        for f in writers/*.json; do
            "$PB" history add "$f" --name "w$w" --db "$db" > /dev/null ||
                echo "writer $w: $f failed" >&2
        done
    ) &
done
wait
end=$(date +%s.%N)
stored=$("$PB" history list --db "$db" | tail -n +2 | wc -l)
awk -v s="$start" -v e="$end" -v n="$stored" -v w="$WRITERS" -v p="$PER" \
    'BEGIN { printf "pg: %d writers x %d runs (one add each): %d of %d " \
             "stored in %.2f s\n", w, p, n, w * p, e - s }'
[ "$stored" -eq $((WRITERS * PER)) ]
