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

# Every native executor poolbench knows, from `poolbench list` (the
# Python peers, py-*, have python_cli_test.sh).
execs=$("$PB" list | awk '/^executors:/ { on = 1; next }
                          on && NF && $1 !~ /^py-/ {
                              printf "%s%s", sep, $1; sep = "," }')
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
if "$PB" run -w hashing -e serial -r 1 --warmup 0 --min-time 0 --no-progress \
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
               -o "$work/collatz.so" "$SRC/tests/plugins/plugin_example.c" &&
           "$PB" run --plugin "$work/collatz.so" -w collatz -e serial \
               -n 10 -r 1 --warmup 0 --no-progress -o "$work/c.json" \
               > out.txt 2> err.txt
        then ok; else bad "plugin from installed pkg-config ($cflags)"; fi
    else
        bad "meson install: $(tail -3 install.txt)"
    fi
fi

# A corpus file changed behind poolbench's back (same size, other bytes)
# is found by its digest and generated again: the checksum is the known
# one again, and the next run finds nothing to say.
sum_of() {
    python3 -c "import json, sys
print(json.load(open(sys.argv[1]))['results'][0]['checksum'])" "$1"
}
known=$(sum_of "$work/io-hashing-unordered.json")
victim=$(find "$work"/cache/corpus-*/tree -name '*.dat' | sort | sed -n 7p)
size0=$(stat -c %s "$victim")
printf 'tampered' | dd of="$victim" bs=1 seek=3 conv=notrunc 2> /dev/null
[ "$(stat -c %s "$victim")" -eq "$size0" ] && ok || bad "tamper: size"
hash_run() {
    name=$1
    shift
    "$PB" run -w hashing -e serial -r 1 --warmup 0 --no-progress \
        -n 60 -p files=150 -p size_mb=2 -o "$work/$name.json" "$@" \
        > out.txt 2> err.txt
}
if hash_run tampered --corpus-dir "$work/cache" &&
   grep -q "changed since it was generated" err.txt &&
   [ "$(sum_of "$work/tampered.json")" = "$known" ]; then ok; else
    bad "tampered corpus file: $(cat err.txt)"; fi
if hash_run again --corpus-dir "$work/cache" &&
   ! grep -q "changed" err.txt &&
   [ "$(sum_of "$work/again.json")" = "$known" ]; then ok; else
    bad "regenerated corpus: $(cat err.txt)"; fi

# Without HOME and XDG_CACHE_HOME the corpus goes to a private folder of
# the caller's in TMPDIR, made 0700; a planted one is refused.
uid=$(id -u)
mkdir -p "$work/tmpa"
if env -u HOME -u XDG_CACHE_HOME TMPDIR="$work/tmpa" sh -c \
       "cd '$work' && '$PB' run -w hashing -e serial -r 1 --warmup 0 \
        --no-progress -p files=5 -p size_mb=1 -o '$work/fb.json'" \
       > out.txt 2> err.txt &&
   [ "$(stat -c %a "$work/tmpa/poolbench-cache-$uid")" = 700 ]; then ok
else bad "fallback cache folder: $(cat err.txt)"; fi
# planted_run NEEDLE: the fallback folder in $work/tmpb is refused.
planted_run() {
    env -u HOME -u XDG_CACHE_HOME TMPDIR="$work/tmpb" "$PB" run \
        -w hashing -e serial -r 1 --warmup 0 --no-progress -p files=5 \
        -p size_mb=1 -o "$work/pl.json" > out.txt 2> err.txt
    rc=$?
    if [ $rc -eq 2 ] && grep -q "poolbench-cache-$uid: refused: $1" err.txt
    then ok; else bad "planted cache folder ($1): exit $rc: $(cat err.txt)"
    fi
}
mkdir -p "$work/tmpb/poolbench-cache-$uid"
chmod 0777 "$work/tmpb/poolbench-cache-$uid"
planted_run "writable by others"
chmod 0700 "$work/tmpb/poolbench-cache-$uid"
if [ "$uid" -eq 0 ]; then
    chown nobody "$work/tmpb/poolbench-cache-$uid"
    planted_run "owned by uid"
    rmdir "$work/tmpb/poolbench-cache-$uid"
    ln -s "$work/tmpa" "$work/tmpb/poolbench-cache-$uid"
    planted_run "a symbolic link"
else
    echo "not root: the other-owner case is skipped"
fi

# Plugins others could change are refused (exit 2, one line) unless
# --trust-plugins; a loaded plugin is named on stderr.
if [ -n "${PLUGIN_EXAMPLE:-}" ]; then
    pl="$work/pl"
    mkdir -p "$pl"
    chmod 0755 "$pl"
    cp "$PLUGIN_EXAMPLE" "$pl/collatz.so"
    chmod 0755 "$pl/collatz.so"
    plugin_run() {
        "$PB" run "$@" -w collatz -e serial -n 5 -r 1 --warmup 0 \
            --no-progress -o "$work/pr.json"
    }
    if plugin_run --plugin "$pl/collatz.so" > out.txt 2> err.txt &&
       grep -q "loaded plugin collatz from $pl/collatz.so" err.txt
    then ok; else bad "trusted plugin: $(cat err.txt)"; fi
    chmod o+w "$pl/collatz.so"
    check_usage "the file is writable by others" \
        plugin_run --plugin "$pl/collatz.so" && ok
    check_usage "writable by others" \
        env POOLBENCH_PLUGIN_PATH="$pl" "$PB" list && ok
    if plugin_run --plugin "$pl/collatz.so" --trust-plugins \
           > out.txt 2> err.txt && grep -q "loaded plugin collatz" err.txt
    then ok; else bad "--trust-plugins: $(cat err.txt)"; fi
    chmod o-w "$pl/collatz.so"
    chmod 0777 "$pl"
    check_usage "its folder $pl is writable by others" \
        plugin_run --plugin "$pl/collatz.so" && ok
    # A link to it is judged by what it points to.
    ln -s "$pl/collatz.so" "$work/link.so"
    check_usage "its folder $pl is writable" \
        plugin_run --plugin "$work/link.so" && ok
    # Sticky, like /tmp: others cannot replace the file, so one named
    # plugin is loaded; but not every .so of the folder.
    chmod 1777 "$pl"
    if plugin_run --plugin "$pl/collatz.so" > out.txt 2> err.txt
    then ok; else bad "plugin in a sticky folder: $(cat err.txt)"; fi
    check_usage "POOLBENCH_PLUGIN_PATH: refused: its folder $pl" \
        env POOLBENCH_PLUGIN_PATH="$pl" "$PB" list && ok
    if POOLBENCH_PLUGIN_PATH="$pl" "$PB" list --trust-plugins \
           2> err.txt | grep -q collatz; then ok; else
        bad "list --trust-plugins: $(cat err.txt)"; fi
    chmod 0755 "$pl"
    if [ "$uid" -eq 0 ]; then
        chown nobody "$pl/collatz.so"
        check_usage "owned by uid" plugin_run --plugin "$pl/collatz.so" &&
            ok
        # a group that is not the caller's own may not write it either
        chown root:nogroup "$pl/collatz.so" 2> /dev/null &&
            chmod g+w "$pl/collatz.so" &&
            check_usage "writable by group" \
                plugin_run --plugin "$pl/collatz.so" && ok
    fi
fi

finish workloads-cli
