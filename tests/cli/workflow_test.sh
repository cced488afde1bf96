#!/bin/sh
# workflow_test.sh - .github/workflows/bench.yml parses as YAML (PyYAML)
# and says what CI must do: a pull request is gated on the paired A/B
# comparison of the merge-base's build and its own, measured by
# `poolbench ab` in one job; main stores its runs and keeps the database
# per runner; the trend job (--tasks-from main, --baseline main --window
# 5) and the machine comparison never fail the build, and a missing
# baseline (exit 4) is a warning; uploads and the HTML report run always;
# every run: script is valid shell; and docs/ci.md lists every step of
# every job, in the file's order, and no other. Skipped (77) without
# PyYAML (Debian: python3-yaml).
SRC=${SOURCE_DIR:?SOURCE_DIR must name the source tree}
python3 -c 'import yaml' 2> /dev/null || exit 77
exec python3 - "$SRC/.github/workflows/bench.yml" "$SRC/docs/ci.md" <<'PY'
import re, subprocess, sys, yaml

wf = yaml.safe_load(open(sys.argv[1]))
# YAML 1.1 reads the key "on" as true.
on = wf.get("on", wf.get(True))
assert "pull_request" in on and on["push"]["branches"] == ["main"], on
jobs = wf["jobs"]
fails = []

def check(cond, what):
    if not cond:
        fails.append(what)

def steps(job):
    return jobs[job]["steps"]

def runs(job):
    return "\n".join(s.get("run", "") for s in steps(job))

def uses(job, action):
    return [s for s in steps(job) if s.get("uses", "").startswith(action)]

for name, job in jobs.items():
    for s in job["steps"]:
        if "uses" in s and "upload-artifact" in s["uses"]:
            check(s.get("if") == "always()", name + ": upload not always()")
        if "report" in s.get("run", "") and "poolbench report" in s["run"]:
            check(s.get("if") == "always()", name + ": report not always()")
        if "run" in s:
            r = subprocess.run(["sh", "-n"], input=s["run"], text=True,
                               capture_output=True)
            check(r.returncode == 0, "%s: %s: %s" % (name, s.get("name"),
                                                     r.stderr.strip()))
    check(any("poolbench report" in s.get("run", "") for s in job["steps"])
          or name == "machines-run", name + ": no HTML report")

main = [n for n, j in jobs.items() if "--save main" in runs(n)]
check(len(main) == 1, "one job stores main: %s" % main)
gate = [n for n, j in jobs.items() if "poolbench ab " in runs(n)]
check(len(gate) == 1, "one job gates on A/B: %s" % gate)
if gate:
    g = gate[0]
    check("pull_request" in jobs[g]["if"], g + ": not on pull requests")
    check(not jobs[g].get("continue-on-error"), g + ": the gate may fail")
    check("git merge-base" in runs(g) and "make -C ../base build" in runs(g),
          g + ": does not build the merge-base")
    check("--base ../base/build/poolbench --new build/poolbench" in
          " ".join(runs(g).split()).replace("\\ ", ""),
          g + ": ab does not measure base against the pull request")
    check(re.search(r"poolbench compare results/ab.json", runs(g)) and
          'exit "$rc"' in runs(g), g + ": not gated on compare ab.json")
    check(int(wf["env"]["AB_ROUNDS"]) >= 10, "AB_ROUNDS below 10")
    check(steps(g)[0].get("with", {}).get("fetch-depth") == 0,
          g + ": no full history for the merge-base")
trend = [n for n, j in jobs.items() if "--baseline main" in runs(n)]
check(len(trend) == 1, "one job compares with stored runs: %s" % trend)
if main and trend:
    m, t = main[0], trend[0]
    check("push" in jobs[m]["if"], m + ": not on push")
    check("pull_request" in jobs[t]["if"], t + ": not on pull requests")
    check(jobs[t].get("continue-on-error") is True,
          t + ": the trend can fail a pull request")
    check("--window" in runs(t) and wf["env"]["WINDOW"] == "5",
          t + ": no --window 5")
    check("--tasks-from main" in runs(t), t + ": not --tasks-from main")
    check('"$rc" -eq 4' in runs(t) and "::warning::" in runs(t),
          t + ": exit 4 (no baseline) is not a warning")
    saved = uses(m, "actions/cache/save") or uses(m, "actions/cache@")
    restored = uses(t, "actions/cache/restore") or uses(t, "actions/cache@")
    check(saved and restored, "the database is not kept in the cache")
    db = wf["env"]["POOLBENCH_DB"]
    for s in saved + restored:
        check(s["with"]["path"] == db, "cache path is not " + db)
        check("runner.os" in s["with"].get("restore-keys",
                                           s["with"]["key"])
              and "runner.arch" in s["with"]["key"],
              "the cache is not per runner")
machines = [n for n in jobs if "--normalize speedup" in runs(n)]
check(len(machines) == 1, "one machine comparison job: %s" % machines)
for n in machines + [j for j in jobs if "machines" in j]:
    check(jobs[n].get("continue-on-error") is True,
          n + ": the machine comparison can fail the build")
# docs/ci.md, line for line: under "### Job `NAME`" the numbered bold
# items are the job's step names, in order; every job has its section.
doc = open(sys.argv[2]).read()
sections = re.split(r"^### Job `([a-z-]+)`$", doc, flags=re.M)
described = dict(zip(sections[1::2], sections[2::2]))
check(list(described) == list(jobs),
      "docs/ci.md's jobs %s, bench.yml's %s" % (list(described), list(jobs)))
for name, job in jobs.items():
    want = [s.get("name") for s in job["steps"]]
    check(None not in want, name + ": a step without a name")
    text = described.get(name, "").split("\n## ")[0]
    got = re.findall(r"^\d+\. \*\*(.+?)\*\*", text, flags=re.M)
    check(got == want, "docs/ci.md, job %s: steps %s, bench.yml: %s"
          % (name, got, want))
if fails:
    print("\n".join("FAIL: " + f for f in fails))
    sys.exit(1)
print("workflow: ok")
PY
