#!/bin/sh
# python_cli_test.sh - the Python peer executors (py-*) through `poolbench
# run`: every Python row's checksum equals the native rows', workloads
# without a peer and a missing interpreter are refused up front (exit 2,
# one line), and a Python task that raises, a killed Python worker and a
# hang each give a failed row with its reason and exit 3, quickly.
set -u
. "$(dirname "$0")/cli_lib.sh"
PB=${POOLBENCH:?POOLBENCH must name the poolbench binary}
if ! command -v python3 > /dev/null; then
    echo "no python3: skipped"
    exit 77
fi
work=$(mktemp -d /tmp/pb-python-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
PY_ALL=py-serial,py-pool,py-threadpool,py-tpe,py-ppe

# rows FILE PY-CONDITION: the condition (over d, the parsed results and
# rows = d["results"]) holds; prints the rows when it does not.
rows() {
    python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows = d["results"]
if not eval("(" + sys.argv[2] + ")"):
    for r in rows:
        print(r["workload"], r["executor"], r["mode"], r["checksum"],
              r["failure"])
    sys.exit(1)
PY
}

# 1. Every workload with a peer, Python beside native, both modes: one
# checksum per workload, no failure.
"$PB" run -w noop,factorial,hashing,shuffled,contended,latency \
    -p files=40 -p size_mb=1 -p work=300 -p us=100 -p skew=3 \
    --corpus-dir "$work/cache" \
    -e serial,threads,procs,futures,$PY_ALL --mode ordered,unordered \
    -j 2 -n 120 --chunk 7 --min-time 0 -r 1 --warmup 0 --no-progress \
    -o all.json > out.txt 2> err.txt
rc=$?
if [ "$rc" -ne 0 ]; then
    bad "checksum run exit $rc"; cat err.txt
elif rows all.json '
    all(r["failure"] is None for r in rows) and
    len(rows) == 6 * (1 + 3 * 2 + 1 + 4 * 2) and
    all(len({r["checksum"] for r in rows if r["workload"] == w}) == 1
        for w in {r["workload"] for r in rows}) and
    {r["executor"] for r in rows} >= set("'$PY_ALL'".split(","))'; then
    ok
else
    bad "Python checksums differ from the native ones, or a row failed"
fi
# machine records the interpreter
if rows all.json 'isinstance(d["machine"].get("python"), dict) and
        d["machine"]["python"]["implementation"] and
        "gil" in d["machine"]["python"]'; then
    ok
else
    bad "machine has no python block"
fi

# The summary says per workload how much faster native is; the report
# has a "Python vs native" section.
"$PB" show all.json > show.txt 2>&1
vs='native vs Python: .* \(faster\|slower\) than py-'
if [ "$(grep -c "$vs" show.txt)" -eq 6 ]; then
    ok
else
    bad "summary lacks one native vs Python line per workload"
    cat show.txt
fi
if "$PB" report all.json -o r.html > /dev/null 2>&1 &&
   grep -q '<h2 id="python">Python vs native</h2>' r.html &&
   [ "$(grep -o '<td>[0-9.]*x \(faster\|slower\)</td>' r.html |
        wc -l)" -eq 6 ]; then
    ok
else
    bad "report lacks the Python vs native section"
fi

# --suite seed: the Python executors beside the native ones, the seed's
# published figures kept, and the seed's Python findings checked. Like
# with like: the heavy serial line reads 1.00x four times (native serial,
# py-serial against itself, the seed's py3 and py2 serial).
"$PB" run --suite seed -w factorial -n 20 -r 1 --warmup 0 --no-progress \
    -o seed.json > seed.txt 2> seed.err
rc=$?
if [ "$rc" -eq 0 ] && grep -q "py-threadpool" seed.txt &&
   grep -q "^  threads .* py-threadpool .* 18.086 s" seed.txt &&
   [ "$(grep -m1 '^  serial .* py-serial ' seed.txt | grep -o '1\.00x' |
        wc -l)" -eq 4 ] &&
   grep -q "findings in this machine's Python" seed.txt &&
   rows seed.json 'len({r["checksum"] for r in rows
                        if r["params"]["n"] == 300}) == 1 and
                   any(r["executor"] == "py-ppe" for r in rows)'; then
    ok
else
    bad "suite seed without Python rows (exit $rc)"; tail -3 seed.err
fi
# The report has the seed section, like with like: the serial line reads
# 1.00x for native serial and for py-serial.
if "$PB" report seed.json -o seed.html > /dev/null 2>&1 &&
   grep -q '<h2 id="seed">The seed experiment</h2>' seed.html &&
   grep -q '<tr><td>serial</td><td>[^<]*</td><td>1.00x</td><td>py-serial</td><td>[^<]*</td><td>1.00x</td>' seed.html
then ok; else bad "report of the seed suite lacks its seed section"; fi

# 2. poolbench list shows them; a run without -e does not use them.
"$PB" list > list.txt
for e in py-serial py-pool py-threadpool py-tpe py-ppe; do
    grep -q "^  $e " list.txt && ok || bad "list lacks $e"
done
"$PB" run -w noop -n 50 -r 1 --min-time 0 -j 2 --no-progress -o def.json \
    > /dev/null 2>&1
