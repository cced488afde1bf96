#!/bin/sh
# stats_cli_test.sh - what every number and sentence rests on (issue 21,
# issue 20 item 6): the speedup's point and interval from one
# construction (checked against python3), no interval from <= 3
# repetitions, the real level in the JSON, the summary's words
# (recommendation, speed ratios, "best parallel"), warnings wrapped and
# with a remedy, tasks_source "capped", and the did-you-means.
PB=${POOLBENCH:?}
. "$(dirname "$0")/cli_lib.sh"
command -v python3 > /dev/null || { echo "no python3"; exit 77; }
work=$(mktemp -d /tmp/pb-stats-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# Fixture files: rows of samples, written by python3.
python3 - <<'PY'
import json
def row(ex, j, wall, wl="factorial"):
    return {"workload": wl, "executor": ex, "workers": j, "mode": "unordered",
            "chunk": 1, "transport": "none", "params": {}, "tasks": 100,
            "errors": 0, "checksum": "00000000001e8098", "failure": None,
            "samples": {"wall_s": wall}}
def doc(rows, warnings=()):
    return {"schema": "poolbench/1", "created": "2026-01-01T00:00:00Z",
            "machine": {"hostname": "h", "os": None, "kernel": "6.1",
                        "cpu_model": "cpu", "cpus_online": 2,
                        "affinity": "0-1", "mem_total_bytes": 1024,
                        "clocksource": "tsc", "governor": None,
                        "compiler": "gcc", "build_type": "release",
                        "poolbench_version": "0.1.0", "git_commit": None},
            "config": {}, "results": rows, "warnings": list(warnings)}
def write(name, d):
    json.dump(d, open(name, "w"))
write("bimodal.json", doc([row("serial", 1, [10, 10.1, 10.2, 15, 15.1]),
                           row("threads", 2, [6, 6.1, 9, 9.1, 9.2, 9.3])]))
write("one.json", doc([row("serial", 1, [1.0]), row("threads", 2, [0.3])]))
write("three.json", doc([row("serial", 1, [1.0, 1.1, 0.9]),
                         row("threads", 2, [0.5, 0.55, 0.45])]))
write("cheap.json", doc([
    row("serial", 1, [10, 10.1, 10.2, 10.05, 10.15]),
    row("threads", 2, [5.0, 5.1, 5.2, 5.05, 5.15]),
    row("threads", 4, [4.9, 5.0, 5.1, 5.05, 4.95])]))
write("x1.json", doc([row("serial", 1, [1, 1.01, 1.02, 1.03, 1.04]),
                      row("futures", 1, [2, 2.01, 2.02, 2.03, 2.04])]))
write("x1x2.json", doc([row("serial", 1, [1, 1.01, 1.02, 1.03, 1.04]),
                        row("futures", 1, [2, 2.01, 2.02, 2.03, 2.04]),
                        row("threads", 2, [3, 3.01, 3.02, 3.03, 3.04])]))
long = ("serial x1: " + "a repetition was disturbed by others " * 5 +
        "(lock, cache or host contention)")
write("warned.json", doc([row("serial", 1, [1, 1.1, 1.2, 1.3]),
                          row("threads", 2, [0.5, 0.6, 0.7, 0.8])], [
    {"kind": "too_short", "message": long, "result": 0,
     "remedy": "x" * 70 + " use --min-time 0.5 or more, or -p n=3000"},
    {"kind": "governor", "message": "old file, no remedy", "result": None}]))
PY

# 1, 2: the speedup is the log-scale Hodges-Lehmann estimate of serial /
# threads over all pairs, inside its own interval, recomputed here with
# the exact Mann-Whitney law enumerated by itertools.
"$PB" show bimodal.json --format json > bimodal.out 2> err.txt
if python3 - bimodal.out <<'PY'
import itertools, json, math, statistics, sys
rows = json.load(open(sys.argv[1]))
base = [10, 10.1, 10.2, 15, 15.1]
new = [6, 6.1, 9, 9.1, 9.2, 9.3]
r = sorted(b / a for b in base for a in new)
est = math.exp(statistics.median(math.log(x) for x in r))
nb, nn = len(new), len(base)
counts = {}
for comb in itertools.combinations(range(nb + nn), nb):
    s = set(comb)
    u = sum(1 for i in comb for j in range(nb + nn) if j not in s and j < i)
    counts[u] = counts.get(u, 0) + 1
total = sum(counts.values())
cum = c = 0
for k in range(1, nb * nn // 2 + 2):
    cum += counts.get(k - 1, 0)
    if cum / total > 0.025:
        break
    c, at = k, cum / total
t = rows[1]
assert abs(t["speedup"] - est) < 1e-9, (t["speedup"], est)
assert abs(t["speedup_ci95_low"] - r[c - 1]) < 1e-9
assert abs(t["speedup_ci95_high"] - r[-c]) < 1e-9
assert abs(t["speedup_ci_level"] - (1 - 2 * at)) < 1e-9
assert t["speedup_ci95_low"] <= t["speedup"] <= t["speedup_ci95_high"]
PY
then ok; else bad "speedup is not the log-scale HL inside its interval"; fi

# 4 / issue 20 item 6: no interval from 1 or 3 repetitions a side.
"$PB" show one.json --summary > one.out 2>&1
if grep -q "1 repetition: no interval" one.out && ! grep -q "\[" one.out
then ok; else bad "-r 1 shows an interval: $(cat one.out)"; fi
"$PB" show three.json --summary > three.out 2>&1
"$PB" show three.json --format json > three.json.out 2>&1
if grep -q "3 repetitions: no interval" three.out &&
   python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))[1]
