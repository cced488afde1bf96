#!/usr/bin/env python3
"""history_copies.py - N copies of a poolbench/1 results file, each with its
own created time and machine.git_commit, for the history tests and the
1,000-file measurement.

    history_copies.py SOURCE.json OUTDIR N [COMMIT_PREFIX]

Only the two values change, by text substitution, so every copy stays a
real results file byte for byte elsewhere."""
import datetime
import os
import re
import sys

src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
prefix = sys.argv[4] if len(sys.argv) > 4 else "c"
text = open(src, encoding="utf-8").read()
t0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
os.makedirs(out, exist_ok=True)
for k in range(n):
    created = (t0 + datetime.timedelta(hours=k)).strftime("%Y-%m-%dT%H:%M:%SZ")
    commit = "%s%011x" % (prefix, k)
    t = re.sub(r'("created":\s*)"[^"]*"', r'\1"%s"' % created, text, count=1)
    t = re.sub(r'("git_commit":\s*)"[^"]*"', r'\1"%s"' % commit, t, count=1)
    with open(os.path.join(out, "run-%04d.json" % k), "w",
              encoding="utf-8") as f:
        f.write(t)
