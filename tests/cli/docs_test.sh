#!/bin/sh
# docs_test.sh - the manual against the program: every command and every
# long option that `poolbench --help` and `poolbench COMMAND --help` print
# is in the man page, the man page renders without warnings, README.md
# stays a quick start (<= 12 KiB) whose docs/ links exist, and the three
# plugin commands of docs/workloads.md work in this build tree and after
# `meson install --destdir`.
#
# Environment: POOLBENCH (the binary), SOURCE_DIR, BUILD_DIR.
. "$(dirname "$0")/cli_lib.sh"

PB=${POOLBENCH:?POOLBENCH not set}
SRC=${SOURCE_DIR:?SOURCE_DIR not set}
MAN=$SRC/docs/poolbench.1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
umask 022

# The man page's words, with roff escapes undone: \- is -, \fB is bold.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$MAN" > man.txt

# Every command of `poolbench --help` has an entry.
"$PB" --help > help.txt
cmds=$(sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\)  .*/\1/p' help.txt)
[ -n "$cmds" ] && ok || bad "no commands found in poolbench --help"
for c in $cmds; do
    if grep -q "^\.B $c\$" man.txt; then ok
    else bad "command '$c' of poolbench --help is not in poolbench.1"; fi
done

# Every long option of every command's --help is in the page.
for c in $cmds; do
    "$PB" "$c" --help > "h-$c.txt" 2>&1 ||
        bad "poolbench $c --help exits $?"
    for o in $(grep -o -- '--[a-z][a-z0-9-]*' "h-$c.txt" | sort -u); do
        if grep -q -- "$o\([^a-z0-9-]\|\$\)" man.txt; then ok
        else bad "'$c $o' (from poolbench $c --help) is not in poolbench.1"
        fi
    done
done

# Every executor of the table (poolbench list) is in `run --help` and in
# the page: help and page cannot miss one the table gained.
"$PB" list > list.txt
execs=$(awk '/^executors:/ { on = 1; next } on && NF { print $1 }' list.txt)
[ "$(echo "$execs" | wc -w)" -ge 5 ] && ok ||
    bad "poolbench list names too few executors: $execs"
for e in $execs; do
    grep -q -- "[ ,]$e\([, ]\|\$\)" h-run.txt && ok ||
        bad "executor '$e' (poolbench list) is not in poolbench run --help"
    grep -q -- "^\.BR.* $e\([ ,]\|\$\)\|^\.BR $e\([ ,]\|\$\)" man.txt && ok ||
        bad "executor '$e' (poolbench list) is not in poolbench.1"
done

# Every table format `show --help` names draws the table (a format row
# added to render/table.c's formats[] is exercised here).
fmts=$(sed -n 's/.*--format \([a-z|]*\)\].*/\1/p' h-show.txt | head -1 |
       tr '|' ' ')
[ "$(echo "$fmts" | wc -w)" -ge 4 ] && ok ||
    bad "show --help names too few formats: '$fmts'"
for f in $fmts; do
    "$PB" show --table --format "$f" "$SRC/tests/fixtures/good/serial.json" \
        > "show-$f.txt" 2> err.txt && grep -q serial "show-$f.txt" && ok ||
        bad "show --format $f: $(head -2 err.txt)"
done

# The page renders without a warning, where a formatter is installed.
if command -v groff > /dev/null; then
    groff -man -Tutf8 -ww -z "$MAN" > render.txt 2>&1
    if [ $? -eq 0 ] && [ ! -s render.txt ]; then ok
    else bad "groff warns on poolbench.1: $(head -3 render.txt)"; fi
elif command -v mandoc > /dev/null; then
    if mandoc -Tlint -Wwarning "$MAN" > render.txt 2>&1; then ok
    else bad "mandoc warns on poolbench.1: $(head -3 render.txt)"; fi
else
    echo "no groff or mandoc: rendering not checked"
fi

# README.md is a quick start, and every docs/ page it links exists.
size=$(wc -c < "$SRC/README.md")
if [ "$size" -le 12288 ]; then ok
else bad "README.md is $size bytes, more than 12288"; fi
links=$(grep -o '](docs/[^)#]*' "$SRC/README.md" | sed 's/^](//' | sort -u)
[ -n "$links" ] && ok || bad "README.md links no docs/ page"
for l in $links; do
    [ -f "$SRC/$l" ] && ok || bad "README.md links $l, which is missing"
