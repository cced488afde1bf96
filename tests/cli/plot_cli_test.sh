#!/bin/sh
# plot_cli_test.sh - plot, report, import-hyperfine and run --suite from the
# outside, with the real gnuplot (and hyperfine when it is installed):
# every chart is well-formed SVG with drawn paths and its title, every PNG
# has the size its script asks for, every .gp redraws its chart, the report
# is one valid HTML page with every chart and table and no external URL,
# bad input exits 2 with one line. No timing is asserted.
set -u
. "$(dirname "$0")/cli_lib.sh"
PB=${POOLBENCH:?POOLBENCH must name the poolbench binary}
SRC=${SOURCE_DIR:?SOURCE_DIR must name the source tree}
FX=$SRC/tests/fixtures
GNUPLOT=$(command -v gnuplot || true)
if [ -z "$GNUPLOT" ]; then
    echo "gnuplot is not installed: skipped"
    exit 77
fi
work=$(mktemp -d /tmp/pb-plot-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# usage_error NEEDLE ARGS...: exit 2 and one stderr line with NEEDLE.
usage_error() {
    needle=$1
    shift
    check_usage "$needle" "$@" && ok
}

# check_charts DIR STEM...: each STEM has .svg (well-formed XML with drawn
# paths and the title its .gp sets), .png (the size its .gp sets), .gp
# and a non-empty .dat; and DIR holds no other chart.
check_charts() {
    python3 - "$@" <<'PY'
import os, re, struct, sys
import xml.etree.ElementTree as ET
d, stems = sys.argv[1], sys.argv[2:]
NS = "{http://www.w3.org/2000/svg}"
found = sorted(f[:-4] for f in os.listdir(d) if f.endswith(".svg"))
assert found == sorted(stems), "charts %s, expected %s" % (found, sorted(stems))
for s in stems:
    gp = open(os.path.join(d, s + ".gp")).read()
    # Text from a file is only ever in single quotes (nothing expanded).
    title = re.search(r"^chart_title = '((?:[^']|'')*)'", gp, re.M).group(1)
    title = title.replace("''", "'")
    width = int(re.findall(r"^width = (\d+)$", gp, re.M)[-1])
    height = int(re.findall(r"^height = (\d+)$", gp, re.M)[-1])
    root = ET.parse(os.path.join(d, s + ".svg")).getroot()
    assert root.tag == NS + "svg", (s, root.tag)
    paths = [p for p in root.iter(NS + "path") if p.get("d", "").strip()]
    assert len(paths) >= 10, "%s.svg: only %d drawn paths" % (s, len(paths))
    texts = ["".join(t.itertext()) for t in root.iter(NS + "text")]
    assert title in texts, "%s.svg: title %r not in %r" % (s, title, texts[:5])
    with open(os.path.join(d, s + ".png"), "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", s
    w, h = struct.unpack(">II", head[16:24])
    assert (w, h) == (width, height), "%s.png is %dx%d, not %dx%d" % (
        s, w, h, width, height)
    dat = open(os.path.join(d, s + ".dat")).read()
    assert re.search(r"^[0-9.]", dat, re.M), s + ".dat has no numbers"
print("ok")
PY
}

one="bars-factorial-n-300-skew-1 scaling-factorial-n-300-skew-1
     delivery-factorial-n-300-skew-1 overhead-factorial-n-300-skew-1
     bars-noop scaling-noop delivery-noop overhead-noop"

# One file: the four kinds of chart per workload instance.
if "$PB" plot "$FX/plot-a.json" -o one > one.txt 2> one.err; then ok
else bad "plot one file: $(cat one.err)"; fi
# shellcheck disable=SC2086
if check_charts one $one; then ok; else bad "charts of one file"; fi
if grep -q "^plot: 8 charts in one/ (0 skipped)" one.txt; then ok
else bad "plot summary line: $(tail -n 1 one.txt)"; fi

# #11: a speedup is relative to the instance's FASTEST serial row. In
# plot-a.json noop's serial chunk 16 is slower than serial chunk auto
# (the first serial row is not the fastest): every speedup the scaling
# chart draws is against the fastest serial row (the log-scale
# Hodges-Lehmann estimate over all pairs of its samples and the row's),
# as the view and the table give it, never against the first serial row.
if python3 - "$FX/plot-a.json" one/scaling-noop.dat <<'PY'
import json, math, re, statistics as st, sys
d = json.load(open(sys.argv[1]))
rows = [r for r in d["results"] if r["workload"] == "noop"]
med = lambda r: st.median(r["samples"]["wall_s"])
serials = [r for r in rows if r["executor"] == "serial"]
serial = [med(r) for r in serials]
assert len(serial) >= 2 and serial[0] > min(serial), "fixture changed"
base = min(serials, key=med)["samples"]["wall_s"]
hl = lambda r: math.exp(st.median(math.log(b / a) for b in base
                                  for a in r["samples"]["wall_s"]))
want = {(r["workers"], round(hl(r), 4)) for r in rows
        if r["executor"] != "serial"}
got = [(int(w), round(float(x), 4)) for w, x in
       re.findall(r"^(\d+) (\S+) ",
                  open(sys.argv[2]).read().split("# model")[0], re.M)]
assert got and all(g in want for g in got), (got, sorted(want))
print("ok")
PY
then ok; else bad "scaling speedups are not against the fastest serial row"
fi

# The overhead chart draws poolbench's own cost per task
# (harness_ns_per_task) as a dashed line per executor, named once in the
# key, when the rows carry it; a file without it (plot-a.json, made
# before it) draws none. Checked in the .gp, the .dat and the SVG.
python3 - "$FX/plot-a.json" harness.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["results"]:
    assert "harness_ns_per_task" not in r, "fixture changed"
    r["harness_ns_per_task"] = round(0.4 * r["ns_per_task"], 3)
json.dump(d, open(sys.argv[2], "w"))
PY
# check_harness DIR RESULTS WANT: DIR's overhead-noop chart draws the
# harness line of RESULTS' rows when WANT is 1, and none when it is 0.
check_harness() {
    python3 - "$@" <<'PY'
import json, re, sys
d, results, want = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
gp = open(d + "/overhead-noop.gp").read()
dat = open(d + "/overhead-noop.dat").read()
svg = open(d + "/overhead-noop.svg").read()
nlines = int(re.search(r"^nlines = (\d+)$", gp, re.M).group(1))
nharness = int(re.search(r"^nharness = (\d+)$", gp, re.M).group(1))
key = "poolbench's own cost" in svg.replace("&#39;", "'")
# Dashed paths in a series colour: grid lines and the serial reference
# are grey.
dashed = [m for m in re.finditer(r"<path stroke='rgb\(([ \d,]+)\)' "
                                 r"stroke-dasharray='[^']+'\s+d='([^']+)'",
                                 svg)
          if m.group(1).replace(" ", "") not in ("221,221,221", "85,85,85")]
blocks = re.findall(r"^# harness (.+): chunk.*\n((?:[0-9].*\n)+)", dat, re.M)
if not want:
    assert nharness == 0 and not key and not dashed and not blocks, \
        (nharness, key, len(dashed), len(blocks))
    print("ok")
    sys.exit(0)
assert nharness == nlines == len(blocks) == len(dashed) and key, \
    (nlines, nharness, len(blocks), len(dashed), key)
assert all("L" in m.group(2) for m in dashed), "a harness line of one point"
# Each value is the row's harness_ns_per_task in the chart's unit
# (unordered rows at the chart's worker count).
unit = re.search(r"wall_per_task_(\w+)", dat).group(1)
ns = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]
workers = int(re.search(r"\((\d+) workers", dat).group(1))
rows = json.load(open(results))["results"]
for label, text in blocks:
    for line in text.splitlines():
        chunk, v = line.split()
        have = [r["harness_ns_per_task"] for r in rows
                if r["workload"] == "noop" and r["workers"] == workers and
                r["mode"] == "unordered" and str(r["chunk"]) == chunk and
                label.startswith(r["executor"])]
        assert any(abs(float(v) * ns - h) <= 1e-4 * h for h in have), \
            (label, chunk, v, have)
print("ok")
PY
}
if check_harness one "$FX/plot-a.json" 0 > /dev/null; then ok
else bad "overhead chart draws a harness line for a file without one"; fi
if "$PB" plot harness.json -o harness > /dev/null 2>&1 &&
   check_harness harness harness.json 1 > /dev/null; then ok
else bad "overhead chart without the harness's own cost:" \
    "$(check_harness harness harness.json 1 2>&1 | tail -n 1)"; fi

# plot --help lists the chart kinds from the table; with no file, plot
# reads results/latest.json.
if "$PB" plot --help | grep -q "^  overhead-\* " &&
   "$PB" plot --help | grep -q "^  ratio "; then ok
else bad "plot --help does not list the chart kinds"; fi
mkdir -p latest/results && cp "$FX/plot-a.json" latest/results/latest.json
if (cd latest && "$PB" plot -o p > /dev/null 2>&1) &&
   [ -f latest/p/scaling-noop.svg ]; then ok
else bad "plot without a file did not read results/latest.json"; fi

# Every .gp redraws its chart on its own, in its folder.
cp -r one rerun && rm rerun/*.svg rerun/*.png
redrawn=0
for gp in rerun/*.gp; do
    (cd rerun && "$GNUPLOT" "$(basename "$gp")") 2> /dev/null &&
        redrawn=$((redrawn + 1))
done
# shellcheck disable=SC2086
if [ "$redrawn" -eq 8 ] && check_charts rerun $one > /dev/null; then ok
else bad ".gp files do not redraw their charts ($redrawn of 8)"; fi

# Two files: per-run charts of the second get f2-, and the ratio chart.
two="$one ratio"
for s in $one; do two="$two f2-$s"; done
if "$PB" plot "$FX/plot-a.json" "$FX/plot-b.json" -o two > /dev/null \
      2> two.err; then ok; else bad "plot two files: $(cat two.err)"; fi
# shellcheck disable=SC2086
if check_charts two $two; then ok; else bad "charts of two files"; fi

# A merged file (machines + machine_index): each machine on its own, and
# the ratio of the second machine against the first.
python3 - "$FX/plot-a.json" "$FX/plot-b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
m = dict(a, machines=[a["machine"], dict(b["machine"], hostname="other")])
m["results"] = [dict(r, machine_index=0) for r in a["results"][:10]] + \
               [dict(r, machine_index=1) for r in b["results"][:10]]
json.dump(m, open("merged.json", "w"))
PY
if "$PB" plot merged.json -o merged > /dev/null 2> merged.err &&
   [ -f merged/ratio.svg ] && [ -f merged/bars-factorial-n-300-skew-1.svg ] &&
   [ -f merged/f1p2-bars-factorial-n-300-skew-1.png ] &&
   "$PB" report merged.json -o merged.html > /dev/null 2>&1 &&
   grep -q "merged.json \[other\]" merged.html; then ok
else bad "plot/report of a merged file: $(cat merged.err)"; fi

# poolbench merge of two runs of one machine: each run on its own.
if "$PB" merge "$FX/plot-a.json" "$FX/plot-b.json" -o runs.json \
      > /dev/null 2>&1; then
    if "$PB" plot runs.json -o runs > /dev/null 2> runs.err &&
       [ -f runs/ratio.svg ] && [ -f runs/f1p2-scaling-noop.svg ] &&
       "$PB" report runs.json -o runs.html > /dev/null 2>&1 &&
       grep -q "runs.json \[.*, run 2\]" runs.html; then ok
    else bad "plot/report of merged runs: $(cat runs.err)"; fi
fi

# A chart the data cannot support is a note on stderr, not an error.
"$PB" run -w noop -e serial -n 100 -r 3 --no-progress -o serial.json \
    > /dev/null 2>&1
if "$PB" plot serial.json -o lone > /dev/null 2> lone.err &&
   grep -q "skipped scaling for noop" lone.err &&
   check_charts lone bars-noop > /dev/null; then ok
else bad "unsupported charts: $(cat lone.err)"; fi

# Bad input: exit 2, one line naming the problem.
echo '{' > broken.json
usage_error "no results file given and results/latest.json does not exist" \
    "$PB" plot
usage_error "missing.json: cannot open" "$PB" plot missing.json
usage_error "broken.json: not valid JSON" "$PB" plot broken.json
usage_error "no \"schema\" field" "$PB" plot "$FX/hyperfine-real.json"
usage_error "unknown option '--bogus'" "$PB" plot --bogus serial.json
usage_error "gnuplot not found" env PATH=/nonexistent "$PB" plot serial.json
usage_error "POOLBENCH_GNUPLOT=/nonexistent" \
    env POOLBENCH_GNUPLOT=/nonexistent "$PB" plot serial.json
usage_error "gnuplot failed on" \
    env POOLBENCH_GNUPLOT=/bin/false "$PB" plot serial.json -o f
usage_error "not a folder" "$PB" plot serial.json -o serial.json
usage_error "no results file given" "$PB" report
usage_error "broken.json: not valid JSON" "$PB" report broken.json -o r.html
usage_error "does not exist" "$PB" report serial.json -o no/such/r.html
# The full-size charts go to PAGE-charts/ beside the page, never through
# a symlink planted there.
mkdir planted
ln -s planted sym-charts
usage_error "sym-charts is not a folder" "$PB" report "$FX/plot-a.json" \
    -o sym.html
[ -z "$(ls planted)" ] && [ ! -e sym.html ] && ok ||
    bad "report wrote through a symlinked charts folder"
usage_error "gnuplot not found" env PATH=/nonexistent "$PB" report \
    serial.json -o r.html

# import-hyperfine: the committed real hyperfine file, then a fresh one.
# Its charts must exist and be real SVG and PNG, not just exit 0.
if "$PB" import-hyperfine "$FX/hyperfine-real.json" -o hf.json \
      > /dev/null 2> hf.err &&
   "$PB" plot hf.json -o hfplots > /dev/null 2>> hf.err &&
   check_charts hfplots bars-factorial bars-noop >> hf.err 2>&1; then ok
else bad "import-hyperfine of the fixture: $(cat hf.err)"; fi
if command -v hyperfine > /dev/null 2>&1; then
    if hyperfine --runs 3 --warmup 1 --shell=none --export-json live.json \
          "$PB run -w noop -e serial -n 100 -r 1 --warmup 0 --no-progress -o $work/l.json" \
          "$PB run -w factorial -e serial -n 100 -r 1 --warmup 0 --no-progress -o $work/m.json" \
          > /dev/null 2>&1 &&
       "$PB" import-hyperfine live.json -o live-pb.json > /dev/null &&
       "$PB" plot live-pb.json -o liveplots > /dev/null 2>&1 &&
       check_charts liveplots bars-factorial bars-noop > /dev/null; then ok
    else bad "import-hyperfine of a live hyperfine run"; fi
else
    echo "hyperfine is not installed: live import skipped"
fi
echo '{"results": []}' > hf-empty.json
echo '{"results": [{"command": "x"}]}' > hf-nomean.json
usage_error "hf-empty.json: \"results\" is empty" \
    "$PB" import-hyperfine hf-empty.json -o x.json
usage_error "hf-nomean.json: results[0].mean" \
    "$PB" import-hyperfine hf-nomean.json -o x.json
usage_error "broken.json: not valid JSON" \
    "$PB" import-hyperfine broken.json -o x.json
usage_error "expected exactly one" "$PB" import-hyperfine
if [ ! -e x.json ]; then ok; else bad "a failed import wrote x.json"; fi

# report: one self-contained page with every chart and table.
if "$PB" report "$FX/plot-a.json" "$FX/plot-b.json" hf.json -o r.html \
      > /dev/null 2> r.err; then ok; else bad "report: $(cat r.err)"; fi
nchart=$("$PB" plot "$FX/plot-a.json" "$FX/plot-b.json" hf.json -o rp \
         2> /dev/null | grep -c '\.svg')
if python3 - r.html "$nchart" <<'PY'
import re, sys
from html.parser import HTMLParser
text = open(sys.argv[1]).read()
want = int(sys.argv[2])
VOID = {"meta", "br", "img", "input", "link", "hr", "path", "circle",
        "rect", "use", "polygon", "line", "image", "stop", "ellipse"}
class Check(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.tags = [], [], {}
    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for k, v in attrs:
            if k in ("src", "href", "xlink:href") and v and \
               re.match(r"\s*(https?:)?//", v):
                self.errors.append("external %s=%s" % (k, v))
        if tag not in VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes %s" % (tag, self.stack[-1:]))
            return
        self.stack.pop()
p = Check()
p.feed(text)
p.close()
assert text.startswith("<!DOCTYPE html>"), "no doctype"
assert not p.errors, p.errors[:5]
assert not p.stack, "unclosed: %s" % p.stack
assert p.tags.get("script", 0) == 0 and p.tags.get("link", 0) == 0
assert p.tags.get("img", 0) == 0 and p.tags.get("iframe", 0) == 0
assert not re.search(r"url\(\s*['\"]?https?:|@import", text), "external CSS"
assert p.tags.get("svg", 0) == want >= 9, (p.tags.get("svg"), want)
assert text.count('<figure id="chart-') == want
assert 'class="machines"' in text and text.count('class="summary"') == 3
assert 'class="hyperfine"' in text, "no hyperfine table"
find = text[text.index('id="findings"'):text.index('id="machine"')]
assert find.count("<li>") >= 4, "findings: %d" % find.count("<li>")
ids = re.findall(r"\bid=['\"]([^'\"]+)", text)
dup = sorted({i for i in ids if ids.count(i) > 1})
assert not dup, "duplicate ids: %s" % dup[:5]
print("ok")
PY
then ok; else bad "report.html is not a valid self-contained page"; fi

# With one workload the across-workloads section says there is nothing
# to compare (it was an empty heading); with findings it does not.
if "$PB" run -w noop -n 200 -e serial -r 1 --no-progress -o one.json \
      > /dev/null 2>&1 &&
   "$PB" report one.json -o one.html > /dev/null 2>&1 &&
   grep -q "Nothing to compare: one workload was run." one.html &&
   ! grep -q "Nothing to compare" r.html &&
   ! grep -q "No finding holds across" r.html
then ok; else bad "report: the across-workloads section of one workload"; fi

# Hostile strings (issue: command execution through gnuplot): backticks,
# system(), @macro, quotes and newlines in every field that reaches a
# chart, and in the file name. Nothing may run, charts are still drawn,
# and in each .gp text from the file is only inside single quotes.
mkdir hostile && cd hostile || exit 1
hname='h`touch PWNED0`.json'
python3 - "$FX/plot-a.json" "$hname" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
H = ["`touch PWNED1`", "x\" . system('touch PWNED2') . \"", "@macro",
     "'; system(\"touch PWNED3\"); '", "a\nb\x1b[31mred",
     "\"`touch PWNED4`\"", "eval 'system(\"touch PWNED5\")'"]
m = d["machine"]
for k, h in zip(["hostname", "os", "kernel", "cpu_model", "compiler",
                 "build_type", "governor"], H):
    m[k] = h
for r in d["results"]:
    r["workload"] = H[0] + H[4] + r["workload"]
    r["params"] = {k + H[3]: H[1] + str(v) + H[6]
                   for k, v in (r.get("params") or {}).items()} or \
                  {"p" + H[5]: H[2]}
    if r["executor"] != "serial":
        r["executor"] += H[4] + H[5]
json.dump(d, open(sys.argv[2], "w"))
PY
"$PB" plot "$hname" "$hname" -o hp > hp.out 2> hp.err
rc_plot=$?
"$PB" report "$hname" "$hname" -o hr.html > hr.out 2> hr.err
rc_report=$?
"$PB" merge "$hname" "$hname" -o hm.json > /dev/null 2>&1
"$PB" plot hm.json -o hmp > hmp.out 2> hmp.err
rc_mplot=$?
"$PB" report hm.json -o hmr.html > hmr.out 2> hmr.err
rc_mreport=$?
pwned=$(find "$work" -name 'PWNED*')
if [ -z "$pwned" ]; then ok; else bad "hostile strings ran: $pwned"; fi
if [ "$rc_plot$rc_report$rc_mplot$rc_mreport" = 0000 ] &&
   [ "$(ls hp/*.svg | wc -l)" -ge 9 ] && [ -f hp/ratio.svg ] &&
   [ "$(ls hmp/*.svg | wc -l)" -ge 9 ] &&
   grep -q "<svg" hr.html && grep -q "<svg" hmr.html; then ok
else bad "hostile file: no charts ($rc_plot$rc_report$rc_mplot$rc_mreport):" \
    "$(cat hp.err hr.err hmp.err hmr.err | head -3)"; fi
if python3 - hp/*.gp hmp/*.gp <<'PY'
import re, sys
for path in sys.argv[1:]:
    text = open(path).read()
    head = text.split("# ---- from scripts/")[0]
    for line in head.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        # What is left once the single-quoted literals (and our own
        # "\n") are taken out must be plain code of ours.
        rest = re.sub(r"'(?:[^']|'')*'", "''", line).replace('"\\n"', "")
        assert re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*(\[\d+\])? = .*|"
                            r"set (xtics|xrange) .*|array .*", rest), \
            (path, line)
        for bad in ("`", "system", "@", '"', "PWNED", "eval"):
            assert bad not in rest, (path, bad, line)
    for line in open(path.replace(".gp", ".dat")):
        assert line.startswith("#") or re.match(r"^[-0-9. e+]*$", line), \
            (path, line)
print("ok")
PY
then ok; else bad "hostile text outside a quoted literal in a .gp"; fi
# No terminal escape from the file reaches the terminal.
if ! cat hp.out hp.err hr.out hr.err hmp.out hmp.err | grep -q "$(printf '\033')"
then ok; else bad "an escape character from the file reached the terminal"; fi
if grep -q 'x1b\[31mred' hp.out; then ok
else bad "escaped control characters not shown: $(head -n 1 hp.out)"; fi

# Planted symlinks (issue: writes through symlinks): every name plot and
# report write points at a victim outside; after they ran the victim is
# unchanged and the names are regular files.
echo "victim" > "$work/victim"
mkdir sp && (cd hp && ls) | while read -r f; do
    ln -s "$work/victim" "sp/$f"
done
ln -s "$work/victim" sr.html
for g in 1 2 3 4 5 6 7 8 9; do
    ln -s "$work/victim" "sr.html.tmp.$(( $$ + g ))"
    ln -s "$work/victim" ".sr.html.tmp.$g"
done
"$PB" plot "$hname" "$hname" -o sp > /dev/null 2>&1
"$PB" report "$hname" "$hname" -o sr.html > /dev/null 2>&1
if [ "$(cat "$work/victim")" = victim ] && [ ! -L sr.html ] &&
   grep -q "<svg" sr.html && [ -z "$(find sp -type l)" ] &&
   [ "$(ls sp/*.svg | wc -l)" -ge 9 ]; then ok
else bad "a write went through a planted symlink: $(head -c 80 "$work/victim")"
fi
# No temporary folder or file is left behind.
if [ -z "$(find . -name '.poolbench-*' -o -name '*.tmp.*' ! -type l)" ]
then ok; else bad "temporaries left: $(find . -name '.poolbench-*')"; fi

# Killed (issue: a killed report leaves its temporary folder): SIGTERM
# while gnuplot draws; no temporary folder and no output remain.
printf '#!/bin/sh\nexec sleep 30\n' > slow-gnuplot
chmod +x slow-gnuplot
for cmd in report plot; do
    mkdir "kill-$cmd"
    POOLBENCH_GNUPLOT=$PWD/slow-gnuplot "$PB" "$cmd" "$hname" \
        -o "kill-$cmd/out.html" > /dev/null 2>&1 &
    pid=$!
    n=0
    while [ -z "$(find "kill-$cmd" -name '.poolbench-*')" ] && [ $n -lt 50 ]
    do sleep 0.1; n=$((n + 1)); done
    sleep 0.3
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    left=$(find "kill-$cmd" -mindepth 1 ! -path "kill-plot/out.html")
    if [ "$rc" -eq 143 ] && [ -z "$left" ] && [ $n -lt 50 ]; then ok
    else bad "$cmd killed: exit $rc, left: $left"; fi
done
cd "$work" || exit 1

# run --suite: an unknown suite is a usage error; the seed suite prints
# the seed's Python figures beside poolbench's.
usage_error "unknown suite 'bogus'" "$PB" run --suite bogus
usage_error "--suite needs a name" "$PB" run --suite
if "$PB" run --suite seed -n 40 -r 1 --warmup 0 --no-progress \
      -o seed.json > seed.txt 2> seed.err &&
   grep -q "The seed experiment" seed.txt &&
   grep -q "16.231 s" seed.txt && grep -q "12.710 s" seed.txt &&
   grep -q "^heavy: factorial(300)" seed.txt &&
   grep -q "suite seed: -w factorial" seed.err; then ok
else bad "run --suite seed: $(tail -n 3 seed.err)"; fi

# The seed suite's charts, measured in their SVG: 16 bar groups whose
# labels do not overlap one another (turned far enough), an axis title
# below the labels and a caption below the title; a delivery chart of 14
# timelines keeps its legend beside the plot, not over it.
if "$PB" plot seed.json -o seedp > /dev/null 2>&1 &&
   python3 - seedp <<'PY'
import glob, math, re, sys
ok = True
def texts(svg):
    out = []
    for m in re.finditer(r'<g transform="translate\(([\d.]+),([\d.]+)\)'
                         r'(?: rotate\((-?\d+)\))?"[^>]*font-size="([\d.]+)"'
                         r'[^>]*text-anchor="(\w+)">\s*<text>([^<]*)</text>',
                         svg):
        x, y, rot, size, anchor, t = m.groups()
        out.append((float(x), float(y), -int(rot or 0), float(size),
                    anchor, t))
    return out
for path in glob.glob(sys.argv[1] + "/bars-*.svg"):
    svg = open(path).read()
    ts = texts(svg)
    tics = sorted(t for t in ts if t[2] > 0 and t[4] == "end")
    xl = [t for t in ts if t[5] == "executor"]
    cap = [t for t in ts if t[3] == 9.0]
    assert len(tics) >= 2 and xl and cap, (path, len(tics))
    a = math.radians(tics[0][2])
    for p, q in zip(tics, tics[1:]):
        gap = (q[0] - p[0]) * (math.sin(a) if tics[0][2] < 90 else 1)
        if gap < 1.2 * p[3]:
            print("%s: tic labels %r and %r overlap (%.1f px apart)" %
                  (path, p[5], q[5], gap))
            ok = False
            break
    low = max(t[1] + len(t[5]) * 0.6 * t[3] * math.sin(a) for t in tics)
    if xl[0][1] - xl[0][3] < low:
        print("%s: axis title at %.0f, tic labels down to %.0f" %
              (path, xl[0][1], low)); ok = False
    if cap[0][1] - cap[0][3] < xl[0][1]:
        print("%s: caption at %.0f, axis title at %.0f" %
              (path, cap[0][1], xl[0][1])); ok = False
for path in glob.glob(sys.argv[1] + "/delivery-*.svg"):
    svg = open(path).read()
    ts = texts(svg)
    xtics = [t for t in ts if t[4] == "middle" and
             re.fullmatch(r"[\d.]+", t[5])]
    keys = [t for t in ts if ": " in t[5] and t[4] == "start" and t[3] == 13]
    right = max(t[0] for t in xtics)
    if len(keys) > 4 and min(t[0] for t in keys) < right:
        print("%s: %d legend entries over the plot (x %.0f < %.0f)" %
              (path, len(keys), min(t[0] for t in keys), right)); ok = False
sys.exit(0 if ok else 1)
PY
then ok; else bad "seed suite charts: labels or legend overlap"; fi

# The task count the docs give for the seed suite is the suite's -n.
n=$(tr '\n' ' ' < seed.err | sed -n 's/.* -n  *\([0-9]*\) .*/\1/p')
if [ -n "$n" ] && tr '\n' ' ' < "$SRC/docs/workloads.md" |
       grep -q "poolbench $n per case"; then ok
else bad "docs/workloads.md does not give the seed suite's -n $n"; fi

# A -p of the user's replaces the suite's value for that parameter.
if "$PB" run --suite seed -p factorial.n=50 -n 20 -r 1 --warmup 0 \
      --no-progress -o seed2.json > /dev/null 2> seed2.err &&
   grep -Eq '"n":[[:space:]]*50,' seed2.json; then ok
else bad "run --suite seed -p factorial.n=50: $(tail -n 1 seed2.err)"; fi

# ---- report (issue #13): the answer first ---------------------------------
# Without a file, report reads results/latest.json; with none there, one
# line naming it.
mkdir rdef && cd rdef || exit 1
usage_error "results/latest.json does not exist" "$PB" report
mkdir results && cp "$FX/plot-a.json" results/latest.json
if "$PB" report > def.out 2> def.err && [ -s plots/report.html ] &&
   grep -q 'class="overview"' plots/report.html; then ok
else bad "report without a file: $(cat def.err)"; fi
cd "$work" || exit 1

# The summary table agrees with the terminal summary: every speedup and
# interval `show` prints for a best configuration is in the overview.
"$PB" show "$FX/plot-a.json" > show.txt 2> /dev/null
"$PB" report "$FX/plot-a.json" -o sum.html > /dev/null 2>&1
if python3 - show.txt sum.html <<'PY'
import re, sys
show = open(sys.argv[1]).read()
page = open(sys.argv[2]).read()
table = page[page.index('class="overview"'):]
table = table[:table.index("</table>")]
want = re.findall(r" is (?:not clearly different from serial \()?"
                  r"(\d+\.\d\dx \[\d+\.\d\d, \d+\.\d\d\])", show)
assert want, "no speedup in show's summary"
for w in want:
    assert w in table, "%s not in the report's summary" % w
insts = re.findall(r"^\S.*  \(\d+ tasks", show, re.M)
assert insts and table.count("<tr>") == 1 + len(insts), table
assert 'class="banner"' not in page, "a banner without warnings"
print("ok")
PY
then ok; else bad "report summary disagrees with poolbench show"; fi

# A banner when the file says the machine was busy or precision was not
# reached; its messages are text, never markup.
python3 - "$FX/plot-a.json" warned.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["warnings"] = [
    {"kind": "busy", "message": "<b>other processes</b> used 40% CPU",
     "result": 0},
    {"kind": "quota", "message": "a CPU quota of 1.5", "result": None}]
d["results"][0]["precision_reached"] = False
d["results"][1]["disturbed"] = 3
json.dump(d, open(sys.argv[2], "w"))
PY
if "$PB" report warned.json -o warned.html > /dev/null 2>&1 &&
   python3 - warned.html <<'PY'
import sys
page = open(sys.argv[1]).read()
banner = page[page.index('class="banner"'):]
banner = banner[:banner.index("</div>")]
assert "The machine was busy" in banner and "3 repetitions" in banner
assert "Precision not reached" in banner and "1 configuration" in banner
assert "&lt;b&gt;other processes&lt;/b&gt;" in banner and "<b>" not in page
assert "a CPU quota of 1.5" in banner
assert page.index('class="banner"') < page.index('class="overview"')
table = page[page.index('class="overview"'):]
table = table[:table.index("</table>")]
assert "1 imprecise" in table and "1 disturbed" in table and \
    "1 warning" in table, table
print("ok")
PY
then ok; else bad "report banner for warnings"; fi

# 162 warnings: every one is in the banner (none behind "... and N more"),
# grouped by workload, each group folded in a <details> whose visible line
# gives its count by kind.
python3 - "$FX/plot-a.json" many.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["warnings"] = [{"kind": "too_short" if k % 3 else "busy_machine",
                  "message": "warning number %d" % k,
                  "result": k % len(d["results"])} for k in range(160)]
d["warnings"] += [{"kind": "quota", "message": "warning number %d" % k,
                   "result": None} for k in (160, 161)]
json.dump(d, open(sys.argv[2], "w"))
PY
if "$PB" report many.json -o many.html > /dev/null 2>&1 &&
   python3 - many.json many.html <<'PY'
import collections, json, re, sys
d = json.load(open(sys.argv[1]))
page = open(sys.argv[2]).read()
banner = page[page.index('class="banner"'):]
banner = banner[:banner.index('<nav class="toc"')]
assert "more warnings" not in banner, "warnings left out of the banner"
for k in range(162):
    assert "warning number %d<" % k in banner, "warning %d missing" % k
assert "162 warnings" in banner
want = collections.OrderedDict()
for w in d["warnings"]:
    r = w["result"]
    wl = d["results"][r]["workload"] if r is not None else "the whole run"
    want.setdefault(wl, collections.Counter())[w["kind"]] += 1
groups = re.findall(r"<details class=\"warnings\"><summary>(.*?)</summary>"
                    r"\n<ul>(.*?)</ul></details>", banner)
assert [g[0].split(":")[0] for g in groups] == list(want), groups
for (line, items), (wl, kinds) in zip(groups, want.items()):
    n = sum(kinds.values())
    assert line.startswith("%s: %d warnings (" % (wl, n)), line
    for kind, c in kinds.items():
        assert "%s %d" % (kind, c) in line, (line, kind, c)
    assert items.count("<li>") == n, (wl, items.count("<li>"), n)
assert "<details open" not in banner, "a group is not folded"
# All in one fold whose line counts them by workload: the banner is as
# tall for 162 warnings as for 2.
outer = re.search(r'<details class="warnings-all"><summary>(.*?)</summary>',
                  banner)
assert outer, "the groups are not in one fold"
assert outer.group(1) == "<strong>162 warnings</strong> by workload: " + \
    ", ".join("%s %d" % (wl, sum(k.values())) for wl, k in want.items()), \
    outer.group(1)
print("ok")
PY
then ok; else bad "report banner with 162 warnings"; fi

finish plot-cli
