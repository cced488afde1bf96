#!/bin/sh
# ab_cli_test.sh - A/B in one run (issue #18): two builds of the abwork
# plugin (tests/plugins/plugin_ab_work.c, built with 0, 10 and 25% more
# work per task and the same values) measured in the same rounds, and the
# paired comparison. The real-effect checks compare CPU time per round
# (--metric cpu): on a loaded machine preemption moves wall time by
# tens of percent, CPU time by little, so 25% more work is flagged for
# certain and no work difference is not.
. "$(dirname "$0")/cli_lib.sh"
PB=${POOLBENCH:?}
P=${AB_PLUGIN_DIR:?}
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

ab() { # ab PCT OUT [run args...]: base = 0%, new = PCT%
    pct=$1 out=$2
    shift 2
    "$PB" run --plugin "base=$P/plugin_ab_work_0.so" \
        --plugin "new=$P/plugin_ab_work_$pct.so" -w abwork -e serial \
        --no-progress -o "$out" "$@" > run.txt 2>&1
}

# The exact test, the interval and W+ against python3's enumeration.
if python3 "$SOURCE_DIR/tests/cli/paired_check.py" "$PB" "$work"; then ok
else bad "paired_check.py"; fi

# 25% more work: a regression, certainly (20 rounds: p ~ 2e-6).
if ab 25 a25.json -n 100 -r 20; then ok; else bad "ab run 25%"; cat run.txt; fi
grep -q '^A/B: `poolbench compare a25.json` tests the two builds' run.txt &&
    ok || bad "run does not say how to compare: $(tail -3 run.txt)"
"$PB" compare --metric cpu --threshold 10 a25.json > c25.txt 2>&1
rc=$?
[ "$rc" -eq 1 ] && ok || { bad "0 vs 25%: exit $rc, not 1"; cat c25.txt; }
head -1 c25.txt | grep -q '^compared 1 of 1 configurations' && ok ||
    bad "first line: $(head -1 c25.txt)"
grep -q 'slower: regression (> 10%)' c25.txt && ok || bad "no regression"
grep -q 'checksums: both sides computed the same values' c25.txt && ok ||
    bad "checksums line missing"
grep -q 'gate: FAILED: 1 regression' c25.txt && ok || bad "gate line"

# The file: both sides, the base first, every round of every row.
python3 - a25.json <<'PY' && ok || bad "A/B results file"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ab"] == {"base": "base", "new": "new"}, d.get("ab")
rows = d["results"]
assert [(r["workload"], r["side"]) for r in rows] == [
    ("abwork@base", "base"), ("abwork@new", "new")], rows
for r in rows:
    assert r["samples"]["round"] == list(range(20)), r["samples"]["round"]
    assert "round" not in r["stats"]
assert rows[0]["checksum"] == rows[1]["checksum"]
PY

# No work difference: never flagged; the verdict says what it could see.
ab 0 a0.json -n 100 -r 20 || bad "ab run 0%"
"$PB" compare --metric cpu --threshold 10 a0.json > c0.txt 2>&1
rc=$?
[ "$rc" -ne 1 ] && ok || { bad "0 vs 0%: flagged"; cat c0.txt; }
grep -Eq 'slower[:,]' c0.txt && bad "0 vs 0%: slower: $(cat c0.txt)" || ok
grep -Eq 'could detect (only )?>= [0-9.]+%' c0.txt && ok ||
    bad "no detectable effect: $(cat c0.txt)"
"$PB" compare --paired --format json --metric cpu a0.json > j0.txt
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["summary"].startswith("compared "), d["summary"]
r = d["rows"][0]
assert r["pairs"] == 20 and r["detectable_ratio"] > 1, r
' j0.txt && ok || bad "json report: $(cat j0.txt)"

# A build that computes other values: said at run time and by compare.
ab other other.json -n 20 -r 2 || bad "ab run of other values"
python3 -c '
import json, sys
w = [x for x in json.load(open(sys.argv[1]))["warnings"]
     if x["kind"] == "ab_checksum"]
assert len(w) == 1 and "computed different values" in w[0]["message"], w
' other.json && ok || bad "no ab_checksum warning"
"$PB" compare other.json > co.txt 2>&1
grep -q 'checksums DIFFER in 1 configuration' co.txt && ok ||
    bad "compare does not say the checksums differ: $(cat co.txt)"

# Without -n the new side takes the base side's calibrated task count;
# -p NAME.KEY reaches both sides.
ab 10 cal.json -r 1 --min-time 0.05 -p abwork.work=200 ||
    bad "calibrated ab run"
python3 -c '
import json, sys
b, n = json.load(open(sys.argv[1]))["results"]
assert b["tasks"] == n["tasks"] and b["tasks_source"] == "calibrated", b
assert b["params"] == n["params"] == {"work": 200}, (b["params"], n["params"])
' cal.json && ok || bad "task counts or params differ: $(cat run.txt)"