assert r["speedup_ci95_low"] is None and r["speedup_ci_level"] is None
assert r["wall_ci95_low_s"] is None and r["wall_ci_level"] is None' \
       three.json.out
then ok; else bad "3 repetitions a side: $(cat three.out)"; fi

# 8, 9: the cheapest configuration not clearly slower than the fastest,
# and the speed ratio in words (never "% faster").
"$PB" show cheap.json --summary > cheap.out 2>&1
if grep -q "recommended: threads x2, no clear difference from threads x4" \
       cheap.out && grep -q "more workers than CPUs: threads x4 .*x2" \
       cheap.out && ! grep -q "% faster\|% slower" cheap.out
then ok; else bad "recommendation: $(cat cheap.out)"; fi

# 10: a pool of one worker is not "parallel".
"$PB" show x1.json --summary > x1.out 2>&1
if grep -q "best other: futures x1" x1.out && ! grep -q "parallel" x1.out
then ok; else bad "one-worker pool called parallel: $(cat x1.out)"; fi
"$PB" show x1x2.json --summary > x1x2.out 2>&1
"$PB" report x1x2.json -o x1x2.html > /dev/null 2>&1
if grep -q "best parallel: threads x2" x1x2.out &&
   grep -q "best parallel: threads x2" x1x2.html
then ok; else bad "best parallel is not the fastest x2+: $(cat x1x2.out)"; fi

# 11, 13: warnings wrapped at words within 100 columns, never cut, with
# the remedy after "next:"; an option stays with its value.
"$PB" show warned.json --summary > warned.out 2>&1
if python3 - warned.out <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
assert all(len(l) <= 100 for l in lines), max(lines, key=len)
text = " ".join(l.strip() for l in lines)
long = ("serial x1: " + "a repetition was disturbed by others " * 5 +
        "(lock, cache or host contention)")
assert " ".join(long.split()) in " ".join(text.split()), text
assert "next: " + "x" * 70 in text, text
assert "--min-time 0.5" in text, "option split from its value"
assert not any(l.rstrip().endswith(("--min-time", "-p")) for l in lines)
assert "old file, no remedy" in text
PY
then ok; else bad "warning wrapping: $(cat warned.out)"; fi

# 13: the report shows each warning's remedy too.
"$PB" report warned.json -o warned.html > /dev/null 2>&1
if grep -q "Next (too_short):</em> x*x use --min-time 0.5" warned.html
then ok; else bad "no remedy in the report"; fi

