#!/bin/sh
# compare_cli_test.sh - `poolbench compare` and `poolbench merge` from the
# outside: the gate's exit status on real and synthetic files, outputs
# that parse (markdown tables, JSON, Bencher Metric Format), unusable
# input refused with exit 2 and one line naming the problem, and merge
# never touching its output on error. No timing is asserted.
set -u
. "$(dirname "$0")/cli_lib.sh"
PB=${POOLBENCH:?POOLBENCH must name the poolbench binary}
# PB_WRAPPER runs every poolbench under a checker (the valgrind suite).
PB="${PB_WRAPPER:-} $PB"
work=$(mktemp -d /tmp/pb-cmpcli-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# expect RC ARGS...: poolbench exits RC.
expect() {
    want=$1
    shift
    $PB "$@" > out.txt 2> err.txt
    rc=$?
    if [ "$rc" -eq "$want" ]; then ok
    else bad "exit $rc, not $want: poolbench $*"; cat err.txt; fi
}

# usage_error NEEDLE ARGS...: exit 2 and one stderr line containing NEEDLE.
usage_error() {
    needle=$1
    shift
    check_usage "$needle" $PB "$@" && ok
}

# Synthetic results: python3 synth.py OUT SCALE NOISE [SEED]: serial and
# threads j=2 of factorial, 10 repetitions, wall times x SCALE for threads,
# each sample x (1 + NOISE * uniform(-1, 1)).
cat > synth.py <<'PY'
import json, random, sys
out, scale, noise = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
def row(ex, j, wall):
    w = [wall * (1 + noise * rnd.uniform(-1, 1)) for _ in range(10)]
    return {"workload": "factorial", "executor": ex, "workers": j,
            "mode": "unordered", "chunk": 10, "transport": "none",
            "params": {"n": 300, "skew": 1}, "tasks": 1000, "errors": 0,
            "checksum": "00000000000003e8", "failure": None,
            "samples": {"wall_s": w, "user_s": w, "sys_s": [0] * 10}}
d = {"schema": "poolbench/1", "created": "2026-11-27T09:00:00Z",
     "machine": {"hostname": "synth", "cpu_model": "Synthetic CPU",
                 "cpus_online": 2, "mem_total_bytes": 1e9},
     "config": {}, "results": [row("serial", 1, 0.1),
                               row("threads", 2, 0.05 * scale)]}
json.dump(d, open(out, "w"))
PY

# ---- real runs: a file against itself is "same" everywhere, exit 0 ----
if $PB run -w factorial,noop -e serial -n 2000 -r 8 --no-progress \
      -o a.json > /dev/null 2>&1; then ok; else bad "real run failed"; fi
expect 0 compare --threshold 1000 a.json a.json
if [ "$(grep -c ' same; could detect >= [0-9.]*%$' out.txt)" -eq 2 ] &&
   grep -q "^gate: passed" out.txt; then ok
else bad "self compare is not 'same' everywhere"; cat out.txt; fi

# ---- real runs kept as fixtures (README's worked example) ----
fx=${SOURCE_DIR:?SOURCE_DIR must name the source tree}/tests/fixtures/compare
expect 1 compare "$fx/free.json" "$fx/pinned.json"
if [ "$(grep -c 'regression' out.txt)" -eq 1 ] &&
   grep -q "^factorial n=300,skew=1 *threads *2 .*slower (regression)$" \
       out.txt && grep -q "^\* affinity" out.txt; then ok
else bad "pinned run: 2-worker factorial not the one regression"; fi
expect 0 compare --allow-unmatched "$fx/free.json" "$fx/free2.json"
expect 1 compare --normalize speedup "$fx/free.json" "$fx/pinned.json"
if grep -q "serial .* baseline$" out.txt; then ok
else bad "--normalize speedup: serial is not the baseline"; fi

# ---- the gate on synthetic files ----
python3 synth.py base.json 1.0 0.01 1
python3 synth.py slow.json 1.2 0.01 2
python3 synth.py noisy_base.json 1.0 0.9 7
python3 synth.py noisy.json 1.2 0.9 3
python3 synth.py slight.json 1.02 0.002 4
python3 synth.py slight_base.json 1.0 0.002 5
expect 1 compare base.json slow.json
if grep -q "slower (regression)" out.txt && grep -q "^gate: FAILED" out.txt
then ok; else bad "20% slower not flagged"; cat out.txt; fi
expect 0 compare --allow-unmatched noisy_base.json noisy.json
expect 0 compare slight_base.json slight.json
if grep -q "threads.* slower$" out.txt; then ok
else bad "2% slower not reported as slower"; cat out.txt; fi
expect 1 compare --threshold 1 slight_base.json slight.json
expect 0 compare slow.json base.json

# ---- formats parse ----
expect 1 compare --format markdown base.json slow.json
cp out.txt summary.md
if python3 - summary.md <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
tables, cur = [], []
for l in lines + [""]:
    if l.startswith("|"):
        cur.append(l)
    elif cur:
        tables.append(cur)
        cur = []
# The changed rows, then folded: the machines and the full table.
assert len(tables) == 3, len(tables)
for t in tables:
    cols = [len(r.replace("\\|", "").split("|")) for r in t]
    assert len(set(cols)) == 1, cols          # every row as wide
    assert set(t[1].replace("|", "").split()) <= {"---", "---:"}, t[1]
assert len(tables[0]) == 3, tables[0]         # only the slower row
assert "**slower (regression)**" in tables[0][2]
assert any("**slower (regression)**" in r for r in tables[2])
assert len(tables[2]) == 4, tables[2]         # both rows
# How many were compared comes first, then the verdict naming the
# regressed row.
assert lines[0] == "**compared 2 of 2 configurations**", lines[0]
assert lines[2].startswith("**Gate: failed**: 1 configuration"), lines[2]
assert "`factorial n=300,skew=1 threads j=2 unordered chunk=10`" in lines[2]
text = "\n".join(lines)
assert text.index("<details>") < text.index("| workload | executor | j |"
                                             , text.index("| | base |"))
assert text.rstrip().endswith("</details>")
print("ok")
PY
then ok; else bad "markdown tables malformed"; fi
expect 1 compare --format bmf base.json slow.json
if python3 - out.txt <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, dict) and len(d) == 2, d
for name, measures in d.items():
    assert isinstance(name, str) and isinstance(measures, dict)
    for m, v in measures.items():
        assert isinstance(v["value"], (int, float)), v
        assert v["lower_value"] <= v["value"] <= v["upper_value"], v