# Three rounds can never reach p < 0.01: not tested, exit 2.
ab 25 a3.json -n 50 -r 3 || bad "ab run -r 3"
"$PB" compare --metric cpu a3.json > c3.txt 2>&1
rc=$?
[ "$rc" -eq 2 ] && ok || bad "-r 3: exit $rc, not 2"
grep -q 'cannot reach p < 0.01' c3.txt && ok || bad "$(cat c3.txt)"
grep -q 'gate: FAILED: nothing could be tested' c3.txt && ok || bad "gate"
"$PB" compare --metric cpu --allow-unmatched a3.json > /dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--allow-unmatched passed with nothing tested"

# Two binaries round by round (here the same build twice): one A/B file
# with both sides, every round, task counts fixed by -n.
if "$PB" ab --base "$PB" --new "$PB" -r 4 -o two.json -- -w noop \
    -e serial,threads -j 2 -n 100 > ab.txt 2>&1; then ok
else bad "poolbench ab: $(cat ab.txt)"; fi
python3 - two.json <<'PY' && ok || bad "poolbench ab's file"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ab"] == {"base": "base", "new": "new"}
got = sorted((r["workload"], r["side"], r["executor"]) for r in d["results"])
assert got == [("noop@" + s, s, e) for s in ("base", "new")
               for e in ("serial", "threads")], got
for r in d["results"]:
    assert r["samples"]["round"] == [0, 1, 2, 3], r["samples"]["round"]
    assert len(r["samples"]["wall_s"]) == 4 and r["stats"]["wall_s"]["n"] == 4
    assert r["tasks"] == 100
PY
"$PB" compare two.json > c2.txt 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q '^compared 0 of 2 configurations' c2.txt && ok ||
    bad "4 rounds must be not tested (exit $rc): $(cat c2.txt)"
# Without -n, round 0's base run calibrates and every other run takes its
# task counts with --tasks-from: the same tasks in every round.
if "$PB" ab --base "$PB" --new "$PB" -r 3 -o cal2.json -- -w noop,factorial \
    -e serial --min-time 0.005 > ab.txt 2>&1; then ok
else bad "poolbench ab, calibrated: $(cat ab.txt)"; fi
python3 - cal2.json <<'PY' && ok || bad "ab without -n: task counts differ"
import json, sys
rows = json.load(open(sys.argv[1]))["results"]
for name in ("noop", "factorial"):
    t = {r["tasks"] for r in rows if r["workload"].startswith(name + "@")}
    assert len(t) == 1, (name, t)
assert {r["tasks_source"] for r in rows if r["side"] == "new"} == \
    {"baseline"}, rows
PY
check_usage "RUN-ARGS go after --" "$PB" ab --base "$PB" --new "$PB" \
    noop && ok
check_usage "-r in RUN-ARGS" "$PB" ab --base "$PB" --new "$PB" -- -r 3 && ok
check_usage "--new $work/none: not an executable" "$PB" ab --base "$PB" \
    --new "$work/none" -- -w noop && ok
"$PB" ab --base "$PB" --new "$PB" -r 2 -o bad.json -- -w nosuch \
    > /dev/null 2>&1
[ $? -eq 3 ] && [ ! -e bad.json ] && ok || bad "a failing round: not exit 3"

# Bad input: exit 2, and one error line after the plugins it loaded.
plugin_usage() { # NEEDLE ARGS...
    needle=$1
    shift
    "$PB" run "$@" -w abwork -n 1 -r 1 -o x.json > out.txt 2> err.txt
    rc=$?
    grep -v '^poolbench: loaded plugin' err.txt > errors.txt
    if [ "$rc" -eq 2 ] && [ "$(wc -l < errors.txt)" -eq 1 ] &&
        grep -qF -- "$needle" errors.txt && [ ! -e x.json ]; then ok
    else bad "exit $rc: $*: $(cat err.txt)"; fi
}
plugin_usage "--plugin new=$work/none.so" \
    --plugin "base=$P/plugin_ab_work_0.so" --plugin "new=$work/none.so"
plugin_usage "already loaded under two labels" \
    --plugin "a=$P/plugin_ab_work_0.so" --plugin "b=$P/plugin_ab_work_10.so" \
    --plugin "c=$P/plugin_ab_work_25.so"
plugin_usage "already exists" --plugin "$P/plugin_ab_work_0.so" \
    --plugin "b=$P/plugin_ab_work_10.so"
"$PB" run -w noop -e serial -n 10 -r 2 -o plain.json --no-progress \
    >/dev/null 2>&1
check_usage "not an A/B run" "$PB" compare --paired plain.json && ok
check_usage "--format 'bmf'" "$PB" compare --paired --format bmf a0.json && ok
check_usage "expected two results files" "$PB" compare plain.json && ok
finish ab_cli_test
