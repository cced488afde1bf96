#!/bin/sh
# peers-bench.sh - poolbench's own cost per task beside peer pools, in the
# same run (issue #25): rounds that run every contender once each,
# interleaved, so that a drifting machine spreads over all of them.
#
#   scripts/peers-bench.sh                 # build/poolbench, 3 rounds
#   ROUNDS=5 REPS=7 scripts/peers-bench.sh
#   POOLBENCH_OLD=/tmp/old/poolbench scripts/peers-bench.sh   # before/after
#
# Contenders (2 workers, empty tasks; N=200000, pipe and Python NPIPE):
#   poolbench threads, futures, procs shm at chunk 1 and auto, procs pipe
#     at chunk 1, serial: `poolbench run -w noop`, ns_per_task = the
#     median wall_s / tasks (wall: first dispatch to last result, results
#     folded into the checksum by the consumer; pool start-up excluded);
#   omp-dynamic-1 (scripts/peers/omp_dynamic.c): OpenMP
#     schedule(dynamic,1), each task stores a 32-byte result; the wall is
#     the parallel loop (team started before);
#   glib-push (scripts/peers/glib_pool.c): GThreadPool push per task, the
#     pusher waits for the last; the wall is every push to the last done
#     (pool created before); needs libglib2.0-dev, else skipped;
#   py-pool-map-1 (scripts/peers/py_pool.py): multiprocessing.Pool.map(
#     noop, range(N), chunksize=1), the wall is the map (pool started and
#     warmed before).
# Each contender reports the median over REPS of one invocation; the
# table shows the median over ROUNDS of those. Peers are built in a
# temporary directory, removed at exit, as are results (never results/).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
PB=${POOLBENCH:-$here/../build/poolbench}
OLD=${POOLBENCH_OLD:-}
ROUNDS=${ROUNDS:-3}
REPS=${REPS:-7}
N=${N:-200000}
NPIPE=${NPIPE:-10000}
CC=${CC:-gcc}

[ -x "$PB" ] || { echo "peers-bench.sh: $PB not found; make build" >&2
                  exit 2; }
[ -z "$OLD" ] || [ -x "$OLD" ] || {
    echo "peers-bench.sh: POOLBENCH_OLD=$OLD is not executable" >&2
    exit 2; }
