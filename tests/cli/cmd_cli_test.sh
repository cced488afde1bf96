#!/bin/sh
# cmd_cli_test.sh - the cmd workload through `poolbench run`, with real
# commands (md5sum, gzip, sleep, sh, a script that fails on some inputs)
# over the built-in corpus, a temporary tree and a list file: every
# executor gives the checksum that a Python script computes on its own
# from the documented value; exits, signals and time-outs are task errors
# of their kind; bad commands are refused up front (exit 2, one line).
set -u
. "$(dirname "$0")/cli_lib.sh"
PB=${POOLBENCH:?POOLBENCH must name the poolbench binary}
for tool in python3 md5sum gzip sleep; do
    if ! command -v "$tool" > /dev/null; then
        echo "no $tool: skipped"
        exit 77
    fi
done
work=$(mktemp -d /tmp/pb-cmd-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
NATIVE=serial,threads,procs,futures
COMMON="-j 2 -r 1 --warmup 0 --min-time 0 --no-progress"

# check FILE PY-CONDITION: the condition over rows holds (the rows are
# printed when not).
check() {
    python3 - "$1" "$2" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["results"]
if not eval("(" + sys.argv[2] + ")"):
    for r in rows:
        print(r["executor"], r["workers"], r["tasks"], r["errors"],
              r.get("errors_by_kind"), r.get("first_error"), r["checksum"],
              r["failure"])
    sys.exit(1)
PY
}

# expect RUN TREE-OR-LIST DIGEST KIND [SHELL]: the checksum the docs
# define, computed here: sha256(run \0 key \0 i \0 "0" \0 [sha256 of
# stdout]) first 8 bytes, summed. The stdout is the command's own, run
# here by Python (no poolbench involved).
expect() {
    python3 - "$@" <<'PY'
import hashlib, os, shlex, subprocess, sys
run, src, digest, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    sys.argv[4]
shell = len(sys.argv) > 5 and sys.argv[5] == "1"
if kind == "files":
    items = []
    for d, _, fs in os.walk(src):
        items += [os.path.relpath(os.path.join(d, f), src) for f in fs]
    items.sort(key=lambda p: p.encode())
    paths = [os.path.join(src, p) for p in items]
else:
    items = open(src).read().split("\n")[:-1]
    paths = items
total = 0
for i, (key, path) in enumerate(zip(items, paths)):
    if shell:
        argv = ["/bin/sh", "-c", run, "sh", path, str(i)]
    else:
        argv = [w.replace("{}", path).replace("{#}", str(i))
                for w in shlex.split(run)]
    out = subprocess.run(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, check=True).stdout
    m = b"\0".join(x.encode() for x in (run, key, str(i), "0")) + b"\0"
    if digest:
        m += hashlib.sha256(out).digest()
    total += int.from_bytes(hashlib.sha256(m).digest()[:8], "big")
print("%016x" % (total % 2**64))
PY
}

# 1. md5sum over the built-in corpus, stdout digested: one checksum
# under every executor, and the one computed independently.
"$PB" run -w cmd -p 'run=md5sum {}' -p digest=1 -p files=30 -p size_mb=1 \
    --corpus-dir "$work/cache" -e $NATIVE $COMMON -o md5.json \
    > out.txt 2> err.txt
rc=$?
tree=$(ls -d "$work"/cache/corpus-v1-*/tree 2>/dev/null | head -1)
if [ "$rc" -ne 0 ] || [ -z "$tree" ]; then
    bad "md5sum run exit $rc"; cat err.txt
else
    want=$(expect 'md5sum {}' "$tree" 1 files)
    if check md5.json 'len(rows) == 4 and
            all(r["tasks"] == 30 and r["errors"] == 0 and
                r["failure"] is None and r["checksum"] == "'"$want"'"
                for r in rows)'; then
        ok
    else
        bad "md5sum over the corpus: checksums differ from $want"
    fi
fi

# 2. gzip over a temporary tree with awkward names, digested: equal
# checksums, the independent one, and bytes of output counted.
mkdir -p tree/sub "tree/with space"
printf 'alpha\n' > tree/a.txt
printf 'beta beta\n' > "tree/with space/it's.txt"
head -c 100000 /dev/urandom > tree/sub/random.bin
: > tree/empty
"$PB" run -w cmd -p 'run=gzip -c -n {}' -p digest=1 -p dir="$work/tree" \
    -e $NATIVE $COMMON -o gzip.json > out.txt 2> err.txt
rc=$?
want=$(expect 'gzip -c -n {}' "$work/tree" 1 files)
if [ "$rc" -eq 0 ] && check gzip.json 'len(rows) == 4 and
        all(r["tasks"] == 4 and r["errors"] == 0 and
            r["checksum"] == "'"$want"'" for r in rows)'; then
    ok
else
    bad "gzip over a tree (exit $rc, want $want)"; cat err.txt
fi
# Another command over the same items gives another checksum.
"$PB" run -w cmd -p 'run=gzip -c -1 -n {}' -p digest=1 \
    -p dir="$work/tree" -e serial $COMMON -o gzip1.json > /dev/null 2>&1
if check gzip1.json 'rows[0]["errors"] == 0 and rows[0]["checksum"] !=
        "'"$want"'"'; then
    ok
else
    bad "a different command gave the same checksum"
fi

# 3. A script that fails on some inputs: its exits are errors of kind
# exit, counted exactly, with the status; the rest agree everywhere.
cat > fails.sh <<'EOF'
#!/bin/sh
# fails on every line that is a multiple of 3, with status 3
test $(( $1 % 3 )) -ne 0 || exit 3
echo "ok $1"
EOF
chmod +x fails.sh
seq 1 10 > list.txt
"$PB" run -w cmd -p "run=$work/fails.sh {}" -p list=list.txt -p digest=1 \
    -e $NATIVE $COMMON -o fails.json > out.txt 2> err.txt
if check fails.json 'len(rows) == 4 and
        all(r["tasks"] == 10 and r["errors"] == 3 and
            r["errors_by_kind"] == {"exit": 3} and
            "exit: status 3" in r["first_error"] for r in rows) and
        len({r["checksum"] for r in rows}) == 1'; then
    ok
else
    bad "a failing script: errors not counted as exits"
fi

# 4. The same with a shell: the item is "$1", never part of the script.
"$PB" run -w cmd -p 'run=test $(( $1 % 3 )) -ne 0 && echo "$1 $2"' \
    -p shell=1 -p list=list.txt -p digest=1 -e serial,threads $COMMON \
    -o shell.json > out.txt 2> err.txt
if check shell.json 'all(r["errors_by_kind"] == {"exit": 3}
        for r in rows) and len({r["checksum"] for r in rows}) == 1'; then
    ok
