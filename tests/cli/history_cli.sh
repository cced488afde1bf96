#!/bin/sh
# history_cli.sh - `poolbench history` from the outside: add, list, show,
# export (byte-equal), prune, trend (with the real gnuplot when installed:
# SVG/PNG drawn, no backquote from the data run, no temp file left), bad
# input exits 2 with one line, and kill -9 in the middle of a large add
# leaves a database that passes `history check` (PRAGMA integrity_check)
# and holds whole runs only.
#
# The same script tests both backends (issue #22): with
# POOLBENCH_TEST_DB_BACKEND=pg (pg_server.sh run sets it) every database
# is a new one on the PostgreSQL server of POOLBENCH_TEST_PG instead of a
# file; what only a file can get wrong (symlinks, folders) is tested on
# files either way.
set -u
. "$(dirname "$0")/cli_lib.sh"
PB=${POOLBENCH:?POOLBENCH must name the poolbench binary}
# PB_WRAPPER runs every poolbench under a checker (the valgrind suite).
PB="${PB_WRAPPER:-} $PB"
SRC=${SOURCE_DIR:?SOURCE_DIR must name the source tree}
FX=$SRC/tests/fixtures
work=$(mktemp -d /tmp/pb-history-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
unset POOLBENCH_DB
BACKEND=${POOLBENCH_TEST_DB_BACKEND:-sqlite}
echo "backend: $BACKEND"

# A new, empty database named $1: a file, or a database on the server.
newdb() {
    if [ "$BACKEND" = pg ]; then
        sh "$SRC/tests/cli/pg_server.sh" newdb
    else
        echo "$work/$1.sqlite"
    fi
}
DB=$(newdb h) || { echo "cannot make a test database"; exit 1; }

usage_error() {
    needle=$1
    shift
    check_usage "$needle" "$@" && ok
}

# ---- reading commands without a database --------------------------------
usage_error "no history database at results/history.sqlite" \
    $PB history list
usage_error "no history database at $DB" $PB history list --db "$DB"
usage_error "no history database at $work/env.sqlite" \
    env POOLBENCH_DB="$work/env.sqlite" $PB history show 1
if [ "$BACKEND" = pg ]; then
    usage_error "no history database at $DB" $PB history list --db "$DB"
else
    [ ! -e "$DB" ] && ok || bad "a read command created the database"
fi

# ---- add ------------------------------------------------------------------
if $PB history add "$FX/compare/free.json" "$FX/compare/free2.json" \
        "$FX/compare/pinned.json" --name main --db "$DB" > out.txt; then
    [ "$(grep -c '^stored .* as run [0-9]*$' out.txt)" -eq 3 ] && ok ||
        bad "add did not report 3 runs: $(cat out.txt)"
else
    bad "add failed"
fi
POOLBENCH_DB=$DB $PB history add "$FX/good/serial.json" --name pr-1 \
    > /dev/null && ok || bad "add through POOLBENCH_DB failed"

# A bad file in a batch stores nothing, not even the good ones before it.
usage_error "nan.json" $PB history add "$FX/good/serial.json" \
    "$FX/bad/nan.json" --name main --db "$DB"
usage_error "missing.json" $PB history add missing.json --name m \
    --db "$DB"
usage_error "--name NAME is required" $PB history add \
    "$FX/good/serial.json" --db "$DB"
usage_error "run name" $PB history add "$FX/good/serial.json" \
    --name "" --db "$DB"
usage_error "does not exist" $PB history add "$FX/good/serial.json" \
    --name m --db "$work/no/h.sqlite"
ln -s "$DB" link.sqlite
usage_error "symbolic link" $PB history add "$FX/good/serial.json" \
    --name m --db link.sqlite
usage_error "not a regular file" $PB history list --db "$work"
usage_error "unknown subcommand 'frob'" $PB history frob
usage_error "unknown option '--bogus'" $PB history list --bogus

# ---- list / show ------------------------------------------------------------
$PB history list --db "$DB" > list.txt
[ "$(wc -l < list.txt)" -eq 5 ] && ok || bad "list: $(cat list.txt)"
awk 'length > 100 { exit 1 }' list.txt && ok || bad "list wider than 100"
grep -q '^ *4  pr-1 .* 95e92c7396bc .* 2$' list.txt && ok ||
    bad "list lacks run 4: $(cat list.txt)"
$PB history list --name pr-1 --db "$DB" > list.txt
[ "$(wc -l < list.txt)" -eq 2 ] && ok || bad "list --name: $(cat list.txt)"
usage_error "no run named 'nope'" $PB history list --name nope --db "$DB"

$PB history show 1 --db "$DB" > show.txt && ok || bad "show failed"
grep -q "commit: *ed0180d5c2e1" show.txt && ok || bad "show: no commit"
# 1.75x: the log-scale Hodges-Lehmann speedup of free.json's samples
# (python3: exp(median(log(s / t))) over all pairs), not the 1.69x ratio
# of the medians.
grep -q "factorial n=300,skew=1 threads j=2 .* 1.75x" show.txt && ok ||
    bad "show: no speedup row: $(cat show.txt)"
# A long configuration (chunk 5000, long parameters) is shown whole, and
# so is a long run name in list: the column widens, the value is never cut
# ("chunk=50" for 5000 named another configuration).
python3 - "$FX/compare/free.json" long.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["results"]:
    r["chunk"], r["chunk_auto"] = 5000, False
    r["params"]["label"] = "a-rather-long-parameter-value-0123456789"
json.dump(d, open(sys.argv[2], "w"))
PY
LONG=a-run-name-longer-than-twenty-characters
LDB=$(newdb long) || bad "no database for long.json"
if $PB history add long.json --name $LONG --db "$LDB" > add.txt; then
    id=$(sed -n 's/.* as run \([0-9]*\)$/\1/p' add.txt)
    $PB history show "$id" --db "$LDB" > show.txt
    grep -q "label=a-rather-long-parameter-value-0123456789.* chunk=5000 " \
        show.txt && ok || bad "show cut a configuration: $(cat show.txt)"
    $PB history list --db "$LDB" > list.txt
    grep -q "^ *$id  $LONG " list.txt && ok ||
        bad "list cut a run name: $(cat list.txt)"
else
    bad "add long.json failed"
fi
usage_error "no run 99" $PB history show 99 --db "$DB"
usage_error "run ID" $PB history show x1 --db "$DB"

# ---- export: byte-equal ------------------------------------------------
$PB history export 2 -o exported.json --db "$DB" && ok ||
    bad "export failed"
cmp -s exported.json "$FX/compare/free2.json" && ok ||
    bad "export is not byte-equal to the stored file"
usage_error "-o FILE is required" $PB history export 2 --db "$DB"
usage_error "no run 42" $PB history export 42 -o x.json --db "$DB"
[ ! -e x.json ] && ok || bad "export of an unknown run wrote a file"
usage_error "no/x.json" $PB history export 2 -o no/x.json --db "$DB"

# ---- trend ---------------------------------------------------------------
if command -v gnuplot > /dev/null; then
    # A commit label that a double-quoted gnuplot string would run.
    sed 's/"git_commit":"ed0180d5c2e1"/"git_commit":"`id>x`'"'"'"/' \
        "$FX/compare/free.json" > evil.json
    $PB history add evil.json --name main --db "$DB" > /dev/null ||
        bad "add of evil.json failed"
    if $PB history trend -o tr --name main --db "$DB" > trend.txt; then
        ok
        n=$(ls tr/*.svg | wc -l)
        [ "$n" -eq 4 ] && ok || bad "trend drew $n charts, not 4"
        for s in tr/*.svg; do
            stem=${s%.svg}
            for e in png gp dat; do
                [ -s "$stem.$e" ] || bad "trend: no $stem.$e"
            done
            grep -q '<path' "$s" || bad "$s has no drawn path"
        done
        [ -e tr/x ] && bad "gnuplot ran a backquote from the data" || ok
        # The label is the commit (7 characters) and the date.
        grep -q "'\`id>x\`'' 11-27'[],]" tr/*.gp && ok ||
            bad "evil commit not single-quoted: $(grep xtic_labels tr/*.gp)"
        # The looks come from the templates, not from C.
        for g in tr/*.gp; do
            grep -q '^# ---- from scripts/trend.gp ----$' "$g" &&
                grep -q '^# ---- from scripts/common.gp ----$' "$g" ||
                bad "$g is not drawn from scripts/trend.gp"
        done
        ls -a tr | grep -q 'tmp' && bad "trend left temp files" || ok
        # Past dense_runs runs the CI is a translucent band, not bars.
        grep -q 'fill-opacity' tr/*.svg &&
            bad "a trend of a few runs drew a band, not error bars" || ok
        g=$(grep -l "^nruns = [2-9]" tr/*.gp | head -n 1)
        (cd tr && gnuplot -e 'dense_runs = 0' "$(basename "$g")") &&
            grep -q 'fill-opacity' "${g%.gp}.svg" && ok ||
            bad "a dense trend has no CI band: $g"
    else
        bad "trend failed: $(cat trend.txt)"
    fi
    $PB history trend -o tr2 -w noop -e threads -j 2 --db "$DB" \
        > trend.txt && ok || bad "trend with filters failed"
    [ "$(ls tr2/*.svg | wc -l)" -eq 2 ] && ok ||
        bad "filtered trend: $(ls tr2)"
    grep -q "^array titles\[1\] = \['threads j=2" tr2/*.gp && ok ||
        bad "filtered trend draws other lines"
    [ "$(grep -c '^nlines = 1$' "$(ls tr2/*.gp | head -1)")" -eq 1 ] && ok ||
        bad "filtered trend has more than one line"
    usage_error "no stored configuration matches" $PB history trend \
        -o tr3 -w nope --db "$DB"
    usage_error "-p 'n': expected KEY=VALUE" $PB history trend -o tr3 \
        -p n --db "$DB"
    usage_error "-j" $PB history trend -o tr3 -j 0 --db "$DB"
    $PB history trend -o tr4 -p n=300 --db "$DB" > /dev/null &&
        [ "$(ls tr4/*.svg | wc -l)" -eq 2 ] && ok ||
        bad "trend -p n=300: $(ls tr4)"
else
    echo "gnuplot is not installed: trend part skipped"
fi
usage_error "-o DIR is required" $PB history trend --db "$DB"

# ---- prune -----------------------------------------------------------------
usage_error "--keep" $PB history prune --keep 0 --db "$DB"
$PB history prune --keep 1 --name main --db "$DB" > out.txt && ok ||
    bad "prune failed"
grep -q "^pruned [0-9]* runs\?$" out.txt && ok || bad "prune: $(cat out.txt)"
[ "$($PB history list --name main --db "$DB" | wc -l)" -eq 2 ] && ok ||
    bad "prune kept more than one main run"
[ "$($PB history list --name pr-1 --db "$DB" | wc -l)" -eq 2 ] && ok ||
    bad "prune --name main touched pr-1"

# ---- two writers at once on a new database: both stored ---------------------
C=$(newdb c) || bad "no database for the writers"
$PB history add "$FX/compare/free.json" "$FX/compare/free2.json" \
    --name a --db "$C" > /dev/null 2> c1.txt &
p1=$!
$PB history add "$FX/compare/pinned.json" "$FX/good/serial.json" \
    --name b --db "$C" > /dev/null 2> c2.txt &
p2=$!
wait "$p1" && wait "$p2" && ok || bad "concurrent add: $(cat c1.txt c2.txt)"
[ "$($PB history list --db "$C" | wc -l)" -eq 5 ] && ok ||
    bad "concurrent add did not store all 4 runs"

# ---- kill -9 during a large add ---------------------------------------------
python3 "$SRC/tests/cli/history_copies.py" "$FX/plot-a.json" many 300 ||
    bad "history_copies.py failed"
K=$(newdb k) || bad "no database for kill -9"
$PB history add many/*.json --name big --db "$K" > big.txt 2>&1 &
pid=$!
# Wait until some runs are stored, then kill in the middle. No time
# bound: add checks all 300 files before it stores one (under valgrind
# that alone takes most of a minute), and it ends by itself.
# (A zombie is not running: kill -0 would still find it.)
running() {
    st=$(ps -o stat= -p "$1" 2> /dev/null) && [ "${st#Z}" = "$st" ]
}
while running "$pid" && [ "$(grep -c '^stored' big.txt)" -lt 5 ]; do
    sleep 0.05
done
kill -9 "$pid" 2> /dev/null
wait "$pid" 2> /dev/null
stored=$(grep -c '^stored' big.txt)
[ "$stored" -ge 1 ] && [ "$stored" -lt 300 ] && ok ||
    bad "kill -9 did not land during the add ($stored stored)"
$PB history check --db "$K" > out.txt && grep -q '^ok' out.txt && ok ||
    bad "integrity check after kill -9: $(cat out.txt)"
$PB history list --db "$K" > list.txt && ok || bad "list after kill -9"
n=$(($(wc -l < list.txt) - 1))
[ "$n" -ge "$stored" ] && [ "$n" -le $((stored + 1)) ] && ok ||
    bad "after kill -9: $n runs listed, $stored reported stored"
want=$($PB history list --db "$K" | awk 'NR == 2 { print $NF }')
awk -v w="$want" 'NR > 1 && $NF != w { exit 1 }' list.txt && ok ||
    bad "a run was stored partly: $(cat list.txt)"
last=$(awk 'END { print $1 }' list.txt)
$PB history export "$last" -o last.json --db "$K" &&
    cmp -s last.json "many/run-$(printf %04d $((n - 1))).json" && ok ||
    bad "the last run after kill -9 is not whole"

# ---- four writers at once, ten runs each: all 40 stored, ids unique -------
W=$(newdb w) || bad "no database for four writers"
for w in 1 2 3 4; do
    $PB history add many/run-000*.json --name "w$w" --db "$W" \
        > "w$w.txt" 2>&1 &
    eval "pw$w=\$!"
done
for w in 1 2 3 4; do
    eval "wait \$pw$w" || bad "writer $w failed: $(cat "w$w.txt")"
done
$PB history list --db "$W" > list.txt
[ "$(($(wc -l < list.txt) - 1))" -eq 40 ] && ok ||
    bad "four writers: $(($(wc -l < list.txt) - 1)) runs stored, not 40"
[ "$(awk 'NR > 1 { print $1 }' list.txt | sort -u | wc -l)" -eq 40 ] && ok ||
    bad "four writers: run ids are not unique"

# ---- the gate: compare --baseline/--window, run --save, --tasks-from ------
G=$(newdb g) || bad "no database for the gate"
$PB history add "$FX/compare/free.json" "$FX/compare/free2.json" \
    --name main --db "$G" > /dev/null || bad "add for the gate failed"
$PB compare --baseline main "$FX/compare/free2.json" --db "$G" \
    > cmp.txt 2>&1
grep -q "^6 matched" cmp.txt && ok || bad "compare --baseline: $(cat cmp.txt)"
$PB compare --baseline main --window 2 "$FX/compare/free2.json" \
    --db "$G" > cmp.txt 2>&1
grep -q "^6 matched" cmp.txt && ok || bad "compare --window: $(cat cmp.txt)"
$PB compare --baseline main@ed0180d "$FX/compare/free2.json" --db "$G" \
    > cmp.txt 2>&1
grep -q "^6 matched" cmp.txt && ok || bad "compare main@commit: $(cat cmp.txt)"
$PB run -w noop -e serial -n 1000 -r 3 --no-progress --save pr --db "$G" \
    -o saved.json > run.txt 2>&1
grep -q "^history: stored as run 3 of 'pr' in $G$" run.txt && ok ||
    bad "run --save: $(cat run.txt)"
$PB run -w noop -e serial -r 3 --no-progress --tasks-from pr --db "$G" \
    -o again.json > run.txt 2>&1 && ok ||
    bad "run --tasks-from: $(cat run.txt)"

# ---- PostgreSQL: credentials never on the command line --------------------
if [ "$BACKEND" = pg ]; then
    pw_url=$(echo "$DB" |
        sed 's|^postgresql://|postgresql://poolbench:s3cret@|')
    check_usage "PGPASSFILE" $PB history list --db "$pw_url" && ok
    grep -q s3cret "$work/err.txt" 2> /dev/null &&
        bad "a message showed the password" || ok
    $PB history list --db "$pw_url" 2> pw.txt
    grep -q 's3cret' pw.txt && bad "the password was printed" || ok
    grep -q 'poolbench:\*\*\*@' pw.txt && ok ||
        bad "the URL is not masked: $(cat pw.txt)"
    $PB history list --db "postgresql:///postgres?password=s3cret" 2> pw.txt
    [ $? -eq 2 ] && ! grep -q s3cret pw.txt && ok ||
        bad "password= in the URL: $(cat pw.txt)"
    nodb=$(echo "$DB" | sed 's|^\(postgresql:///\)[^?]*|\1pb_no_such_db|')
    check_usage "does not exist" $PB history add "$FX/good/serial.json" \
        --name m --db "$nodb" && ok
    POOLBENCH_DB=$DB $PB history list > /dev/null && ok ||
        bad "POOLBENCH_DB did not select the server"

    # The server ends the writer's session in the middle of a large add:
    # exit 3 with one line, and only whole runs stored.
    T=$(newdb t) || bad "no database for a lost server"
    $PB history add many/*.json --name big --db "$T" > lost.txt \
        2> lost.err &
    pid=$!
    for _ in $(seq 1 1200); do
        [ "$(grep -c '^stored' lost.txt)" -ge 5 ] && break
        sleep 0.05
    done
    tdb=$(echo "$T" | sed 's|^postgresql:///\([^?]*\).*|\1|')
    psql -X -q "$POOLBENCH_TEST_PG" -c "SELECT pg_terminate_backend(pid)
        FROM pg_stat_activity WHERE datname = '$tdb'" > /dev/null ||
        bad "psql could not end the writer's session"
    wait "$pid"
    rc=$?
    [ "$rc" -eq 3 ] && [ "$(wc -l < lost.err)" -eq 1 ] && ok ||
        bad "a lost server: exit $rc: $(cat lost.err)"
    $PB history list --db "$T" > list.txt
    awk -v w="$want" 'NR > 1 && $NF != w { exit 1 }' list.txt && ok ||
        bad "a lost server left a partial run: $(cat list.txt)"
fi

# A FIFO is refused at once, never waited on.
mkfifo in.fifo
check_usage "not a regular file" timeout 20 $PB history add in.fifo \
    --name fifo --db fifo.sqlite && ok

finish history-cli
