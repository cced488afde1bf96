#!/bin/sh
# workloads_cli.sh - the workloads of issue #4 from the outside: every one
# runs under every executor with one checksum per workload (hashing and
# shuffled agree), bad parameters are usage errors, plugins load from
# POOLBENCH_PLUGIN_PATH and --plugin, new-workload.sh skeletons build and
# run, and an installed workload.h + poolbench.pc build a plugin.
set -u
. "$(dirname "$0")/cli_lib.sh"
PB=${POOLBENCH:?POOLBENCH must name the poolbench binary}
SRC=${SOURCE_DIR:?SOURCE_DIR must name the source tree}
work=$(mktemp -d /tmp/pb-wlcli-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
CC=${CC:-cc}

# Every executor poolbench knows, from `poolbench list`.
execs=$("$PB" list | awk '/^executors:/ { on = 1; next }
                          on && NF { printf "%s%s", sep, $1; sep = "," }')
[ -n "$execs" ] && ok || bad "no executors in poolbench list"

# One checksum per workload across executors, worker counts and modes.
# (Few -p per run: the driver keeps at most 8 option lists.)
run_all() {
    out=$1
    shift
    if "$PB" run -e "$execs" -j 1,2 -r 1 --warmup 0 --no-progress \
           -n 60 --corpus-dir "$work/cache" -o "$work/$out" "$@" \
           > out.txt 2> err.txt; then
        ok
    else
        bad "run $* under $execs failed: $(tail -3 err.txt)"
    fi
}
for mode in ordered unordered; do
    for wl in hashing shuffled; do
        run_all "io-$wl-$mode.json" --mode $mode -w $wl \
            -p files=150 -p size_mb=2
    done
    run_all "cpu-$mode.json" --mode $mode -w contended,latency,crawl \
        -p work=3000 -p latency.us=300
done
python3 - "$work"/io-*.json "$work"/cpu-*.json <<'PY' && ok ||
import json, sys
sums = {}
for f in sys.argv[1:]:
    for r in json.load(open(f))["results"]:
        if r["errors"] or r.get("failure"):
            sys.exit("%s/%s: errors %s, failure %s" % (r["workload"],
                     r["executor"], r["errors"], r.get("failure")))
        sums.setdefault(r["workload"], set()).add(r["checksum"])
for wl, s in sums.items():
    if len(s) != 1:
        sys.exit("%s: checksums %s" % (wl, sorted(s)))
if sums["hashing"] != sums["shuffled"]:
    sys.exit("hashing %s != shuffled %s" % (sums["hashing"],
                                            sums["shuffled"]))
want = {"%016x" % (60 * 59 // 2)}
for wl in ("latency", "contended", "crawl"):
    if sums[wl] != want:
        sys.exit("%s: checksum %s, expected %s" % (wl, sums[wl], want))
PY
    bad "checksums differ"

# A cold-cache run, and a user's own tree (the generated one).
tree=$(ls -d "$work"/cache/corpus-*/tree | head -1)
if "$PB" run -w hashing -e serial -r 1 --warmup 0 --no-progress \
       -p dir="$tree" -p cache=cold -o "$work/cold.json" \
       > out.txt 2> err.txt; then ok; else bad "cold run: $(cat err.txt)"; fi
python3 - "$work/cold.json" <<'PY' && ok ||
import json, sys
b = json.load(open(sys.argv[1]))["results"][0]
if b["tasks"] != 150:
    sys.exit("dir= tree has %d tasks" % b["tasks"])
PY
    bad "dir= tree run"

# Bad values are usage errors (exit 2) naming the parameter.
for kv in algo=sha3 cache=hot critical=2 lock=rw us=-1 how=busy; do
    "$PB" run -w hashing,contended,latency -e serial -p "$kv" \
        --corpus-dir "$work/cache" -o "$work/x.json" > out.txt 2> err.txt
    rc=$?
    key=${kv%%=*}
    if [ $rc -eq 2 ] && grep -q "$key" err.txt; then ok; else
        bad "-p $kv: exit $rc: $(cat err.txt)"; fi
done
"$PB" run -w hashing -e serial -p dir="$work/nowhere" -o "$work/x.json" \
    > out.txt 2> err.txt
if [ $? -ne 0 ] && grep -q "nowhere" err.txt; then ok; else
    bad "missing dir= accepted"; fi

# Plugins: listed from POOLBENCH_PLUGIN_PATH, run with --plugin.
if [ -n "${PLUGIN_EXAMPLE:-}" ]; then
    if POOLBENCH_PLUGIN_PATH=$PLUGIN_EXAMPLE "$PB" list | grep -q collatz
    then ok; else bad "plugin not listed"; fi
    if "$PB" run --plugin "$PLUGIN_EXAMPLE" -w collatz -e "$execs" -j 2 \
           -n 100 -p start=27 -r 1 --warmup 0 --no-progress \
           -o "$work/p.json" > out.txt 2> err.txt &&
       python3 -c "
import json, sys
s = {r['checksum'] for r in json.load(open('$work/p.json'))['results']}
sys.exit(0 if len(s) == 1 else 'plugin checksums %s' % s)"
    then ok; else bad "plugin run: $(tail -2 err.txt)"; fi
fi

# new-workload.sh: both forms compile warning-free; the plugin runs.
if sh "$SRC/scripts/new-workload.sh" --plugin -o "$work/sq.c" sq \
       > /dev/null &&
   $CC -std=gnu11 -Wall -Wextra -Werror -shared -fPIC \
       -I"$SRC/workloads" -o "$work/sq.so" "$work/sq.c" &&
   "$PB" run --plugin "$work/sq.so" -w sq -e serial -n 3 -p n=2 -r 1 \
       --warmup 0 --no-progress -o "$work/sq.json" > out.txt 2> err.txt &&
   grep -q '"checksum":[[:space:]]*"0000000000000012"' "$work/sq.json"
then ok; else bad "new-workload.sh --plugin skeleton"; fi
if sh "$SRC/scripts/new-workload.sh" -o "$work/bi.c" builtin_demo \
       > /dev/null &&
   $CC -std=gnu11 -Wall -Wextra -Werror -c -I"$SRC/workloads" \
       -o "$work/bi.o" "$work/bi.c" &&
   nm "$work/bi.o" | grep -q " [DR] wl_builtin_demo$"
then ok; else bad "new-workload.sh built-in skeleton"; fi
sh "$SRC/scripts/new-workload.sh" "Bad-Name" > /dev/null 2>&1
[ $? -eq 2 ] && ok || bad "new-workload.sh accepted a bad name"

# meson install puts workload.h and poolbench.pc where a plugin finds them.
if [ -n "${BUILD_DIR:-}" ] && command -v pkg-config > /dev/null; then
    if meson install -C "$BUILD_DIR" --no-rebuild --destdir "$work/inst" \
           > install.txt 2>&1; then
        pc=$(find "$work/inst" -name poolbench.pc | head -1)
        prefix=$(sed -n 's/^prefix=//p' "$pc")
        cflags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config \
                 --define-variable=prefix="$work/inst$prefix" \
                 --cflags poolbench)
        if $CC -shared -fPIC -Wall -Wextra -Werror $cflags \
               -o "$work/collatz.so" "$SRC/tests/plugin_example.c" &&
           "$PB" run --plugin "$work/collatz.so" -w collatz -e serial \
               -n 10 -r 1 --warmup 0 --no-progress -o "$work/c.json" \
               > out.txt 2> err.txt
        then ok; else bad "plugin from installed pkg-config ($cflags)"; fi
    else
        bad "meson install: $(tail -3 install.txt)"
    fi
fi

finish workloads-cli
