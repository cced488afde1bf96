#!/bin/sh
# report_browser_test.sh - the report renders in a real browser (headless
# Chromium): a screenshot is not blank, and for a default-suite run at a
# 1400x900 window the page is short, the summary ends above the fold and
# no element is wider than the window (with every <details> opened); at
# 1400 and 800 px no chart covers a table and every chart is sized to
# its column, linked to its full-size file beside the page.
# Skipped (exit 77) where Chromium or gnuplot is not installed.
set -u
PB=${POOLBENCH:?POOLBENCH must name the poolbench binary}
SRC=${SOURCE_DIR:?SOURCE_DIR must name the source tree}
# The page of the default suite (--quick) was 57,168 px tall before the
# summary-first layout and is about 8,000 px after it.
MAX_HEIGHT_PX=${MAX_HEIGHT_PX:-15000}
FOLD_PX=900
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
failed=0

# Chromium with nothing fetched, no profile shared with anything else.
chrome() {
    rm -rf "$work/profile"
    "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync \
        --user-data-dir="$work/profile" --hide-scrollbars "$@" 2> /dev/null
}

# 1. A screenshot of a small report is not blank.
"$PB" report "$SRC/tests/fixtures/plot-a.json" -o "$work/r.html" \
    > /dev/null 2>&1 || { echo "FAIL: report"; exit 1; }
chrome --window-size=1200,2400 --screenshot="$work/shot.png" \
    "file://$work/r.html" > /dev/null
python3 - "$work/shot.png" <<'PY' || failed=1
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

# 2. The default suite's page, measured in the browser. The page itself
# has no script; a copy gets a probe that writes its measures into the
# DOM, which --dump-dom prints once the page has loaded and laid out.
if ! "$PB" run --suite default --quick --no-progress -o "$work/d.json" \
       > "$work/run.out" 2>&1; then
    echo "FAIL: run --suite default --quick: $(tail -n 2 "$work/run.out")"
    exit 1
fi
"$PB" report "$work/d.json" -o "$work/d.html" > /dev/null 2> "$work/d.err" ||
    { echo "FAIL: report of the default suite: $(cat "$work/d.err")"
      exit 1; }
python3 - "$work/d.html" "$work/probe.html" <<'PY'
import sys
page = open(sys.argv[1]).read()
probe = """<script>
(function () {
  var W = document.documentElement.clientWidth;
  var closed = document.documentElement.scrollHeight;
  var s = document.querySelector("table.overview");
  var bottom = s ? s.getBoundingClientRect().bottom + window.scrollY : -1;
  var ds = document.querySelectorAll("details");
  for (var i = 0; i < ds.length; i++) ds[i].open = true;
  var wide = [], all = document.body.querySelectorAll("*");
  for (var j = 0; j < all.length; j++) {
    var r = all[j].getBoundingClientRect();
    /* Inside a box that scrolls sideways (the 13-column table), only
     * the box itself must fit. */
    var sc = all[j].parentElement && all[j].parentElement.closest(".scroll");
    if (sc) continue;
    if (r.width > 0 && (r.right > W + 0.5 || r.left < -0.5))
      wide.push(all[j].tagName + "." + all[j].className + " " +
                Math.round(r.left) + ".." + Math.round(r.right));
  }
  /* A chart drawn over a table hides its columns: no table may share
   * a pixel with a figure. Charts are sized to their column. */
  var over = [], ts = document.querySelectorAll("table");
  var fs = document.querySelectorAll("figure");
  var narrowest = 1e9;
  for (var t = 0; t < ts.length; t++) {
    var a = ts[t].getBoundingClientRect();
    for (var f = 0; f < fs.length; f++) {
      var c = fs[f].getBoundingClientRect();
      var x = Math.min(a.right, c.right) - Math.max(a.left, c.left);
      var y = Math.min(a.bottom, c.bottom) - Math.max(a.top, c.top);
      if (x > 1 && y > 1)
        over.push("table." + ts[t].className + " and " + fs[f].id);
    }
  }
  for (var f = 0; f < fs.length; f++) {
    var svg = fs[f].querySelector("svg");
    if (svg) narrowest = Math.min(narrowest,
                                  svg.getBoundingClientRect().width);
  }
  var p = document.createElement("pre");
  p.textContent = "PROBE" + "=" + JSON.stringify({width: W,
    height: closed, summary_bottom: bottom, details: ds.length,
    wide: wide.length, first_wide: wide.slice(0, 5),
    overlaps: over.length, first_overlaps: over.slice(0, 3),
    figures: fs.length, narrowest_chart: Math.round(narrowest)});
  document.body.appendChild(p);
})();
</script>"""
assert "<script" not in page, "the report itself carries a script"
open(sys.argv[2], "w").write(page.replace("</body>", probe + "</body>"))
PY
# At 1400 px the summary fits above the fold; at 800 px too the page
# is no wider than the window, and at both no chart covers a table (the
# speedup and CI columns of the short tables stay visible) and every
# chart is at least 560 px wide (its text about 7 px or more; inlined at
# 370 px it was about 5 px).
for width in 1400 800; do
chrome --window-size=$width,900 --virtual-time-budget=10000 --dump-dom \
    "file://$work/probe.html" > "$work/dom.html"
