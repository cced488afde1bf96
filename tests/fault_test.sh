#!/bin/sh
# fault_test.sh - poolbench under signals, kill -9, time limits and a full
# disk: results are kept and valid, old files survive, nothing hangs.
# With the argument "full-disk" it runs only the tmpfs test, which needs
# root and mount (exit 77, skipped, where it cannot mount).
set -u
PB=${POOLBENCH:?POOLBENCH must name the poolbench binary}
work=$(mktemp -d /tmp/pb-fault-XXXXXX)
mnt=""
cleanup() {
    [ -n "$mnt" ] && umount "$mnt" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1
pass=0
failed=0
ok() { pass=$((pass + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# valid FILE [PY-CONDITION]: FILE is a poolbench/1 JSON for which the
# python expression (over d, the parsed file) holds.
valid() {
    python3 - "$1" "${2:-True}" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "poolbench/1"
assert eval("(" + sys.argv[2] + ")"), sys.argv[2]
PY
}


full_disk() {
    mnt="$work/tiny"
    mkdir -p "$mnt"
    if ! mount -t tmpfs -o size=4k tmpfs "$mnt" 2>/dev/null; then
        echo "cannot mount a tmpfs here: skipped"
        mnt=""
        exit 77
    fi
    echo '{"old": true}' > "$mnt/out.json"
    TMPDIR="$work" "$PB" run -w noop -e serial -n 1000 -r 3 --no-progress \
        -o "$mnt/out.json" > /dev/null 2> err.txt
    rc=$?
    [ "$rc" -eq 3 ] && ok || bad "full disk: exit $rc, not 3"
    grep -q "No space left on device" err.txt && ok ||
        bad "full disk: no clear error: $(cat err.txt)"
    grep -q '"old": true' "$mnt/out.json" && ok || bad "old file lost"
    [ "$(ls -A "$mnt" | wc -l)" -eq 1 ] && ok || bad "temp file left"
    rescued=$(ls "$work"/poolbench-rescue-*.json 2>/dev/null | head -n 1)
    [ -n "$rescued" ] && valid "$rescued" && ok ||
        bad "results not rescued to TMPDIR"
    echo "full-disk: $pass passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}
[ "${1:-}" = "full-disk" ] && full_disk

for sig in INT TERM; do
    # A run long enough to interrupt: 200 rounds of about 50 ms.
    "$PB" run -w factorial -e serial -n 1000 -p n=3000 -r 200 --warmup 0 \
        --no-progress -o "$sig.json" > /dev/null 2> "$sig.json.err" &
    pid=$!
    sleep 1
    kill -s "$sig" "$pid"
    wait "$pid"
    rc=$?
    [ "$rc" -eq 130 ] && ok || bad "SIG$sig: exit $rc, not 130"
    valid "$sig.json" 'd["config"]["interrupted"] and
        len(d["results"]) == 1 and
        0 < len(d["results"][0]["samples"]["wall_s"]) < 200' && ok ||
        bad "SIG$sig: results not kept"
    grep -q "interrupted" "$sig.json.err" && ok || bad "SIG$sig: no notice"
done

# kill -9 at random moments: the file is always the old one or a whole
# new one, never a torn one.
echo '{"schema": "poolbench/1", "old": true}' > k9.json
i=0
while [ $i -lt 15 ]; do
    "$PB" run -w noop -e serial -n 20000 -r 20 --warmup 0 --no-progress \
        -o k9.json > /dev/null 2>&1 &
    pid=$!
    sleep "0.0$((i % 10))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    valid k9.json || { bad "kill -9 round $i left a broken file"; break; }
    i=$((i + 1))
done
[ $i -eq 15 ] && ok

# A time limit ends a run that takes too long: exit 3, failure recorded.
"$PB" run -w factorial -e serial -n 100000 -p n=3000 --chunk 10 -r 1 \
    --warmup 0 --timeout 0.5 --no-progress -o slow.json > /dev/null 2>&1
rc=$?
[ "$rc" -eq 3 ] && ok || bad "timeout: exit $rc, not 3"
valid slow.json '"time limit" in d["results"][0]["failure"] and
    d["results"][0]["errors_by_kind"]["timeout"] > 0' && ok ||
    bad "timeout not recorded"

# Normal runs leave no temporary files beside the output.
[ -z "$(ls -A | grep '\.tmp\.' | grep -v k9)" ] && ok || bad "temp files left"

echo "faults: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
