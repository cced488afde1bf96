#!/bin/sh
# pyfunc_cli_test.sh - the pyfunc workload through `poolbench run`: a real
# function from a temporary module under all five Python executors gives
# the checksum a separate Python computes from the documented value (the
# index, lines of a list and files of a tree as items); an exception on
# some items, an import error, a return value that has no stable digest
# and a hanging function (with --timeout) fail the row with the reason;
# native executors and a missing --python interpreter are refused up
# front (exit 2, one line).
set -u
. "$(dirname "$0")/cli_lib.sh"
PB=${POOLBENCH:?POOLBENCH must name the poolbench binary}
if ! command -v python3 > /dev/null; then
    echo "no python3: skipped"
    exit 77
fi
work=$(mktemp -d /tmp/pb-pyfunc-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
PY_ALL=py-serial,py-pool,py-threadpool,py-tpe,py-ppe
COMMON="-j 2 -r 1 --warmup 0 --min-time 0 --no-progress"

check() {
    python3 - "$1" "$2" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["results"]
if not eval("(" + sys.argv[2] + ")"):
    for r in rows:
        print(r["executor"], r["mode"], r["tasks"], r["errors"],
              r.get("errors_by_kind"), r["checksum"], r["failure"])
    sys.exit(1)
PY
}

mkdir mods
cat > mods/work.py <<'EOF'
import functools, hashlib, time

def fact(i):
    # the seed's reduce, a different n per item
    return functools.reduce(lambda x, y: x * y, range(1, 200 + i % 5))

def shapes(x):
    return (x, [x, None, True, 1.5], {"b": 2, "a": x}, {3, 1, 2}, b"\x00z")

def md5(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()

def noisy(i):
    # prints on stdout and stderr, reads stdin: none may disturb poolbench
    print("item", i, "\x00\x01 R D E V", flush=True)
    import sys
    print("warning", i, file=sys.stderr)
    sys.stdin.read()  # /dev/null: not poolbench's commands
    return fact(i)

def flaky(i):
    if i % 4 == 1:
        raise ValueError("item %d is bad" % i)
    return i

def opaque(i):
    return object()

def hang(i):
    if i == 3:
        time.sleep(3600)
    return i
EOF
printf 'def f(i):\n    return i +\n' > mods/broken.py

# expect FUNC ITEMS [SRC]: sum of the first 8 bytes of sha256(canon(f(x)))
# with canon written again here from the docs.
expect() {
    python3 - "$@" <<'PY'
import hashlib, os, sys
sys.path.insert(0, "mods")
import work
f, kind = getattr(work, sys.argv[1]), sys.argv[2]

def canon(v):
    t = type(v)
    if v is None or t in (bool, int, float, str, bytes):
        return repr(v)
    if t is tuple:
        return "(" + ", ".join(map(canon, v)) + ("," if len(v) == 1
                                                 else "") + ")"
    if t is list:
        return "[" + ", ".join(map(canon, v)) + "]"
    if t is dict:
        return "{" + ", ".join(sorted(canon(k) + ": " + canon(x)
                                      for k, x in v.items())) + "}"
    return "{" + ", ".join(sorted(map(canon, v))) + "}"

if kind == "index":
    items = range(int(sys.argv[3]))
elif kind == "lines":
    items = open(sys.argv[3]).read().split("\n")[:-1]
else:
    src = os.path.realpath(sys.argv[3])
    items = sorted((os.path.join(d, n) for d, _, ns in os.walk(src)
                    for n in ns),
                   key=lambda p: os.path.relpath(p, src).encode())
total = sum(int.from_bytes(hashlib.sha256(canon(f(x)).encode())
                           .digest()[:8], "big") for x in items)
print("%016x" % (total % 2**64))
PY
}

# 1. The index as item, all five executors, both modes: one checksum,
# the independent one.
"$PB" run -w pyfunc -p func=work:fact -p path=mods/work.py -n 60 \
    -e $PY_ALL --mode ordered,unordered --chunk 7 $COMMON -o fact.json \
    > out.txt 2> err.txt
rc=$?
want=$(expect fact index 60)
if [ "$rc" -eq 0 ] && check fact.json 'len(rows) == 1 + 4 * 2 and
        all(r["failure"] is None and r["errors"] == 0 and
            r["checksum"] == "'"$want"'" for r in rows)'; then
    ok
else
    bad "work:fact under $PY_ALL (exit $rc, want $want)"; cat err.txt
fi

# Its baseline is py-serial: every row has a speedup against it, and the
# summary says so.
"$PB" show fact.json > show.txt 2>&1
if check fact.json 'all(r["speedup"] is not None for r in rows) and
        [r["speedup"] for r in rows if r["executor"] == "py-serial"]
            == [1]' &&
   grep -q "^pyfunc .*py-serial [0-9.]* [mu]*s)" show.txt &&
   grep -q "\(than\|speed of\) py-serial\|py-serial is fastest" show.txt
then
    ok
else
    bad "pyfunc rows are not measured against py-serial"; cat show.txt
fi

# A function that prints (stdout, stderr) and reads stdin gives the same
# results.
"$PB" run -w pyfunc -p func=work:noisy -p path=mods/work.py -n 60 \
    -e py-serial,py-pool,py-ppe $COMMON -o noisy.json > out.txt 2> err.txt
want=$(expect fact index 60)
if check noisy.json 'len(rows) == 3 and all(r["failure"] is None and
        r["checksum"] == "'"$want"'" for r in rows)'; then
    ok
else
    bad "a function that prints broke the run"; cat err.txt
fi

# 2. Containers, lines as items, and a module found through path=DIR.
printf 'one\ntwo\n\nfour\n' > lines.txt
"$PB" run -w pyfunc -p func=work:shapes -p path=mods -p list=lines.txt \
    -e py-serial,py-pool,py-tpe $COMMON -o shapes.json > out.txt 2> err.txt
want=$(expect shapes lines lines.txt)
if check shapes.json 'len(rows) == 3 and all(r["tasks"] == 4 and
        r["checksum"] == "'"$want"'" for r in rows)'; then
    ok
