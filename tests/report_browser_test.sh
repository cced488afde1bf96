#!/bin/sh
# report_browser_test.sh - the report renders in a real browser: headless
# Chromium screenshots plots/report.html and the picture is not blank.
# Skipped (exit 77) where Chromium is not installed.
set -u
PB=${POOLBENCH:?POOLBENCH must name the poolbench binary}
SRC=${SOURCE_DIR:?SOURCE_DIR must name the source tree}
browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" > /dev/null 2>&1; then
        browser=$(command -v "$b")
        break
    fi
done
if [ -z "$browser" ]; then
    echo "no Chromium: skipped"
    exit 77
fi
if ! command -v gnuplot > /dev/null 2>&1; then
    echo "no gnuplot: skipped"
    exit 77
fi
work=$(mktemp -d /tmp/pb-browser-XXXXXX)
trap 'rm -rf "$work"' EXIT
"$PB" report "$SRC/tests/fixtures/plot-a.json" -o "$work/r.html" \
    > /dev/null 2>&1 || { echo "FAIL: report"; exit 1; }
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1200,2400 --screenshot="$work/shot.png" \
    "file://$work/r.html" > /dev/null 2>&1
python3 - "$work/shot.png" <<'PY'
import sys, zlib, struct
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "no screenshot"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IHDR":
        w = struct.unpack(">I", data[pos + 8:pos + 12])[0]
    if kind == b"IDAT":
        idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
# Non-blank: the decompressed pixels are not one repeated value.
assert len(set(raw[1:w * 3])) > 1 or len(set(raw)) > 4, "blank screenshot"
print("ok")
PY
