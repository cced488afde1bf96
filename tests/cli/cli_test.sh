#!/bin/sh
# cli_test.sh - the poolbench binary from the outside: usage errors exit 2
# with one line naming the problem and touch no results file; real runs
# write valid, reproducible results.
set -u
. "$(dirname "$0")/cli_lib.sh"
PB=${POOLBENCH:?POOLBENCH must name the poolbench binary}
# PB_WRAPPER runs every poolbench under a checker (the valgrind suite).
PB="${PB_WRAPPER:-} $PB"
work=$(mktemp -d /tmp/pb-cli-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
mkdir results
echo '{"sentinel": true}' > results/latest.json
cp results/latest.json sentinel.json

# usage_error NEEDLE ARGS...: exit 2, one stderr line containing NEEDLE,
# nothing new in results/, latest.json untouched.
usage_error() {
    needle=$1
    shift
    check_usage "$needle" $PB "$@" || return
    if [ "$(ls results | wc -l)" -ne 1 ] ||
       ! cmp -s results/latest.json sentinel.json; then
        bad "results/ was touched by: poolbench $*"; return
    fi
    ok
}

usage_error "unknown command 'frobnicate'" frobnicate
usage_error "unknown workload 'nope'" run -w nope
usage_error "unknown executor 'fibers'" run -e fibers
usage_error "unknown option '--bogus'" run --bogus
usage_error "-j/--workers 'abc'" run -j abc
usage_error "-j/--workers '0'" run -j 0
usage_error "-j/--workers '5000'" run -j 5000
usage_error "-j/--workers '-1'" run -j -1
usage_error "empty item" run -j 1,,2
usage_error "listed twice" run -e serial,serial
usage_error "-n/--tasks '0'" run -n 0
usage_error "-n/--tasks '4294967297'" run -n 4294967297
usage_error "-n/--tasks '99999999999999999999999'" run -n 99999999999999999999999
usage_error "-r/--repeat '0'" run -r 0
usage_error "--warmup 'x'" run --warmup x
usage_error "--mode: 'sideways'" run --mode sideways
usage_error "--chunk '0'" run --chunk 0
usage_error "--transport: 'carrier'" run --transport carrier
usage_error "--timeout '-5'" run --timeout -5
usage_error "needs a value" run -w
usage_error "unexpected argument 'extra'" run extra
usage_error "-p 'n'" run -w factorial -p n
usage_error "factorial: n=abc" run -w factorial -p n=abc
usage_error "factorial: n=-3" run -w factorial -p n=-3
usage_error "factorial: skew=0" run -w factorial -p skew=0
usage_error "no selected workload has a parameter 'bogus'" run -w factorial -p bogus=1
usage_error "unknown workload 'nope'" run -w factorial -p nope.n=1
usage_error "given twice" run -w factorial -p n=1 -p n=2
usage_error "does not exist" run -w noop -e serial -o missing/dir/out.json
usage_error "is a directory" run -w noop -e serial -o results
usage_error "--plugin /nonexistent.so" run --plugin /nonexistent.so
# Outputs that are not regular files, and names too long: refused before
# measuring (a character device or FIFO is written through, below).
long_name=$(python3 -c 'print("o" * 5000)')
usage_error "output path is 5000 bytes long" run -w noop -e serial \
    -o "$long_name"
python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("sock")'
usage_error "sock is not a regular file" run -w noop -e serial -o sock
usage_error "sock is not a regular file" merge sentinel.json -o sock
# Problems found while preparing a workload: one line, before measuring.
usage_error "dir=/nonexistent: No such file" run -w hashing -e serial \
    -p dir=/nonexistent
usage_error "corpus folder /etc/passwd: refused: not a folder" run -w hashing -e serial \
    --corpus-dir /etc/passwd
usage_error "4294967295 tasks need" run -w noop -e threads -n 4294967295
# A key given both for one workload and for all: say which wins.
usage_error "has it from -p factorial.n=3 instead" run -w factorial \
    -p factorial.n=3 -p n=4
usage_error "cannot load as a shared object" run --plugin sentinel.json
usage_error "unexpected argument 'x'" list x
usage_error "unexpected argument '-v'" info -v

usage_error "expected two results files" compare
# No file named: plot reads results/latest.json (here the sentinel).
usage_error "results/latest.json: no \"schema\" field" plot
usage_error "no output file" merge a.json
usage_error "--threshold 'x'" compare --threshold x a.json b.json
usage_error "cannot open" report /nonexistent.json
usage_error "/nonexistent.json: cannot open: No such file" \
    import-hyperfine /nonexistent.json

# Every malformed results file (tests/fixtures/bad, made by make_bad.py)
# is refused by every reader: exit 2, one line naming the file and the
# problem, an existing output untouched.
FIX=${SOURCE_DIR:?SOURCE_DIR must name the source tree}/tests/fixtures
GOOD=$FIX/good/serial.json
echo '{"sentinel": true}' > keep.json
echo '<p>sentinel</p>' > keep.html
while IFS="$(printf '\t')" read -r name needle; do
    bad_file=$FIX/bad/$name
    usage_error "$needle" compare "$bad_file" "$GOOD"
    usage_error "$needle" compare "$GOOD" "$bad_file"
    usage_error "$needle" merge "$GOOD" "$bad_file" -o keep.json
    usage_error "$needle" report "$bad_file" -o keep.html
    usage_error "$needle" plot "$bad_file" -o plots-out
    if ! grep -q sentinel keep.json || ! grep -q sentinel keep.html ||
       [ -e plots-out ]; then
        bad "an output was touched by a reader of $name"
    fi
done < "$FIX/bad/EXPECT"

# Help and version tell the truth and exit 0.
if $PB --help | grep -q "run" && $PB run --help | grep -q -- "--chunk"
then ok; else bad "--help"; fi
if $PB --version | grep -q "^poolbench "; then ok; else bad "--version"; fi
if $PB list | grep -q "factorial" && $PB list | grep -q "skew=1" &&
   $PB list | grep -q "noop"; then ok; else bad "list"; fi
if $PB info | grep -q "cpus_online"; then ok; else bad "info"; fi

# A real run: exit 0, valid JSON, the documented checksums, reproducible.
check_json() {
    python3 - "$@" <<'PY'
import json, sys
path, want_rows = sys.argv[1], int(sys.argv[2])
d = json.load(open(path))
assert d["schema"] == "poolbench/1", d["schema"]
rows = d["results"]
assert len(rows) == want_rows, len(rows)
for r in rows:
    assert r["failure"] is None, r["failure"]
    assert len(r["samples"]["wall_s"]) == 5, r["samples"]["wall_s"]
    if r["workload"] == "noop":
        # value of task i is i: sum over 0..n-1
        n = r["tasks"]
        assert r["checksum"] == "%016x" % (n * (n - 1) // 2 % 2**64)
    if r["workload"] == "factorial":
        import math
        v = math.factorial(int(r["params"]["n"])) % (2**61 - 1)
        assert r["checksum"] == "%016x" % (v * r["tasks"] % 2**64)
print("ok")
PY
}
if $PB run -w factorial,noop -e serial -n 2000 -r 5 --no-progress \
      -o a.json > run1.txt 2>&1 &&
   $PB run -w factorial,noop -e serial -n 2000 -r 5 --no-progress \
      -o b.json > run2.txt 2>&1; then ok; else bad "serial run failed"; fi
if check_json a.json 2 > /dev/null; then ok; else bad "a.json invalid"; fi
sums_a=$(grep -o '"checksum":[^,]*' a.json)
sums_b=$(grep -o '"checksum":[^,]*' b.json)
if [ -n "$sums_a" ] && [ "$sums_a" = "$sums_b" ]; then ok
else bad "checksums differ between runs"; fi
# run ends with the summary (short labels); show gives the whole table.
if grep -q "^factorial " run1.txt && grep -q "results: a.json" run1.txt &&
   ! grep -q "n=300,skew=1" run1.txt &&
   $PB show a.json --table | grep -q "factorial n=300,skew=1"; then ok
else bad "summary, then the table from show"; fi
# Every native row records the harness's own cost per task (#25), and
# show gives it in each format.
$PB show a.json --format csv > a.csv &&
python3 - a.json a.csv <<'PY' && ok || bad "harness_ns_per_task: $(cat a.csv)"
import csv, json, math, sys
rows = json.load(open(sys.argv[1]))["results"]
table = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == len(table) == 2
for r in rows:
    h = r["harness_ns_per_task"]
    assert isinstance(h, (int, float)) and 0 < h < 1e6, h
for t, r in zip(sorted(float(t["harness_ns_per_task"]) for t in table),
                sorted(r["harness_ns_per_task"] for r in rows)):
    assert math.isclose(t, r, rel_tol=1e-8), (t, r)  # CSV: 9 digits
PY
$PB show a.json --table | head -n 1 | grep -q " harness " && ok ||
    bad "no harness column in the table"

# The default output goes to results/HOST-TIME.json and latest.json.
if $PB run -w noop -e serial -n 100 -r 1 --warmup 0 --no-progress \
      > /dev/null 2>&1 && ! cmp -s results/latest.json sentinel.json &&
   [ "$(ls results/*.json | wc -l)" -eq 2 ]; then ok
else bad "default output"; fi
# latest.json names the dated file it copies (config.output); the report
# and the charts made from latest.json cite that file and the run's time,
# not latest.json, which the next run overwrites.
dated=$(ls results/*.json | grep -v latest.json)
if python3 - "$dated" <<'PY'
import json, sys
latest = json.load(open("results/latest.json"))
assert latest["config"]["output"] == sys.argv[1], latest["config"]
assert "output" not in json.load(open(sys.argv[1]))["config"]
PY
then ok; else bad "latest.json does not name $dated"; fi
if command -v gnuplot > /dev/null 2>&1; then
    created=$(python3 -c 'import json; print(json.load(open(
        "results/latest.json"))["created"])')
    if $PB report -o cited.html > /dev/null 2>&1 &&
       grep -q "from <code>$dated</code> (read as <code>results/latest.json\
</code>; run $created on " cited.html &&
       $PB plot -o cited > /dev/null 2>&1 &&
       grep -l "run $created | $dated<" cited/*.svg > /dev/null &&
       ! grep -l "latest.json" cited/*.svg > /dev/null; then ok
    else bad "report/plot of latest.json do not cite $dated, $created"; fi
fi

# Outputs respect the umask, like every other file a tool creates.
for mask in 077 022; do
    (umask $mask && $PB run -w noop -e serial -n 10 -r 1 --warmup 0 \
        --no-progress -o "mask$mask.json" > /dev/null 2>&1)
done
if [ "$(stat -c %a mask077.json)" = 600 ] &&
   [ "$(stat -c %a mask022.json)" = 644 ]; then ok
else bad "modes $(stat -c %a mask077.json mask022.json) ignore the umask"; fi

# Character devices (-o /dev/null, a full device): device_test.sh.
quick="-w noop -e serial -n 10 -r 1 --warmup 0 --no-progress"
# A FIFO with a reader gets the JSON; it stays a FIFO.
mkfifo out.fifo
cat out.fifo > fifo.json &
reader=$!
i=0
while [ $i -lt 200 ] && ! ls -l "/proc/$reader/fd" 2>/dev/null |
      grep -q out.fifo; do
    sleep 0.05
    i=$((i + 1))
done
$PB merge a.json b.json -o out.fifo > /dev/null 2>&1
rc=$?
# A failed or replacing write leaves the reader waiting: end it.
if [ "$rc" -ne 0 ] || [ ! -p out.fifo ]; then kill "$reader" 2>/dev/null; fi
wait "$reader"
if [ "$rc" -eq 0 ] && [ -p out.fifo ] && check_json fifo.json 4 > /dev/null
then ok; else bad "merge -o FIFO: exit $rc"; fi

# Runs started in the same second keep separate files: a name that is
# taken gets -2. Take this second's name and the next few in advance.
host=$(uname -n)
now=$(date -u +%s)
for d in 0 1 2 3 4 5; do
    stamp=$(date -u -d "@$((now + d))" +%Y%m%dT%H%M%SZ)
    echo '{"taken": true}' > "results/$host-$stamp.json"
done
if $PB run $quick > run3.txt 2>&1 &&
   grep -q "^results: results/$host-.*-2\.json$" run3.txt &&
   [ "$(grep -l '"taken": true' results/*.json | wc -l)" -eq 6 ]; then ok
else bad "a default name taken: $(cat run3.txt)"; fi

# A sweep of parameter values gives one row per value.
if $PB run -w factorial -e serial -n 50 -r 5 -p n=10,20 --no-progress \
      -o sweep.json > /dev/null 2>&1 && check_json sweep.json 2 >/dev/null
then ok; else bad "parameter sweep"; fi

# Every suite expands into options run accepts: its -p reach only the
# workloads it selects (chunks and delivery set -p for latency and
# hashing, which one of them does not run). Checked up to the output
# folder, before anything is measured.
for s in default chunks delivery ci seed; do
    $PB run --suite $s -o /nonexistent/x.json > suite.txt 2>&1
    if [ $? -eq 2 ] && grep -q "folder /nonexistent does not exist" suite.txt
    then ok; else bad "--suite $s does not expand cleanly: $(cat suite.txt)"
    fi
done

finish cli
