#!/bin/sh
# measure_cli_test.sh - trustworthy measurement with the real binary:
# calibration reaches --min-time, --precision stops early when it can and
# spends the budget when it cannot, the noise meter sees a busy process
# this test starts, warnings reach the file and the summary, and files
# from before these fields are still read. Bounds are generous: a busy
# CI machine only adds noise, which these checks allow for.
. "$(dirname "$0")/cli_lib.sh"
PB=${PB_WRAPPER:+$PB_WRAPPER }$POOLBENCH
work=$(mktemp -d)
busy_pids=
cleanup() {
    [ -n "$busy_pids" ] && kill $busy_pids 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1
export XDG_CACHE_HOME="$work/cache"

# json FILE 'python expression over r (the results) and d (the file)'
check() {
    python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["results"]
def round_up(x):
    """The smallest of 1, 2, 5 x 10^k at least x (calibrate_round_up)."""
    m = 1
    while True:
        for f in (1, 2, 5):
            if f * m >= x:
                return f * m
        m *= 10
if not eval(" ".join(sys.argv[2].split())):
    sys.exit("failed: " + sys.argv[2])
PY
}

# Calibration: every built-in workload's serial repetition reaches the
# target (or the task cap), with tasks_source and the calibration noted.
if $PB run \
       -w noop,factorial,hashing,shuffled,contended,latency,crawl,blocklock \
       -e serial -r 1 --warmup 0 --min-time 0.05 --no-progress \
       -p hashing.size_mb=2 -p shuffled.size_mb=2 -p hashing.files=100 \
       -p shuffled.files=100 -p latency.us=50 -p crawl.us=0 \
       -o cal.json > cal.txt 2>&1; then ok
else bad "calibrated run: $(cat cal.txt)"; fi
# The rule, checked against what the calibration measured (not against
# the later repetitions, whose times a busy machine changes): a serial
# repetition of from_tasks that took from_s under the target scales to at
# least the round count 10% above it (1, 2 or 5 x 10^k, at most 2^22),
# one at or above the target is kept.
if check cal.json 'len(r) == 8 and all(
        x["tasks_source"] in ("calibrated", "default", "capped")
        for x in r) and
        len(d["config"]["calibration"]) == 8 and
        d["config"]["min_time_s"] == 0.05 and all(
        (c["tasks"] == c["from_tasks"] if c["from_s"] >= 0.05 else
         c["tasks"] >= min(round_up(c["from_tasks"] * 0.05 * 1.1 /
                                    max(c["from_s"], 1e-7)), 4194304))
        for c in d["config"]["calibration"])'; then ok
else bad "calibration did not follow its rule: $(cat cal.txt)"; fi
# hashing cycles over its files: more tasks than files (what calibration
# asks of it) run, each file read in turn.
if $PB run -w hashing -e serial -n 250 -p files=100 -p size_mb=2 -r 1 \
       --warmup 0 --no-progress -o cycle.json > /dev/null 2>&1 &&
   check cycle.json 'r[0]["tasks"] == 250 and r[0]["errors"] == 0 and
        r[0]["failure"] is None'
then ok; else bad "hashing did not cycle over its files"; fi
# -n is the user's: no calibration.
if $PB run -w factorial -e serial -n 300 -r 1 --no-progress -o n.json \
       > /dev/null 2>&1 &&
   check n.json 'r[0]["tasks"] == 300 and r[0]["tasks_source"] == "option"'
then ok; else bad "-n was calibrated"; fi

# --precision: an easy target (the interval within +-100%: with 7
# repetitions the interval is their range, so only one more than twice
# their median misses it) stops at 7. A busy machine can make such a
# repetition; then, and only then, the run goes on: checked against the
# first 7 repetitions themselves, not against how fast they were.
if $PB run -w factorial -e serial -n 2000 --min-time 0 --precision 100 \
       --no-progress -o easy.json > /dev/null 2>&1 &&
   check easy.json '(len(r[0]["samples"]["wall_s"]) == 7 and
                     r[0]["precision_reached"] is True) or
        (len(r[0]["samples"]["wall_s"]) > 7 and
         max(r[0]["samples"]["wall_s"][:7]) >
         2 * sorted(r[0]["samples"]["wall_s"][:7])[3])'; then ok
else bad "--precision 100 did more than 7 repetitions"; fi
# ... an impossible one spends the budget, and says so.
if $PB run -w factorial -e serial -n 2000 --min-time 0 --precision 0.01 \
       --max-time 1 --no-progress -o hard.json > hard.txt 2>&1 &&
   check hard.json 'len(r[0]["samples"]["wall_s"]) > 7 and
        r[0]["precision_reached"] is False and
        any(w["kind"] == "precision_not_reached" and w["result"] == 0
            for w in d["warnings"])' &&
   grep -q "! precision_not_reached" hard.txt; then ok