lat = d["factorial n=300,skew=1/threads/j=2/unordered/chunk=10"]["latency"]
assert 5.5e7 < lat["value"] < 6.5e7, lat     # nanoseconds
print("ok")
PY
then ok; else bad "bmf shape"; cat out.txt; fi
expect 1 compare --format json base.json slow.json
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["gate"] == "failed" and d["regressions"] == 1
assert [c["verdict"] for c in d["comparisons"]] == ["same", "slower"]
' out.txt; then ok; else bad "json output"; fi

# ---- unusable input: exit 2, one line naming the problem ----
python3 - <<'PY'
import json
d = json.load(open("base.json"))
s = json.dumps(d)
open("trunc.json", "w").write(s[: len(s) // 2])
d2 = dict(d, schema="poolbench/0")
json.dump(d2, open("schema.json", "w"))
d3 = json.loads(s); d3["results"][1]["workers"] = "2"
json.dump(d3, open("types.json", "w"))
d4 = json.loads(s); d4["results"][0]["samples"]["wall_s"][3] = "fast"
json.dump(d4, open("types2.json", "w"))
d5 = json.loads(s); d5["results"] = []
json.dump(d5, open("empty.json", "w"))
d6 = json.loads(s)
for r in d6["results"]: r["workload"] = "noop"
json.dump(d6, open("other.json", "w"))
PY
usage_error "missing.json: cannot open" compare base.json missing.json
usage_error "schema is \"poolbench/0\"" compare schema.json base.json
usage_error "trunc.json: not valid JSON" compare base.json trunc.json
usage_error "results[1].workers: expected a number, found a string" \
    compare base.json types.json
usage_error "wall_s[3]: expected a finite number" compare types2.json \
    base.json
usage_error "empty.json: results is empty" compare base.json empty.json
usage_error "no configuration of other.json matches" compare base.json \
    other.json
usage_error "--alpha '2'" compare --alpha 2 base.json slow.json
usage_error "--threshold 'x'" compare --threshold x base.json slow.json
usage_error "--metric 'gpu'" compare --metric gpu base.json slow.json
usage_error "--format 'html'" compare --format html base.json slow.json
usage_error "drop --metric cpu" compare --normalize speedup --metric cpu \
    base.json slow.json
usage_error "expected two results files" compare base.json
usage_error "needs a value" compare base.json slow.json --alpha

# ---- merge ----
python3 synth.py other_machine.json 1.5 0.01 6
sed 's/"synth"/"elsewhere"/' other_machine.json > m2.json
expect 0 merge base.json m2.json a.json -o all.json
if python3 - <<'PY'
import json
d = json.load(open("all.json"))
assert d["schema"] == "poolbench/1"
hosts = [m["hostname"] for m in d["machines"]]
assert len(hosts) == 3 and hosts[:2] == ["synth", "elsewhere"], hosts
assert [r["machine_index"] for r in d["results"]] == [0, 0, 1, 1, 2, 2]
assert [r["run_index"] for r in d["results"]] == [0, 0, 1, 1, 2, 2]
assert len(d["config"]["merged"]) == 3
print("ok")
PY
then ok; else bad "merged file"; fi
# Identical machine blocks are kept once.
expect 0 merge base.json slow.json -o same.json
if python3 -c '
import json; d = json.load(open("same.json")); assert len(d["machines"]) == 1
'; then ok; else bad "identical machines not de-duplicated"; fi
# A merged file holds a configuration twice: compare says so.
usage_error "same configuration" compare all.json base.json
echo sentinel > keep.json
usage_error "trunc.json: not valid JSON" merge base.json trunc.json \
    -o keep.json
usage_error "empty.json: results is empty" merge base.json empty.json \
    -o keep.json
usage_error "no output file" merge base.json
usage_error "no input files" merge -o keep.json
usage_error "does not exist" merge base.json -o nodir/x.json
if [ "$(cat keep.json)" = sentinel ] && [ ! -e nodir ]; then ok
else bad "merge touched its output on error"; fi

# ---- strings from files are escaped on the terminal ----
# control-chars.json: hostname, workload and failure hold ESC, CR, BEL.
CTL=${SOURCE_DIR:?SOURCE_DIR must name the source tree}/tests/fixtures/compare/control-chars.json
esc=$(printf '\033')
cr=$(printf '\r')
bel=$(printf '\007')
# Both of its rows failed, which compare refuses (nothing tested): a copy
# whose second row finished gives one row to test and the first's note.
python3 - "$CTL" > ctl-ok.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["results"][1]["failure"] = None
print(json.dumps(d))
PY
usage_error "nothing could be tested" compare "$CTL" "$CTL"
for fmt in text markdown; do
    $PB compare ctl-ok.json ctl-ok.json --format "$fmt" > ctl.out 2>&1
    if LC_ALL=C grep -q "[$esc$cr$bel]" ctl.out; then
        bad "compare --format $fmt printed a raw control character"
    elif ! grep -qF 'evil\x1b[31mhost\x0dX\x07' ctl.out; then
        bad "compare --format $fmt: escaped hostname missing"
    else ok; fi
done
# An error message quoting a file's string is escaped too.
python3 - "$CTL" > ctl-bad.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["results"][0]["mode"] = "side\u001b[2Jways\r"
print(json.dumps(d))
PY
if check_usage "side\\x1b[2Jways\\x0d" $PB compare ctl-bad.json "$CTL"; then
    if LC_ALL=C grep -q "[$esc$cr]" err.txt; then
        bad "error message has a raw control character"
    else ok; fi
fi

# ---- a FIFO as an input is refused at once, never waited on ----
mkfifo fifo.json
for cmd in "compare fifo.json fifo.json" "merge fifo.json -o m.json" \
           "report fifo.json -o r.html" "plot fifo.json -o p" \
           "import-hyperfine fifo.json"; do
    timeout 10 $PB $cmd > out.txt 2> err.txt
    rc=$?
    if [ "$rc" -ne 2 ] || [ "$(wc -l < err.txt)" -ne 1 ] ||
       ! grep -q "fifo.json: not a regular file" err.txt; then
        bad "poolbench $cmd on a FIFO: exit $rc: $(cat err.txt)"
    else ok; fi
done

# ---- large files: every row matched whatever the order ----
# 3,000 configurations, the new side shuffled: each matched with its own
# row (checksums are distinct per row), in the new file's order.
MAKE_BIG=${SOURCE_DIR}/tests/fixtures/make_big.py
python3 "$MAKE_BIG" 3000 big-a.json &&
    python3 "$MAKE_BIG" 3000 big-b.json --shuffle 7 ||
    bad "make_big.py failed"
$PB compare big-a.json big-b.json --format json > big.out 2> err.txt
rc=$?
# 3000 rows at 5 repetitions: no regression could be flagged (exit 2).
if [ "$rc" -eq 2 ] && python3 - big-b.json big.out <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["results"]
rep = json.load(open(sys.argv[2]))
cmp = rep["comparisons"]
assert len(cmp) == 3000 and not rep["only_in_base"] \
    and not rep["only_in_new"], len(cmp)
for row, c in zip(rows, cmp):
    assert c["base"]["checksum"] == row["checksum"], c["name"]
    assert c["new"]["checksum"] == row["checksum"], c["name"]
    assert c["workers"] == row["workers"] and c["chunk"] == row["chunk"]
assert rep["counts"]["not tested"] == 3000, rep["counts"]
assert rep["cannot_fire"] and rep["repetitions_needed"] > 5
PY
then ok; else bad "compare of 3000 shuffled rows: exit $rc"; fi
# A duplicate configuration is still found, naming the first pair.
python3 - big-b.json > big-dup.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["results"].insert(5, dict(d["results"][2900]))
print(json.dumps(d))
PY
usage_error "results[5] and results[2901] are the same configuration" \
    compare big-a.json big-dup.json

# ---- --baseline NAME: stored runs of the history database ----
DB=$work/hist.sqlite
# No baseline: exit 4, one line (CI turns it into a warning).
no_baseline() {
    needle=$1
    shift
    $PB "$@" > out.txt 2> err.txt
    rc=$?
    if [ "$rc" -eq 4 ] && [ "$(wc -l < err.txt)" -eq 1 ] &&
       grep -qF -- "$needle" err.txt; then ok
    else bad "no baseline: exit $rc: $*: $(cat err.txt)"; fi
}
no_baseline "no history database" compare --baseline main --db "$DB" \
    "$fx/free2.json"
if $PB history add "$fx/free.json" --name main --db "$DB" > /dev/null
then ok; else bad "history add"; fi
expect 0 compare --allow-unmatched --baseline main --db "$DB" \
    "$fx/free2.json"
if grep -q "main run 1 at ed0180d5c2e1" out.txt; then ok
else bad "--baseline: the base is not named"; cat out.txt; fi
POOLBENCH_DB=$DB expect 0 compare --allow-unmatched --baseline main@ed0180 \
    "$fx/free2.json"
no_baseline "no run named 'dev'" compare --baseline dev --db "$DB" \
    "$fx/free2.json"
no_baseline "at commit 'abc'" compare --baseline main@abc --db "$DB" \
    "$fx/free2.json"
# pinned.json's affinity differs: another machine, no base for it.
no_baseline "no run named 'main' on machine" compare --baseline main \
    --db "$DB" "$fx/pinned.json"
no_baseline "--window 5: only 1 run named 'main'" compare --baseline main \
    --window 5 --db "$DB" "$fx/free2.json"
usage_error "--window '1'" compare --baseline main --window 1 --db "$DB" \
    "$fx/free2.json"
usage_error "add --baseline NAME" compare --window 5 a.json a.json
usage_error "expected the new results file" compare --baseline main \
    --db "$DB"
usage_error "--correction 'x'" compare --correction x a.json a.json
usage_error "--gate-on 'x'" compare --gate-on x a.json a.json

# ---- --window: five A/A runs made from the two real free runs ----
# Each run takes free or free2's samples in turn, scaled by a run-level
# drift of a few percent (what a shared machine does between runs); the
# new run is free2's samples 4% slower: inside the drift.
python3 - "$fx/free.json" "$fx/free2.json" <<'PY'
import json, random, sys
src = [json.load(open(p)) for p in sys.argv[1:3]]
drift = [0.97, 1.02, 0.99, 1.03, 0.96]
for k, f in enumerate(drift + [1.04]):
    d = json.loads(json.dumps(src[k % 2] if k < 5 else src[1]))
    d["created"] = "2026-11-28T10:%02d:00Z" % k
    for r in d["results"]:
        r["samples"]["wall_s"] = [v * f for v in r["samples"]["wall_s"]]
    json.dump(d, open("aa%d.json" % k if k < 5 else "aa-new.json", "w"))
PY
DB2=$work/aa.sqlite
if $PB history add aa0.json aa1.json aa2.json aa3.json aa4.json \
      --name main --db "$DB2" > /dev/null; then ok
else bad "history add of the A/A runs"; fi
# (That the window also silences a shift the newest run alone would flag
# is test_compare's test_window: these real runs are too noisy for it.)
expect 0 compare --baseline main --window 5 --db "$DB2" aa-new.json \
    --format json --allow-unmatched
if python3 - out.txt <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["base_runs"] == 5 and d["correction"] == "holm", d["base_runs"]
for c in d["comparisons"]:
    if c["p_adjusted"] is None:
        continue
    assert c["base_runs"] == 5 and c["base"]["stats"] is not None
    assert c["prediction_low"] <= c["new_median"] <= c["prediction_high"] \
        or not c["regression"], c["name"]
assert d["regressions"] == 0
print("ok")
PY
then ok; else bad "--window json"; cat out.txt; fi
# 30% slower is outside the window: a regression.
python3 - <<'PY'
import json
d = json.load(open("aa-new.json"))
for r in d["results"]:
    r["samples"]["wall_s"] = [v * 1.25 for v in r["samples"]["wall_s"]]
json.dump(d, open("aa-slow.json", "w"))
PY
expect 1 compare --baseline main --window 5 --db "$DB2" aa-slow.json \
    --format markdown
verdict='^\*\*Gate: failed\*\*: [0-9]* configurations .*outside the'
if sed -n 3p out.txt | grep -q "$verdict spread of 5 base runs: \`"
then ok; else bad "--window markdown verdict"; head -n 3 out.txt; fi

# ---- help tells the truth ----
if $PB compare --help | grep -q -- "--normalize speedup" &&
   $PB compare --help | grep -q -- "bmf" &&
   $PB merge --help | grep -q -- "-o, --output" &&
   $PB --help | grep -q "^  compare"; then ok; else bad "--help"; fi

finish "compare cli"