# 11: the suite banner never breaks between an option and its value.
"$PB" run --suite seed -o /nonexistent/x.json > /dev/null 2> all.txt
grep -v '^poolbench run:' all.txt > banner.txt
if grep -q "suite seed" banner.txt &&
   ! awk 'length > 100' banner.txt | grep -q . &&
   ! grep -qE '(^| )-(p|e|w|j|n)$' banner.txt
then ok; else bad "suite banner: $(cat banner.txt)"; fi

# 3, 4: a real run's stats: one sample has no stddev and no interval; 4
# samples reach 1 - 2/16 = 0.875 (binomial, by hand).
load_before=$(cut -d' ' -f1 /proc/loadavg)
"$PB" run -w noop -e serial -n 1000 -r 1 --no-progress -o r1.json \
    > /dev/null 2> r1.err
load_after=$(cut -d' ' -f1 /proc/loadavg)
"$PB" run -w noop -e serial -n 1000 -r 4 --no-progress -o r4.json \
    > /dev/null 2>&1
if python3 - <<'PY'
import json
s = json.load(open("r1.json"))["results"][0]["stats"]["wall_s"]
assert s["stddev"] is None and s["ci_level"] is None, s
assert s["ci95_low"] is None and s["ci95_high"] is None, s
s = json.load(open("r4.json"))["results"][0]["stats"]["wall_s"]
assert s["ci_level"] == 0.875 and s["stddev"] is not None, s
PY
then ok; else bad "stats of 1 and 4 samples"; fi

# 13: the pre-run "busy" check reaches stderr off a terminal too (a CI
# log). The one-minute load average moves slowly: judged only when it was
# far above the threshold (half the CPUs) before and after the run.
cpus=$(getconf _NPROCESSORS_ONLN)
if awk -v a="$load_before" -v b="$load_after" -v c="$cpus" \
       'BEGIN { exit !(a > c && b > c) }'; then
    if grep -q "busy before the run.*next: " r1.err
    then ok; else bad "no busy line off a terminal: $(cat r1.err)"; fi
fi

# 5, 13: noop at --min-time 60 hits the 2^22 task cap: "capped", and a
# too_short warning whose remedy names the --min-time to use.
"$PB" run -w noop -e serial -r 1 --min-time 60 --no-progress \
    -o capped.json > capped.out 2>&1
if python3 - <<'PY'
import json
d = json.load(open("capped.json"))
r = d["results"][0]
assert r["tasks"] == 1 << 22 and r["tasks_source"] == "capped", r
w = [x for x in d["warnings"] if x["kind"] == "too_short"]
assert w and "--min-time" in w[0]["remedy"], d["warnings"]
assert all(x.get("remedy") for x in d["warnings"]), d["warnings"]
PY
then ok; else bad "capped calibration: $(cat capped.out)"; fi
if grep -q "next: .*--min-time" capped.out
then ok; else bad "no remedy in the terminal: $(cat capped.out)"; fi

# 6: why each repetition was disturbed, aligned with its samples.
if python3 - <<'PY'
import json
names = {"foreign_cpu", "steal", "slow_probe", "uneven_workers"}
for f in ("r4.json", "capped.json"):
    r = json.load(open(f))["results"][0]
    why = r["disturbed_why"]["samples"]
    assert len(why) == len(r["samples"]["wall_s"]), r
    assert all(set(w) <= names for w in why), why
    apart = r["disturbed_why"].get("samples_disturbed", [])
    assert sum(1 for w in why + apart if w) == r["disturbed"], r
PY
then ok; else bad "disturbed_why"; fi

# 19: did you mean for compare, -r 7 for --precision, list --plugin.
if check_usage "did you mean '--threshold'" "$PB" compare --thresold 5 \
       a.json b.json
then ok; fi
if check_usage "use -r 7" "$PB" run -r 5 --precision 3; then ok; fi
plugin=$(dirname "$PB")/tests/plugin_example.so
if [ -f "$plugin" ]; then
    if "$PB" list --plugin "$plugin" > list.out 2> list.err &&
       grep -q "collatz" list.out
    then ok; else bad "list --plugin: $(cat list.err)"; fi
fi
if check_usage "--plugin needs a value" "$PB" list --plugin; then ok; fi

finish stats-cli
