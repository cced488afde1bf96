#!/bin/sh
# ci_local_test.sh - scripts/ci-local.sh end to end on a tiny benchmark
# (every job of bench.yml on one machine: main runs stored, the trend of
# the pull request against them with --window, the A/B gate of two builds
# measured round by round, a pinned run reported, the HTML report), and
# its refusals. The gate's verdict itself is not asserted (it is timing);
# that it gives one, from a real A/B file, is.
set -u
. "$(dirname "$0")/cli_lib.sh"
PB=${POOLBENCH:?POOLBENCH must name the poolbench binary}
SRC=${SOURCE_DIR:?SOURCE_DIR must name the source tree}
work=$(mktemp -d /tmp/pb-cilocal-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

POOLBENCH=$PB CI_LOCAL_RUNS=3 CI_LOCAL_AB_ROUNDS=4 \
    sh "$SRC/scripts/ci-local.sh" out > log.txt 2>&1
rc=$?
# A/A over 4 rounds: nothing can be tested (exit 2) or, if the
# machine was quiet, a verdict; never a failed run (3).
if [ "$rc" -le 2 ]; then ok
else bad "ci-local.sh exit $rc, not a verdict (0, 1 or 2)"; cat log.txt; fi
[ "$rc" -eq 1 ] && echo "note: the A/A gate of ci-local.sh flagged" \
    "a regression (a noisy machine): $(head -n 1 out/summary.md)"
# Three runs of main stored on this machine, the pr run not.
n=$($PB history list --name main --db out/history.sqlite |
    grep -c ' main ')
if [ "$n" -eq 3 ]; then ok; else bad "$n runs of main stored, not 3"; fi
# The trend used all three: it says what it compared first, then its
# verdict.
if head -n 1 out/trend.md |
   grep -q '^\*\*compared [0-9]* of 6 configurations\*\*'
then ok; else bad "trend.md: $(head -n 1 out/trend.md)"; fi
if grep -q '^\*\*Gate: \(passed\|failed\)\*\*' out/trend.md; then ok
else bad "trend.md has no verdict"; fi
if grep -q "main, last 3 runs" out/trend.md; then ok
else bad "trend.md does not name the base runs"; fi
# The trend's run measured main's configurations: --tasks-from main.
python3 -c '
import json, sys
s = {r["tasks_source"] for r in json.load(open(sys.argv[1]))["results"]}
assert s == {"baseline"}, s
' out/pr.json && ok || bad "the trend run did not take main's task counts"
# The gate is the paired comparison of a real A/B file: both builds in
# every round, and its summary opens with what it compared.
if head -n 1 out/summary.md |
   grep -q '^\*\*compared [0-9]* of 3 configurations (A/B in one run'
then ok; else bad "summary.md: $(head -n 1 out/summary.md)"; fi
if [ "$rc" -ne 2 ] || grep -q 'cannot reach p < ' out/summary.md; then ok
else bad "exit 2 without saying why: $(cat out/summary.md)"; fi
python3 - out/ab.json <<'PY' && ok || bad "out/ab.json is not an A/B run"
import json, sys
d = json.load(open(sys.argv[1]))
sides = sorted({r["side"] for r in d["results"]})
assert sides == ["base", "new"], sides
assert all(r["samples"]["round"] == [0, 1, 2, 3] for r in d["results"])
PY
# The machine comparison is a report (speedup), whatever it says.
if grep -q "speedup over serial" out/machines.md ||
   grep -q "no second machine" out/machines.md; then ok
else bad "machines.md"; cat out/machines.md; fi
if [ -s out/report.html ] && grep -q "<html" out/report.html; then ok
else bad "no HTML report"; cat out/report.log; fi

# Refusals: exit 2 with one line.
check_usage "CI_LOCAL_RUNS '1'" env POOLBENCH="$PB" CI_LOCAL_RUNS=1 \
    sh "$SRC/scripts/ci-local.sh" out2 && ok
check_usage "no poolbench at" env POOLBENCH=/nonexistent \
    sh "$SRC/scripts/ci-local.sh" out2 && ok
check_usage "no poolbench at /nonexistent" env POOLBENCH="$PB" \
    CI_LOCAL_BASE=/nonexistent sh "$SRC/scripts/ci-local.sh" out2 && ok
check_usage "CI_LOCAL_AB_ROUNDS 'x'" env POOLBENCH="$PB" \
    CI_LOCAL_AB_ROUNDS=x sh "$SRC/scripts/ci-local.sh" out2 && ok
# A failing benchmark is exit 3, not a gate verdict.
POOLBENCH=$PB CI_LOCAL_RUNS=2 CI_LOCAL_BENCH="-w nosuch" \
    sh "$SRC/scripts/ci-local.sh" out3 > /dev/null 2>&1
rc=$?
if [ "$rc" -eq 3 ]; then ok; else bad "failing run: exit $rc, not 3"; fi

finish "ci-local"