done
# Each docs page links only pages that exist.
for page in "$SRC"/docs/*.md; do
    for l in $(grep -o '](\([a-z-]*\.md\)' "$page" | sed 's/^](//'); do
        [ -f "$SRC/docs/$l" ] && ok ||
            bad "$(basename "$page") links $l, which is missing"
    done
done

# new-workload.sh --help is an answer, not an error.
if sh "$SRC/scripts/new-workload.sh" --help > out.txt 2> err.txt &&
   grep -q '^usage:' out.txt && [ ! -s err.txt ]
then ok; else bad "new-workload.sh --help: not usage on stdout, exit 0"; fi
check_usage "unknown option --nope" \
    sh "$SRC/scripts/new-workload.sh" --nope x && ok
check_usage "NAME is missing" sh "$SRC/scripts/new-workload.sh" --plugin &&
    ok

# run_printed DIR NAME: in DIR, run new-workload.sh --plugin NAME and then
# the two commands it prints (the build and the run), as a user would.
run_printed() {
    (cd "$1" && sh "$SRC/scripts/new-workload.sh" --plugin "$2") \
        > "$1/new.txt" 2>&1 || { bad "new-workload.sh --plugin $2"; return 1; }
    build=$(sed -n 's/^next: //p' "$1/new.txt")
    runit=$(sed -n '3s/^ *//p' "$1/new.txt")
    if ! (cd "$1" && eval "$build") > "$1/cc.txt" 2>&1; then
        bad "printed build command failed: $build: $(head -3 "$1/cc.txt")"
        return 1
    fi
    if (cd "$1" && eval "$runit --no-progress -o $2.json") \
           > "$1/run.txt" 2>&1 &&
       grep -q '"workload":[[:space:]]*"'"$2"'"' "$1/$2.json"
    then ok; else bad "printed run command failed: $runit: $(tail -2 \
        "$1/run.txt")"; fi
}

# The three commands in this build tree: the uninstalled .pc has -I.
if [ -n "${BUILD_DIR:-}" ] && command -v pkg-config > /dev/null &&
   command -v cc > /dev/null; then
    flags=$(PKG_CONFIG_PATH=$BUILD_DIR/meson-uninstalled \
            pkg-config --cflags poolbench)
    case $flags in
    *"-I$SRC/workloads"*) ok ;;
    *) bad "uninstalled poolbench.pc: Cflags '$flags' lack $SRC/workloads"
    esac
    mkdir tree
    POOLBENCH_BUILD_DIR=$BUILD_DIR run_printed "$work/tree" docsdemo
    grep -q 'meson-uninstalled pkg-config --cflags' tree/new.txt && ok ||
        bad "new-workload.sh did not print the build tree's pkg-config"

    # After meson install: pkg-config from the installed .pc, with the
    # prefix moved into the destdir, and the installed binary.
    if meson install -C "$BUILD_DIR" --no-rebuild --destdir "$work/inst" \
           > install.txt 2>&1; then
        pc=$(find "$work/inst" -name poolbench.pc | head -1)
        inst_pb=$(find "$work/inst" -type f -name poolbench -perm -u+x |
                  head -1)
        prefix=$(sed -n 's/^prefix=//p' "$pc")
        find "$work/inst" -path '*man1/poolbench.1*' | grep -q . && ok ||
            bad "meson install did not install poolbench.1"
        # Every chart kind's template (the kinds of `poolbench plot
        # --help`, from plot_kinds[]), common.gp and trend.gp are
        # installed: a kind added without its install line fails here.
        kinds=$(sed -n 's/^  \([a-z][a-z]*\)\(-\*\)\{0,1\}  .*/\1/p' \
                h-plot.txt)
        [ "$(echo "$kinds" | wc -w)" -ge 5 ] && ok ||
            bad "poolbench plot --help lists too few chart kinds: $kinds"
        gpdir=$(find "$work/inst" -type d -path '*share/poolbench/scripts' |
                head -1)
        for k in common trend $kinds; do
            [ -n "$gpdir" ] && [ -s "$gpdir/$k.gp" ] && ok ||
                bad "meson install did not install scripts/$k.gp"
        done
        mkdir inst-tree
        sh "$SRC/scripts/new-workload.sh" --plugin -o inst-tree/idemo.c \
            idemo > /dev/null 2>&1
        cflags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config \
                 --define-variable=prefix="$work/inst$prefix" \
                 --cflags poolbench)
        if (cd inst-tree &&
            cc -shared -fPIC $cflags -o idemo.so idemo.c &&
            "$inst_pb" run --plugin ./idemo.so -w idemo -n 100 -r 1 \
                --no-progress -o idemo.json) > inst.txt 2>&1
        then ok; else bad "installed plugin commands ($cflags):" \
            "$(tail -2 inst.txt)"; fi
    else
        bad "meson install: $(tail -3 install.txt)"
    fi
else
    echo "no BUILD_DIR, pkg-config or cc: plugin commands not checked"
fi

finish docs