if rows def.json 'not any(r["executor"].startswith("py-") for r in rows)
        and "python" not in d["machine"]'; then
    ok
else
    bad "a run without -e used a Python executor or asked the interpreter"
fi

# 3. Refused up front: a workload without a peer, a plugin.
if check_usage "-e py-pool: workload 'crawl' has no Python peer" \
    "$PB" run -w noop,crawl -e serial,py-pool -n 10 -o never.json; then
    if [ -e never.json ]; then bad "refused run wrote a file"; else ok; fi
fi
if [ -n "${PLUGIN_FAULTY:-}" ] && [ -e "$PLUGIN_FAULTY" ]; then
    "$PB" run --trust-plugins --plugin "$PLUGIN_FAULTY" -w faulty \
        -e py-tpe -n 10 -o never.json > out.txt 2> err.txt
    rc=$?
    # the loader's one line, then the refusal
    if [ "$rc" -eq 2 ] &&
       [ "$(grep -vc '^poolbench: loaded plugin' err.txt)" -eq 1 ] &&
       grep -q "workload 'faulty' has no Python peer" err.txt &&
       [ ! -e never.json ]; then
        ok
    else
        bad "plugin not refused for py-tpe (exit $rc)"; cat err.txt
    fi
fi

# failed_row NEEDLE SECONDS ARGS...: the run exits 3 within SECONDS and its
# one row failed with NEEDLE in the reason. SECONDS is far from what a
# run takes (a few seconds) and far below what a run that waited for a
# hung or dead peer would (an hour): a bound a busy machine cannot reach.
failed_row() {
    needle=$1
    limit=$2
    shift 2
    t0=$(date +%s)
    "$@" --min-time 0 -r 1 --warmup 0 --no-progress -o f.json \
        > out.txt 2> err.txt
    rc=$?
    t=$(( $(date +%s) - t0 ))
    if [ "$rc" -ne 3 ]; then
        bad "exit $rc, not 3: $*"; cat err.txt; return
    fi
    if [ "$t" -gt "$limit" ]; then
        bad "took ${t}s (limit ${limit}s): $*"; return
    fi
    if rows f.json 'len(rows) >= 1 and all(r["failure"] is not None and
            "'"$needle"'" in r["failure"] for r in rows
            if r["executor"].startswith("py-"))'; then
        ok
    else
        bad "no failed row with '$needle': $*"
    fi
}

# 4. A how=socket latency has no peer: failed row with the reason.
failed_row "how=socket has no Python peer" 120 \
    "$PB" run -w latency -p how=socket -e py-serial -n 10

# 5. No interpreter (a wrong POOLBENCH_PYTHON; no python3 on PATH):
# refused up front, exit 2 and one line, nothing measured (issue 18).
rm -f f.json
POOLBENCH_PYTHON=/nonexistent/python3 check_usage \
    "/nonexistent/python3 is not an executable file" \
    "$PB" run -w noop -e serial,py-pool -j 2 -n 100 -o f.json && ok
check_usage "python3 is not on PATH" \
    env PATH=/nonexistent "$PB" run -w noop -e py-tpe -j 2 -n 100 \
    -o f.json && ok
[ -e f.json ] && bad "a run without its interpreter wrote f.json"

# 6. A Python task that raises, under every executor.
for e in py-serial py-pool py-threadpool py-tpe py-ppe; do
    POOLBENCH_PYPEER_FAULT=raise:7 failed_row \
        "ValueError: injected fault in task 7" 120 \
        "$PB" run -w noop -e "$e" -j 2 -n 100
done

# 7. A killed Python worker: the pool worker (py-pool, py-ppe) or the
# interpreter itself (thread pools).
POOLBENCH_PYPEER_FAULT=kill:7 failed_row "killed by signal 9" 120 \
    "$PB" run -w noop -e py-pool -j 2 -n 100 --mode ordered
POOLBENCH_PYPEER_FAULT=kill:7 failed_row "BrokenProcessPool" 120 \
    "$PB" run -w noop -e py-ppe -j 2 -n 100
POOLBENCH_PYPEER_FAULT=kill:7 failed_row "python3 killed by signal 9" 120 \
    "$PB" run -w noop -e py-threadpool -j 2 -n 100

# 8. A hang: --timeout ends it, and no peer process outlives the run (a
# copy of pypeer.py, so that its path names this test's processes only).
mkdir -p "$work/scripts"
cp "$SOURCE_DIR/scripts/pypeer.py" "$work/scripts/"
POOLBENCH_SCRIPTS_DIR=$work/scripts POOLBENCH_PYPEER_FAULT=hang:3 \
    failed_row "time limit" 120 \
    "$PB" run -w noop -e py-pool -j 2 -n 100 --timeout 1
# Gone at once, or soon: polled for up to 30 s on a busy machine (a peer
# left behind hangs for an hour).
i=0
while [ $i -lt 300 ] && pgrep -f "$work/scripts/pypeer.py" > /dev/null; do
    sleep 0.1
    i=$((i + 1))
done
if pgrep -f "$work/scripts/pypeer.py" > /dev/null; then
    bad "a pypeer.py process outlived its run"
else
    ok
fi

finish python-cli