python3 - "$work/dom.html" "$MAX_HEIGHT_PX" "$FOLD_PX" "$width" <<'PY' ||
import json, re, sys
m = re.search(r"PROBE=(\{.*?\})</pre>", open(sys.argv[1]).read())
assert m, "the probe did not run (no PROBE= in the dumped DOM)"
p = json.loads(m.group(1))
limit, fold, width = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print("default suite at %dx900: page %d px, summary ends at %d px, "
      "%d elements wider than the window, %d charts over a table, "
      "narrowest chart %d px" %
      (p["width"], p["height"], p["summary_bottom"], p["wide"],
       p["overlaps"], p["narrowest_chart"]))
assert p["width"] == width, "window width %d" % p["width"]
assert p["details"] >= 1, "the full table is not folded in <details>"
if width == 1400:
    assert 0 < p["summary_bottom"] < fold, \
        "summary ends at %d px, below the fold (%d)" % (p["summary_bottom"],
                                                        fold)
    assert p["height"] < limit, "page %d px tall (limit %d)" % (p["height"],
                                                               limit)
assert p["wide"] == 0, "wider than the window: %s" % p["first_wide"]
assert p["figures"] >= 1, "no chart on the page"
assert p["overlaps"] == 0, "a chart covers a table: %s" % p["first_overlaps"]
assert p["narrowest_chart"] >= 560, \
    "a chart %d px wide" % p["narrowest_chart"]
print("ok")
PY
    failed=1
done

# The chart count the docs give for `make bench` (the default suite) is
# the count drawn here.
python3 - "$work/d.html" "$SRC/docs/charts-and-report.md" <<'PY' ||
import re, sys
page, doc = open(sys.argv[1]).read(), open(sys.argv[2]).read()
m = re.search(r"each with (\d+) charts", doc)
assert m, "docs/charts-and-report.md gives no chart count"
n = page.count("<figure ")
assert int(m.group(1)) == n, "docs say %s charts, the default suite " \
    "draws %d" % (m.group(1), n)
print("ok: %d charts, as the docs say" % n)
PY
    failed=1

# Every chart links to its full-size file, kept beside the page.
python3 - "$work/d.html" "$work" <<'PY' || failed=1
import os, re, sys, urllib.parse
page = open(sys.argv[1]).read()
figs = re.findall(r'<figure id="chart-([^"]+)"[^>]*>\n<a class="full" '
                  r'href="([^"]+)">', page)
assert figs and len(figs) == page.count("<figure "), \
    "%d of %d charts linked" % (len(figs), page.count("<figure "))
for name, href in figs:
    assert href == "d-charts/%s.svg" % name, href
    path = os.path.join(sys.argv[2], urllib.parse.unquote(href))
    text = open(path).read()
    assert "<svg" in text and 'width="960"' in text, path
print("%d charts, each linked to its file" % len(figs))
PY
if [ "$failed" -ne 0 ]; then
    echo "FAIL: report in the browser"
    exit 1
fi
