#!/bin/sh
# cmd-bench.sh - the figures for the user's own work (cmd, pyfunc), to run
# on a quiet machine:
#   1. cost per task of spawning a command: poolbench's cmd (serial and 2
#      workers of threads, futures and procs) against `xargs -P 2` and, if
#      installed, GNU `parallel -j 2`, all running `true FILE` over the
#      same corpus files (hyperfine times xargs and parallel);
#   2. md5sum over the corpus, serial and 2 workers, beside the built-in
#      hashing workload on the same files;
#   3. the seed's Python factorial (scripts/seedfuncs.py) under the five
#      Python executors: the summary's answer as printed.
#
#   scripts/cmd-bench.sh                 # build/poolbench, 2000 files
#   POOLBENCH=path FILES=4000 PRECISION=2 scripts/cmd-bench.sh
#
# Everything lands in a temporary folder (removed at exit), never in
# results/; keep it with KEEP=DIR.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
PB=${POOLBENCH:-$here/../build/poolbench}
FILES=${FILES:-2000}
SIZE_MB=${SIZE_MB:-16}
PRECISION=${PRECISION:-3}
MAXTIME=${MAXTIME:-120}
NFACT=${NFACT:-5000}

if [ ! -x "$PB" ]; then
    echo "cmd-bench.sh: $PB not found; build first (make build)" >&2
    exit 2
fi
for tool in python3 hyperfine xargs md5sum; do
    command -v "$tool" > /dev/null || {
        echo "cmd-bench.sh: $tool is needed" >&2
        exit 2
    }
done
tmp=${KEEP:-$(mktemp -d)}
mkdir -p "$tmp"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT INT TERM
cache=$tmp/cache
CORPUS="-p files=$FILES -p size_mb=$SIZE_MB --corpus-dir $cache"
PREC="--precision $PRECISION --max-time $MAXTIME --no-progress"

# 0. The corpus, and its files as a list, in poolbench's sorted order.
"$PB" run -w hashing $CORPUS -e serial -r 1 --warmup 0 --min-time 0 \
    --no-progress -o "$tmp/gen.json" > /dev/null
tree=$(ls -d "$cache"/corpus-v1-f"$FILES"-*/tree)
(cd "$tree" && find . -type f -printf '%P\n' | LC_ALL=C sort |
    sed "s|^|$tree/|") > "$tmp/files.txt"
n=$(wc -l < "$tmp/files.txt")
echo "== $n files under $tree"

# 1. Spawn cost per task: cmd against xargs -P 2 and GNU parallel.
echo "== 1. per-task cost of spawning \`true FILE\`"
set -x
"$PB" run -w cmd -p 'run=true {}' -p list="$tmp/files.txt" \
    -e serial,threads,futures,procs -j 2 $PREC -o "$tmp/spawn.json"
hyperfine --warmup 1 --min-runs 10 --export-json "$tmp/xargs.json" \
    "xargs -d '\\n' -n 1 -P 2 true < $tmp/files.txt"
if command -v parallel > /dev/null; then
    hyperfine --warmup 1 --min-runs 10 --export-json "$tmp/parallel.json" \
        "parallel -j 2 true {} :::: $tmp/files.txt"
fi
set +x
python3 - "$tmp" "$n" <<'PY'
import json, os, sys
tmp, n = sys.argv[1], int(sys.argv[2])
print("%-26s %12s" % ("tool", "us per task"))
for r in json.load(open(os.path.join(tmp, "spawn.json")))["results"]:
    print("%-26s %12.1f" % ("poolbench cmd %s x%d" % (r["executor"],
                                                     r["workers"]),
                            r["ns_per_task"] / 1e3))
for name in ("xargs", "parallel"):
    p = os.path.join(tmp, name + ".json")
    if os.path.exists(p):
        t = json.load(open(p))["results"][0]["median"]
        label = name + (" -P 2" if name == "xargs" else " -j 2")
        print("%-26s %12.1f" % (label, t / n * 1e6))
PY

# 2. md5sum over the corpus beside the built-in hashing workload.
echo "== 2. md5sum per file (cmd) beside hashing, serial and 2 workers"
"$PB" run -w cmd,hashing -p cmd.run='md5sum {}' -p cmd.digest=1 $CORPUS \
    -e serial,threads,procs -j 2 $PREC -o "$tmp/md5.json"

# 3. The seed's factorial in Python under the five Python executors.
echo "== 3. the seed's factorial (scripts/seedfuncs.py) in Python"
"$PB" run -w pyfunc -p func=seedfuncs:factorial \
    -p path="$here/seedfuncs.py" -p items=index -n "$NFACT" \
    -e py-serial,py-pool,py-threadpool,py-tpe,py-ppe -j 2 \
    --mode ordered,unordered $PREC -o "$tmp/pyfact.json"
"$PB" show "$tmp/pyfact.json" --format text
