#!/bin/sh
# overhead.sh - print the executors' own cost against the targets of
# issue #3, measured with `poolbench run` (medians over REPS repetitions).
#
#   scripts/overhead.sh            # uses build/poolbench, REPS=7
#   POOLBENCH=path REPS=11 scripts/overhead.sh
#
# Results go to a temporary directory (removed at exit), never results/.
# Every figure is a wall-clock median divided by the task count, on
# whatever machine this runs; the targets are for a 2-core machine.
set -eu

here=$(dirname "$0")
PB=${POOLBENCH:-$here/../build/poolbench}
REPS=${REPS:-7}
N=${N:-1000000}       # noop tasks for the fine-grained figures
NPIPE=${NPIPE:-100000} # noop tasks for pipe chunk 1 (about 1 s)
NFACT=${NFACT:-100000} # factorial tasks (serial: about 0.3 s)

if [ ! -x "$PB" ]; then
    echo "overhead.sh: $PB not found; build first (make build)" >&2
    exit 2
fi
command -v python3 >/dev/null || {
    echo "overhead.sh: python3 is needed to read the results" >&2
    exit 2
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# run NAME ARGS...: one poolbench invocation into $tmp/NAME.json
run() {
    name=$1
    shift
    echo "+ poolbench run $* -r $REPS" >&2
    "$PB" run --no-progress -r "$REPS" -o "$tmp/$name.json" "$@" \
        >"$tmp/$name.txt" 2>&1 || {
        cat "$tmp/$name.txt" >&2
        echo "overhead.sh: poolbench run failed" >&2
        exit 3
    }
}

# 1. Fine-grained noop figures, one invocation.
run noop -w noop -j 2 -n "$N" -e threads,futures,procs \
    --chunk auto,1 --mode unordered
run pipe -w noop -j 2 -n "$NPIPE" -e procs --transport pipe --chunk 1 \
    --mode unordered
# 2. Peak RSS: one invocation per executor (ru_maxrss is a process peak).
for e in serial threads procs futures; do
    run "rss-$e" -w noop -j 2 -n "$N" -e "$e" --chunk auto,1 \
        --mode ordered,unordered
done
run rss-pipe -w noop -j 2 -n "$N" -e procs --transport pipe --chunk auto \
    --mode ordered,unordered
# 3. factorial n=300 at 2 workers: speedup and ordered vs unordered.
run fact -w factorial -p n=300 -n "$NFACT" -j 2 \
    -e serial,threads,procs,futures --mode ordered,unordered

python3 - "$tmp" <<'EOF'
import json, os, sys

tmp = sys.argv[1]

def rows(name):
    with open(os.path.join(tmp, name + ".json")) as f:
        return json.load(f)["results"]

def pick(rs, **kw):
    for r in rs:
        if all(str(r.get(k)) == str(v) for k, v in kw.items()):
            return r
    raise SystemExit("overhead.sh: no result for %s" % kw)

def ns(r):
    return r["stats"]["wall_s"]["median"] / r["tasks"] * 1e9

out = []
def line(what, value, unit, target, ok):
    out.append("%-52s %10.2f %-6s %-10s %s" %
               (what, value, unit, target, "ok" if ok else "MISSED"))

noop = rows("noop")
r = pick(noop, executor="threads", chunk_auto=True, mode="unordered")
line("threads noop j2 chunk auto unordered", ns(r), "ns/task", "<= 30",
     ns(r) <= 30)
r = pick(noop, executor="threads", chunk=1, chunk_auto=False)
line("threads noop j2 chunk 1 unordered", ns(r), "ns/task", "<= 200",
     ns(r) <= 200)
r = pick(noop, executor="futures", chunk=1, chunk_auto=False)
line("futures noop j2 chunk 1 submit + as_completed", ns(r), "ns/task",
     "<= 200", ns(r) <= 200)
r = pick(noop, executor="futures", chunk_auto=True)
line("futures noop j2 chunk auto unordered", ns(r), "ns/task", "-", True)
r = pick(noop, executor="procs", chunk_auto=True)
line("procs shm noop j2 chunk auto unordered", ns(r), "ns/task",
     "<= 300", ns(r) <= 300)
r = pick(noop, executor="procs", chunk=1, chunk_auto=False)
line("procs shm noop j2 chunk 1 unordered", ns(r), "ns/task", "-", True)
r = pick(rows("pipe"), executor="procs")
line("procs pipe noop j2 chunk 1 unordered", ns(r) / 1000, "us/task",
     "<= 8", ns(r) <= 8000)

for e in ("serial", "threads", "procs", "futures", "pipe"):
    rs = rows("rss-" + e)
    mb = max(r["stats"]["peak_rss_bytes"]["max"] for r in rs) / 2**20
    label = "procs/pipe" if e == "pipe" else e
    line("%s 1e6 noop tasks, peak RSS (self or a child)" % label, mb, "MB",
         "<= 48", mb <= 48)

fact = rows("fact")
serial = pick(fact, executor="serial")
for e in ("threads", "procs", "futures"):
    for m in ("unordered", "ordered"):
        r = pick(fact, executor=e, mode=m)
        sp = serial["stats"]["wall_s"]["median"] / \
            r["stats"]["wall_s"]["median"]
        line("factorial n=300 j2 %s %s speedup" % (e, m), sp, "x",
             ">= 1.9", sp >= 1.9)
    o = pick(fact, executor=e, mode="ordered")["stats"]["wall_s"]["median"]
    u = pick(fact, executor=e, mode="unordered")["stats"]["wall_s"]["median"]
    d = (o / u - 1) * 100
    line("factorial j2 %s ordered vs unordered" % e, d, "%", "<= 3",
         d <= 3)
sums = {r["checksum"] for r in fact}
line("factorial checksums equal across rows", len(sums), "distinct", "1",
     len(sums) == 1)

print("%-52s %10s %-6s %-10s %s" % ("figure", "median", "unit", "target",
                                     ""))
print("\n".join(out))
EOF