command -v python3 >/dev/null || {
    echo "peers-bench.sh: python3 is needed" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Build the peers; a peer that cannot be built is skipped, said once.
have_omp=0 have_glib=0
if $CC -O2 -fopenmp "$here/peers/omp_dynamic.c" -o "$tmp/omp" \
    2>"$tmp/omp.log"; then
    have_omp=1
else
    echo "peers-bench.sh: skipping OpenMP ($CC -fopenmp failed: install" \
         "gcc with libgomp)" >&2
fi
if pkg-config --exists glib-2.0 2>/dev/null &&
    $CC -O2 "$here/peers/glib_pool.c" -o "$tmp/glib" \
        $(pkg-config --cflags --libs glib-2.0) 2>"$tmp/glib.log"; then
    have_glib=1
else
    echo "peers-bench.sh: skipping GLib GThreadPool (install" \
         "libglib2.0-dev: apt-get install libglib2.0-dev)" >&2
fi

# pb TAG BIN ARGS...: one poolbench invocation; appends "TAG-row ns" lines
pb() {
    tag=$1 bin=$2
    shift 2
    "$bin" run --no-progress -w noop -j 2 -r "$REPS" -o "$tmp/pb.json" \
        "$@" >"$tmp/pb.txt" 2>&1 || {
        cat "$tmp/pb.txt" >&2
        echo "peers-bench.sh: poolbench run failed" >&2
        exit 3
    }
    python3 - "$tmp/pb.json" "$tag" >>"$tmp/all.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["results"]:
    e = r["executor"]
    if r.get("transport") not in (None, "none", "shm"):
        e += "-" + r["transport"]
    ch = "auto" if r.get("chunk_auto") else str(r["chunk"])
    ns = r["stats"]["wall_s"]["median"] / r["tasks"] * 1e9
    print("%s:%s:%s %.3f %s" % (sys.argv[2], e, ch, ns, r["checksum"]))
PY
}

# peer NAME CMD...: one peer invocation
peer() {
    name=$1
    shift
    "$@" >"$tmp/peer.txt" 2>&1 || {
        cat "$tmp/peer.txt" >&2
        echo "peers-bench.sh: $name failed" >&2
        exit 3
    }
    # "NAME ns_per_task=X checksum=HEX" -> "peer:NAME X HEX"
    sed -n 's/^\([^ ]*\) ns_per_task=\([^ ]*\) checksum=/peer:\1 \2 /p' \
        "$tmp/peer.txt" >>"$tmp/all.txt"
}

: >"$tmp/all.txt"
r=0
while [ "$r" -lt "$ROUNDS" ]; do
    r=$((r + 1))
    echo "round $r of $ROUNDS" >&2
    for bin in "$PB" $OLD; do
        tag=new
        [ "$bin" = "$PB" ] || tag=old
        pb "$tag" "$bin" -n "$N" -e serial,threads,futures,procs \
            --chunk 1,auto
        pb "$tag" "$bin" -n "$NPIPE" -e procs --transport pipe --chunk 1
    done
    [ $have_omp = 0 ] || peer omp "$tmp/omp" "$N" 2 "$REPS"
    [ $have_glib = 0 ] || peer glib "$tmp/glib" "$N" 2 "$REPS"
    peer python python3 "$here/peers/py_pool.py" "$NPIPE" 2 "$REPS"
done

python3 - "$tmp/all.txt" "$N" "$NPIPE" "$OLD" <<'PY'
import statistics, sys
rows = {}
sums = {}
for line in open(sys.argv[1]):
    key, ns, ck = line.split()
    rows.setdefault(key, []).append(float(ns))
    sums.setdefault(key, set()).add(ck)
med = {k: statistics.median(v) for k, v in rows.items()}
old = bool(sys.argv[4])

def g(k):
    return med.get(k)

def fmt(v, unit="ns"):
    if v is None:
        return "-"
    return "%.1f us" % (v / 1000) if v >= 10000 else "%.1f ns" % v

print("median over %d rounds; ns per task = wall / tasks, 2 workers, "
      "noop" % len(next(iter(rows.values()))))
print("%-34s %12s %12s" % ("contender", "now", "old" if old else ""))
for k in sorted(k for k in med if not k.startswith("old:")):
    name = k.split(":", 1)[1] if k.startswith("new:") else k
    o = g("old:" + k.split(":", 1)[1]) if k.startswith("new:") else None
    print("%-34s %12s %12s" % (name, fmt(med[k]), fmt(o) if old else ""))

def ratio(what, a, b, target, ok):
    if a is None or b is None:
        print("%-52s %8s  %s (skipped)" % (what, "-", target))
        return
    r = a / b
    print("%-52s %7.2fx  %-8s %s" % (what, r, target,
                                     "ok" if ok(r) else "MISSED"))

print()
thr = g("new:threads:1")
fut = g("new:futures:1")
ratio("threads chunk 1 / OpenMP dynamic,1", thr, g("peer:omp-dynamic-1"),
      "<= 1.2", lambda r: r <= 1.2)
ratio("futures chunk 1 / threads chunk 1", fut, thr, "<= 2.5",
      lambda r: r <= 2.5)
ratio("futures chunk 1 / GLib push", fut, g("peer:glib-push"), "< 1",
      lambda r: r < 1)
ratio("procs pipe chunk 1 / Python Pool.map chunksize=1",
      g("new:procs-pipe:1"), g("peer:py-pool-map-1"), "<= 0.15",
      lambda r: r <= 0.15)
if old:
    for e in ("serial", "threads", "futures", "procs"):
        for ch in ("1", "auto"):
            ratio("%s chunk %s now / old" % (e, ch), g("new:%s:%s" % (e, ch)),
                  g("old:%s:%s" % (e, ch)),
                  "<= 1.05" if ch == "auto" else "-",
                  lambda r, ch=ch: ch == "1" or r <= 1.05)
bad = [k for k, v in sums.items() if len(v) > 1]
if bad:
    print("checksums differ between rounds:", ", ".join(bad))
    sys.exit(3)
PY