else
    bad "shell=1: errors or checksums wrong"
fi
printf '1\n2\n4\n5\n' > good.txt
"$PB" run -w cmd -p 'run=echo "$1 $2"' -p shell=1 -p list=good.txt \
    -p digest=1 -e serial $COMMON -o shell2.json > /dev/null 2>&1
want=$(expect 'echo "$1 $2"' good.txt 1 lines 1)
if check shell2.json 'rows[0]["checksum"] == "'"$want"'"'; then
    ok
else
    bad "shell=1: checksum is not the documented one ($want)"
fi
# A hostile line stays data: it reaches the script as $1, not as code.
printf '%s\n' '$(touch pwned)' '; touch pwned2' > evil.txt
"$PB" run -w cmd -p 'run=printf %s "$1"' -p shell=1 -p list=evil.txt \
    -e serial $COMMON -o evil.json > /dev/null 2>&1
if [ ! -e pwned ] && [ ! -e pwned2 ] &&
   check evil.json 'rows[0]["errors"] == 0'; then
    ok
else
    bad "an item was run as shell code"
fi

# 5. timeout_ms: sleep is killed, a timeout error per task.
"$PB" run -w cmd -p 'run=sleep 30' -p timeout_ms=100 -n 3 \
    -e serial,threads,procs,futures $COMMON -o sleep.json \
    > out.txt 2> err.txt
if check sleep.json 'len(rows) == 4 and all(r["errors"] == 3 and
        r["errors_by_kind"] == {"timeout": 3} for r in rows)'; then
    ok
else
    bad "timeout_ms: sleep not counted as timeouts"