else
    bad "work:shapes over lines (want $want)"; cat err.txt
fi

# 3. Files of a tree as items (the seed's md5 of a tree, in Python).
mkdir -p tree/d
printf 'x\n' > tree/a
printf 'y\n' > tree/d/b
head -c 50000 /dev/urandom > tree/d/c
"$PB" run -w pyfunc -p func=work:md5 -p path=mods/work.py \
    -p dir="$work/tree" -e py-serial,py-threadpool,py-ppe $COMMON \
    -o md5.json > out.txt 2> err.txt
want=$(expect md5 files tree)
if check md5.json 'len(rows) == 3 and all(r["tasks"] == 3 and
        r["checksum"] == "'"$want"'" for r in rows)'; then
    ok
else
    bad "work:md5 over a tree (want $want)"; cat err.txt
fi

# 4. Failures give a failed row with the reason, exit 3.
# fail FUNC EXTRA-OPTS NEEDLE
fail() {
    func=$1 opts=$2 needle=$3
    # shellcheck disable=SC2086
    "$PB" run -w pyfunc -p func="$func" -p path=mods/$4 -n 8 \
        -e py-serial,py-pool,py-ppe $COMMON $opts -o fail.json \
        > out.txt 2> err.txt
    rc=$?
    if [ "$rc" -eq 3 ] && check fail.json 'len(rows) == 3 and
            all(r["failure"] is not None and
                "'"$needle"'" in r["failure"] for r in rows)'; then
        ok
    else
        bad "$func: exit $rc, or a row without '$needle'"; cat err.txt
    fi
}
fail work:flaky "" "raised ValueError: item" work.py
fail broken:f "" "SyntaxError" broken.py
fail work:nothere "" "has no attribute 'nothere'" work.py
fail work:opaque "" "returned a object" work.py
fail work:hang "--timeout 3" "time limit" work.py
"$PB" run -w pyfunc -p func=nosuchmodule:f -n 2 -e py-serial $COMMON \
    -o nomod.json > /dev/null 2>&1
if check nomod.json '"ModuleNotFoundError" in rows[0]["failure"]'; then
    ok
else
    bad "an import error is not the row's reason"
fi

# 5. Refused up front.
if check_usage "runs only under the Python executors py-serial" "$PB" run \
    -w pyfunc -p func=work:fact -p path=mods -e serial,threads -n 2 -r 1
then ok; fi
if check_usage "expected MODULE:FUNCTION" "$PB" run -w pyfunc \
    -p func=work.fact -e py-serial -n 2 -r 1; then ok; fi
if check_usage "--python $work/none" "$PB" run -w pyfunc \
    -p func=work:fact -p path=mods -e py-serial --python "$work/none" \
    -n 2 -r 1; then ok; fi
if check_usage "path=$work/missing.py" "$PB" run -w pyfunc \
    -p func=work:fact -p path="$work/missing.py" -e py-serial -n 2 -r 1
then ok; fi

# 6. --python names the interpreter: a free-threaded one when installed.
py=$(command -v python3)
"$PB" run -w pyfunc -p func=work:fact -p path=mods -n 10 -e py-serial \
    --python "$py" $COMMON -o interp.json > out.txt 2> err.txt
if check interp.json 'rows[0]["errors"] == 0 and rows[0]["failure"] is None'
then
    ok
else
    bad "--python $py"; cat err.txt
fi
for ft in python3.13t python3.14t; do
    command -v "$ft" > /dev/null || continue
    "$PB" run -w pyfunc -p func=work:fact -p path=mods -n 20 \
        -e py-serial,py-tpe --python "$ft" $COMMON -o ft.json \
        > out.txt 2> err.txt
    want=$(expect fact index 20)
    if check ft.json 'all(r["checksum"] == "'"$want"'" for r in rows)'; then
        ok
    else
        bad "--python $ft"; cat err.txt
    fi
done
finish pyfunc_cli_test
