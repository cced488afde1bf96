#!/bin/sh
# ci_local_test.sh - scripts/ci-local.sh end to end on a tiny benchmark
# (the CI steps on one machine: main runs stored, the pull request gated
# on them with --window, a pinned run reported, the HTML report), and its
# refusals. The gate's verdict itself is not asserted (it is timing);
# that it gives one, from the stored runs, is.
set -u
. "$(dirname "$0")/cli_lib.sh"
PB=${POOLBENCH:?POOLBENCH must name the poolbench binary}
SRC=${SOURCE_DIR:?SOURCE_DIR must name the source tree}
work=$(mktemp -d /tmp/pb-cilocal-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

POOLBENCH=$PB CI_LOCAL_RUNS=3 sh "$SRC/scripts/ci-local.sh" out \
    > log.txt 2>&1
rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then ok
else bad "ci-local.sh exit $rc, not a verdict (0 or 1)"; cat log.txt; fi
[ "$rc" -eq 1 ] && echo "note: the A/A gate of ci-local.sh flagged" \
    "a regression (a noisy machine): $(head -n 1 out/summary.md)"
# Three runs of main stored on this machine, the pr run not.
n=$($PB history list --name main --db out/history.sqlite |
    grep -c ' main ')
if [ "$n" -eq 3 ]; then ok; else bad "$n runs of main stored, not 3"; fi
# The gate used all three: its verdict line says so and comes first.
verdict='^\*\*Gate: \(passed\|failed\)\*\*'
if head -n 1 out/summary.md |
   grep -q "$verdict.*outside the spread of 3 base runs"
then ok; else bad "summary.md: $(head -n 1 out/summary.md)"; fi
if grep -q "main, last 3 runs" out/summary.md; then ok
else bad "summary.md does not name the base runs"; fi
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
# A failing benchmark is exit 3, not a gate verdict.
POOLBENCH=$PB CI_LOCAL_RUNS=2 CI_LOCAL_BENCH="-w nosuch" \
    sh "$SRC/scripts/ci-local.sh" out3 > /dev/null 2>&1
rc=$?
if [ "$rc" -eq 3 ]; then ok; else bad "failing run: exit $rc, not 3"; fi

finish "ci-local"