else bad "--precision 0.01 --max-time 1: $(cat hard.txt)"; fi
check_usage "--max-time goes with --precision" \
    $PB run -w noop -e serial --max-time 5
check_usage "needs at least 7 repetitions" \
    $PB run -w noop -e serial --precision 5 -r 3

# The noise meter: a busy loop on every CPU but one is foreign CPU time,
# the repetitions are disturbed, the retried ones kept apart, and the
# summary warns.
cpus=$(getconf _NPROCESSORS_ONLN)
k=1
while [ "$k" -lt "$cpus" ] || [ "$k" -eq 1 ]; do
    sh -c 'while :; do :; done' &
    busy_pids="$busy_pids $!"
    k=$((k + 1))
    [ "$cpus" -eq 1 ] && break
done
if $PB run -w factorial -e serial -n 20000 -r 5 --min-time 0 \
       --retry-disturbed 1 --no-progress -o busy.json > busy.txt 2>&1
then ok; else bad "busy run: $(cat busy.txt)"; fi
kill $busy_pids 2>/dev/null
busy_pids=
if check busy.json '
        sorted(x for x in r[0]["samples"]["foreign_cpu_s"])[2] >
            0.3 * sorted(r[0]["samples"]["wall_s"])[2] and
        r[0]["disturbed"] > 0 and "samples_disturbed" in r[0] and
        any(w["kind"] == "busy_machine" for w in d["warnings"])' &&
   grep -q "! busy_machine" busy.txt; then ok
else bad "the noise meter missed a busy loop: $(cat busy.txt)"; fi
# Others took most of a CPU: the remedy names the busy loop (sh) to stop.
if check busy.json '
        any(w["kind"] == "busy_machine" and
            "most CPU went to sh (pid" in w["remedy"]
            for w in d["warnings"])'; then ok
else bad "busy_machine does not name the busy loop: $(cat busy.txt)"; fi
if check busy.json "all(0 <= c <= $cpus for c in
                        r[0]['samples']['cpus_available'])"; then ok
else bad "cpus_available out of range"; fi

# too_short: -n fixes a repetition far under --min-time.
if $PB run -w noop -e serial -n 10 -r 3 --min-time 1 --no-progress \
       -o short.json > /dev/null 2>&1 &&
   check short.json 'any(w["kind"] == "too_short" for w in d["warnings"])'
then ok; else bad "no too_short warning"; fi

# slow_workers: under a spin lock held for all of the work, each of two
# workers burns CPU waiting for the other: far below serial's speed per
# CPU-second. (A 1-CPU machine runs them one at a time: nothing to see.)
# Whether it fires depends on the machine at that moment: a busy machine
# takes serial's CPU away (then the rule does not apply: CPU-bound work
# only), or runs the two workers one at a time (then they do not spin).
# What is checked is the rule, both ways, against the file's own numbers:
# the warning is there exactly when serial was CPU-bound (CPU >= 0.8 of
# wall, >= 1 us a task, medians) and the threads row's workers ran below
# 0.85 of serial's speed per CPU-second (medians of worker_speed_min).
if [ "$cpus" -ge 2 ]; then
    if $PB run -w contended -e serial,threads -j 2 -n 2000 -r 3 \
           --min-time 0 -p critical=1 -p lock=spin --no-progress \
           -o spin.json > /dev/null 2>&1 &&
       python3 - spin.json <<'PY'
import json, math, statistics, sys
d = json.load(open(sys.argv[1]))
rows = {x["executor"]: x for x in d["results"]}
def med(row, key):
    v = [x for x in row["samples"][key] if x is not None and math.isfinite(x)]
    return statistics.median(v) if v else math.nan
ser, thr = rows["serial"], rows["threads"]
cpu = med(ser, "user_s") + med(ser, "sys_s")
bound = cpu >= 0.8 * med(ser, "wall_s") and cpu / ser["tasks"] >= 1e-6
speed = med(thr, "worker_speed_min") / med(ser, "worker_speed_min")
want = bound and speed < 0.85
got = any(w["kind"] == "slow_workers" for w in d["warnings"])
print("slow_workers: serial CPU-bound %s, workers at %.2f of serial: "
      "expected %s, got %s" % (bound, speed, want, got))
sys.exit(0 if got == want else 1)
PY
    then ok
    else bad "slow_workers does not follow its rule on the file's numbers"; fi
fi

# Files from before calibration and the noise meter are still read.
for f in "$SOURCE_DIR"/tests/fixtures/good/*.json; do
    if $PB show "$f" > /dev/null 2> err.txt; then ok
    else bad "old file $f: $(cat err.txt)"; fi
done

finish measure-cli
