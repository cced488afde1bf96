#!/bin/sh
# workflow_test.sh - .github/workflows/bench.yml parses as YAML (PyYAML)
# and says what CI must do: main stores its runs and keeps the database
# per runner, a pull request restores it and gates on --baseline main
# --window 5, the machine comparison never fails the build, uploads and
# the HTML report run always; every run: script is valid shell. Skipped
# (77) without PyYAML (Debian: python3-yaml).
SRC=${SOURCE_DIR:?SOURCE_DIR must name the source tree}
python3 -c 'import yaml' 2> /dev/null || exit 77
exec python3 - "$SRC/.github/workflows/bench.yml" <<'PY'
import subprocess, sys, yaml

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
gate = [n for n, j in jobs.items() if "--baseline main" in runs(n)]
check(len(gate) == 1, "one job gates: %s" % gate)
if main and gate:
    m, g = main[0], gate[0]
    check("push" in jobs[m]["if"], m + ": not on push")
    check("pull_request" in jobs[g]["if"], g + ": not on pull requests")
    check("--window" in runs(g) and wf["env"]["WINDOW"] == "5",
          g + ": no --window 5")
    check(not jobs[g].get("continue-on-error"), g + ": the gate may fail")
    saved = uses(m, "actions/cache/save") or uses(m, "actions/cache@")
    restored = uses(g, "actions/cache/restore") or uses(g, "actions/cache@")
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
if fails:
    print("\n".join("FAIL: " + f for f in fails))
    sys.exit(1)
print("workflow: ok")
PY
