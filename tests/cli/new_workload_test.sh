#!/bin/sh
# new_workload_test.sh - the documented way to add a built-in workload,
# from a fresh copy of this tree (its tracked and new files, uncommitted
# edits included): scripts/new-workload.sh NAME writes the file and both
# list lines, the copy builds with meson, and the new workload gives one
# checksum under serial and threads at 1 and 2 workers. A tree where an
# edit cannot be made is left exactly as it was (no half-edited tree).
set -u
. "$(dirname "$0")/cli_lib.sh"
SRC=${SOURCE_DIR:?SOURCE_DIR must name the source tree}
for tool in git meson ninja python3; do
    if ! command -v $tool > /dev/null 2>&1; then
        echo "SKIP: $tool is not installed"
        exit 77
    fi
done
if ! git -C "$SRC" rev-parse --git-dir > /dev/null 2>&1; then
    echo "SKIP: $SRC is not a git checkout (the copy takes its files)"
    exit 77
fi
work=$(mktemp -d /tmp/pb-newwl-XXXXXX)
trap 'rm -rf "$work"' EXIT

# fresh DIR: a copy of the tree's files (not build/, not results).
fresh() {
    mkdir -p "$1" &&
    (cd "$SRC" && git ls-files -z -c -o --exclude-standard |
        xargs -0 tar cf - 2> /dev/null) | tar xf - -C "$1"
}

# 1. The built-in form, then build and run it.
tree=$work/tree
fresh "$tree" || { bad "cannot copy $SRC"; finish new-workload; exit; }
[ -f "$tree/scripts/new-workload.sh" ] && ok || bad "copy lacks the script"
if sh "$tree/scripts/new-workload.sh" toy > "$work/new.txt" 2>&1; then
    ok
else
    bad "new-workload.sh toy failed: $(cat "$work/new.txt")"
fi
[ -f "$tree/workloads/toy.c" ] && ok || bad "workloads/toy.c not written"
grep -q '^    X(toy)$' "$tree/workloads/workloads.h" && ok ||
    bad "X(toy) not in workloads.h"
grep -q "^  'toy.c',\$" "$tree/workloads/meson.build" && ok ||
    bad "'toy.c' not in workloads/meson.build"
if (cd "$tree" && meson setup -Dtests=false build > "$work/setup.txt" 2>&1 &&
    ninja -C build > "$work/build.txt" 2>&1); then
    ok
else
    bad "the tree with toy does not build: $(tail -5 "$work/build.txt" \
        "$work/setup.txt" 2> /dev/null)"
fi
pb=$tree/build/poolbench
if [ -x "$pb" ] &&
   (cd "$work" && "$pb" run -w toy -e serial,threads -j 1,2 -n 200 -r 2 \
        --warmup 0 --no-progress -o "$work/toy.json" > "$work/run.txt" \
        2>&1); then
    ok
else
    bad "poolbench run -w toy failed: $(tail -3 "$work/run.txt")"
fi
# Every row: the same checksum, and the skeleton's documented value
# (sum over i < 200 of i + sum k^2, k = 1..1000).
if python3 - "$work/toy.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["results"]
sums = {r["checksum"] for r in rows}
execs = {r["executor"] for r in rows}
sq = sum(k * k for k in range(1, 1001))
want = "%016x" % (sum(i + sq for i in range(200)) % 2**64)
ok = len(rows) >= 3 and execs == {"serial", "threads"} and sums == {want}
if not ok:
    print("rows %d executors %s checksums %s, want %s"
          % (len(rows), sorted(execs), sorted(sums), want))
sys.exit(0 if ok else 1)
PY
then ok; else bad "toy checksums disagree or are wrong"; fi

# 2. A tree the script cannot edit (workload_sources renamed): exit 1,
# one message, and no file written or changed.
broken=$work/broken
fresh "$broken" || { bad "cannot copy $SRC"; finish new-workload; exit; }
sed 's/^workload_sources = files(/sources = files(/' \
    "$broken/workloads/meson.build" > "$work/m" &&
    cp "$work/m" "$broken/workloads/meson.build"
cp "$broken/workloads/workloads.h" "$work/h.before"
cp "$broken/workloads/meson.build" "$work/m.before"
sh "$broken/scripts/new-workload.sh" toy2 > "$work/out.txt" 2> "$work/err.txt"
rc=$?
[ $rc -eq 1 ] && ok || bad "a tree it cannot edit: exit $rc, not 1"
grep -q "workload_sources" "$work/err.txt" && ok ||
    bad "no message naming workload_sources: $(cat "$work/err.txt")"
[ ! -e "$broken/workloads/toy2.c" ] && ok || bad "toy2.c written anyway"
cmp -s "$work/h.before" "$broken/workloads/workloads.h" && ok ||
    bad "workloads.h changed though the script failed"
cmp -s "$work/m.before" "$broken/workloads/meson.build" && ok ||
    bad "meson.build changed though the script failed"
[ -z "$(ls "$broken/workloads" | grep '\.new\.')" ] && ok ||
    bad "temporary files left in workloads/"

finish new-workload