fi
# A command killed by a signal is an error of kind signaled.
"$PB" run -w cmd -p 'run=sh -c "kill -TERM $$"' -n 2 -e serial,procs \
    $COMMON -o sig.json > out.txt 2> err.txt
if check sig.json 'all(r["errors_by_kind"] == {"signaled": 2} and
        "Terminated" in r["first_error"] for r in rows)'; then
    ok
else
    bad "a signal is not a signaled error"
fi

# 6. {#} is the task index; baseline=1 runs true with the same items;
# a comma stays in the command (no sweep).
"$PB" run -w cmd -p 'run=echo {#},{}' -p list=list.txt -p digest=1 \
    -p baseline=0,1 -e serial,futures $COMMON -o base.json \
    > out.txt 2> err.txt
want=$(expect 'echo {#},{}' list.txt 1 lines)
base=$(expect 'true' list.txt 1 lines)
if check base.json 'len(rows) == 4 and
        {r["checksum"] for r in rows if r["params"]["baseline"] == 0}
            == {"'"$want"'"} and
        {r["checksum"] for r in rows if r["params"]["baseline"] == 1}
            == {"'"$base"'"} and
        all(r["params"]["run"] == "echo {#},{}" for r in rows)'; then
    ok
else
    bad "{#}, baseline=1 or a comma in run went wrong ($want, $base)"
fi

# The summary sets the spawn beside the command, once, for baseline=0.
"$PB" show base.json > show.txt 2>&1
spawn_line="was the spawn: \`true\` on the same items"
if [ "$(grep -c "$spawn_line" show.txt)" -eq 1 ] &&
   grep -A1 "^cmd baseline=0" show.txt | grep -q "was the spawn"; then
    ok
else
    bad "the summary does not say how much of each task was the spawn"
    cat show.txt
fi
# A shell script's baseline is `true` too (the script is not a program).
"$PB" run -w cmd -p 'run=for x in "$1"; do :; done' -p shell=1 \
    -p list=list.txt -p baseline=0,1 -e serial $COMMON -o sbase.json \
    > out.txt 2> err.txt
if check sbase.json 'len(rows) == 2 and all(r["errors"] == 0 for r in rows)
        and {r["params"]["baseline"] for r in rows} == {0, 1}'; then
    ok
else
    bad "shell=1 with baseline=0,1"; cat err.txt
fi
# Files as items report their size: MB/s as for hashing.
if check gzip.json 'all(r["stats"].get("bytes", {}).get("median") ==
        100000 + 6 + 10 for r in rows)'; then
    ok
else
    bad "cmd over files does not report the bytes of its items"
fi

# 7. Refused up front, one line, exit 2.
if check_usage "no command" "$PB" run -w cmd -e serial -n 2 -r 1; then ok; fi
if check_usage "not an executable" "$PB" run -w cmd -p 'run=no-such-tool {}' \
    -e serial -n 2 -r 1; then ok; fi
if check_usage "quote is not closed" "$PB" run -w cmd \
    -p "run=echo 'open" -e serial -n 2 -r 1; then ok; fi
if check_usage 'write "$1" instead of {}' "$PB" run -w cmd \
    -p 'run=cat {}' -p shell=1 -e serial -n 2 -r 1; then ok; fi
if check_usage "list=$work/none" "$PB" run -w cmd -p 'run=echo {}' \
    -p list="$work/none" -e serial -r 1; then ok; fi
# cmd and pyfunc run only when named: a run without -w leaves them out.
"$PB" run -e serial -n 5 -p files=20 -p size_mb=1 -p us=10 \
    --corpus-dir "$work/cache" $COMMON -o all.json > out.txt 2> err.txt
if check all.json '{r["workload"] for r in rows} >= {"noop", "hashing"}
        and not {r["workload"] for r in rows} & {"cmd", "pyfunc"}'; then
    ok
else
    bad "a run without -w ran cmd or pyfunc"; cat err.txt
fi
"$PB" list > list.out 2>&1
if grep -q '^  *cmd' list.out && grep -q 'run.*text (taken whole)' list.out
then
    ok
else
    bad "poolbench list lacks cmd or its run parameter"; cat list.out
fi
finish cmd_cli_test
