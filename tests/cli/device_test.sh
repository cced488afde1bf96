#!/bin/sh
# device_test.sh - results written to a character device go through it,
# never replace it; a full device is a failed run (exit 3) that says why.
# It makes its own nodes of /dev/null and /dev/full (so that a regression
# cannot replace the system's), which needs root and a filesystem that
# allows device files: elsewhere it exits 77 (skipped, visibly), never a
# silent pass.
set -u
. "$(dirname "$0")/cli_lib.sh"
PB=${POOLBENCH:?POOLBENCH must name the poolbench binary}
PB="${PB_WRAPPER:-} $PB"
SRC=${SOURCE_DIR:?SOURCE_DIR must name the source tree}
work=$(mktemp -d /tmp/pb-dev-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

if ! mknod null c 1 3 2> /dev/null || ! mknod full c 1 7 2> /dev/null ||
   ! echo x > null 2> /dev/null; then
    echo "SKIP: cannot make device nodes here (not root, or nodev)"
    exit 77
fi
quick="-w noop -e serial -n 10 -r 1 --warmup 0 --no-progress"
if $PB run $quick -o null > /dev/null 2>&1 && [ -c null ]; then ok
else bad "-o a character device: not a character device any more"; fi
TMPDIR=$PWD $PB run $quick -o full > /dev/null 2> full.err
rc=$?
if [ "$rc" -eq 3 ] && grep -q "No space left" full.err && [ -c full ]
then ok; else bad "-o a full device: exit $rc: $(cat full.err)"; fi
$PB merge "$SRC/tests/fixtures/good/serial.json" -o full > /dev/null \
    2> full.err
rc=$?
if [ "$rc" -eq 3 ] && grep -q "No space left" full.err && [ -c full ]
then ok; else bad "merge -o a full device: exit $rc: $(cat full.err)"; fi
finish device
