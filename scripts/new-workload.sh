#!/bin/sh
# new-workload.sh - write a compiling skeleton of a new workload.
#
#   scripts/new-workload.sh NAME
#       built-in: writes workloads/NAME.c and adds its two lines (X(NAME)
#       in workloads/workloads.h, 'NAME.c' in workload_sources in
#       workloads/meson.build). Every edit is made in a temporary copy
#       and checked first; only then are all of them written, so a
#       failure leaves the tree as it was.
#   scripts/new-workload.sh --plugin NAME [-o FILE]
#       plugin: writes FILE (default ./NAME.c) exporting poolbench_workload,
#       and prints the two commands that build and run it: the compiler
#       flags come from pkg-config (an installed poolbench.pc, else the
#       build tree's build/meson-uninstalled/poolbench-uninstalled.pc),
#       else -I pointing at this clone's workloads/. The build tree is
#       build/ unless POOLBENCH_BUILD_DIR names another.
#   scripts/new-workload.sh -o FILE NAME
#       built-in form into FILE only; no list is edited.
#
# --help prints the usage and exits 0. Exits 2 with a message on bad
# usage, a bad name, or a name in use.
set -eu

usage_text() {
    cat <<USAGE
usage: $0 [--plugin] [-o FILE] NAME
  NAME          the workload's name: lower-case letters, digits and _,
                starting with a letter (it becomes a C identifier)
  --plugin      write a plugin (./NAME.c) instead of a built-in workload
                (workloads/NAME.c, listed in workloads/workloads.h and
                workloads/meson.build)
  -o FILE       write the skeleton to FILE; no list is edited
  -h, --help    this help
A plugin in three commands (docs/workloads.md, "Plugins"):
  $0 --plugin NAME
  cc -shared -fPIC \$(pkg-config --cflags poolbench) -o NAME.so NAME.c
  poolbench run --plugin ./NAME.so -w NAME
(this script prints the exact second and third commands for this tree)
USAGE
}

# Bad usage: one line naming the problem and what is accepted, exit 2.
usage() {
    echo "$0: $1; usage: $0 [--plugin] [-o FILE] NAME (--help tells more)" >&2
    exit 2
}

plugin=0
out=
name=
while [ $# -gt 0 ]; do
    case $1 in
    --plugin) plugin=1 ;;
    -o) [ $# -ge 2 ] || usage "-o needs a file name"; out=$2; shift ;;
    -h|--help) usage_text; exit 0 ;;
    -*) usage "unknown option $1" ;;
    *) [ -z "$name" ] || usage "one NAME only, not '$name' and '$1'"
       name=$1 ;;
    esac
    shift
done
[ -n "$name" ] || usage "NAME is missing"
case $name in
[a-z]*) ;;
*) echo "$0: name '$name' must start with a lower-case letter" >&2; exit 2 ;;
esac
if [ -n "$(printf '%s' "$name" | tr -d 'a-z0-9_')" ]; then
    echo "$0: name '$name' may hold only a-z, 0-9 and _" >&2
    exit 2
fi

root=$(cd "$(dirname "$0")/.." && pwd)
edit_lists=0
if [ -z "$out" ]; then
    if [ $plugin -eq 1 ]; then
        out=./$name.c
    else
        out=$root/workloads/$name.c
        edit_lists=1
    fi
fi
if [ -e "$out" ]; then
    echo "$0: $out exists; not overwriting it" >&2
    exit 2
fi
if [ $edit_lists -eq 1 ] &&
   grep -q "X($name)" "$root/workloads/workloads.h"; then
    echo "$0: workload '$name' is already in workloads/workloads.h" >&2
    exit 2
fi

if [ $plugin -eq 1 ]; then
    symbol=poolbench_workload
    form="a plugin: build it with
 *     cc -shared -fPIC \$(pkg-config --cflags poolbench) -o $name.so $name.c
 * (in a build tree: PKG_CONFIG_PATH=build/meson-uninstalled) and run it
 * with poolbench run --plugin ./$name.so -w $name"
else
    symbol=wl_$name
    form="built in: listed in workloads/workloads.h and workloads/meson.build"
fi

# The two list edits, made in temporary copies and checked before
# anything is written: either every file is written, or none.
if [ $edit_lists -eq 1 ]; then
    h=$root/workloads/workloads.h
    m=$root/workloads/meson.build
    trap 'rm -f "$h.new.$$" "$m.new.$$"' EXIT
    # Append X($name) to the list: the last X(...) line gains a backslash.
    awk -v name="$name" '
        /^#define WORKLOADS\(X\)/ { inlist = 1 }
        inlist && /^[ \t]*X\([a-z0-9_]+\)[ \t]*$/ {
            sub(/[ \t]+$/, "")
            printf "%-20s \\\n", $0
            printf "    X(%s)\n", name
            inlist = 0
            next
        }
        { print }
    ' "$h" > "$h.new.$$"
    # Add 'NAME.c' at the end of workload_sources = files(...).
    awk -v name="$name" '
        /^workload_sources = files\(/ { inlist = 1 }
        inlist && /^\)/ {
            printf "  '\''%s.c'\'',\n", name
            inlist = 0
        }
        { print }
    ' "$m" > "$m.new.$$"
    if ! grep -q "^    X($name)\$" "$h.new.$$"; then
        echo "$0: cannot find the WORKLOADS(X) list in $h; nothing" \
             "written" >&2
        exit 1
    fi
    if ! grep -q "^  '$name.c',\$" "$m.new.$$"; then
        echo "$0: cannot find 'workload_sources = files(' in $m;" \
             "nothing written" >&2
        exit 1
    fi
fi

cat > "$out" <<SKELETON
/* $name.c - TODO: what this workload models, in one line.
 *
 * This is $form.
 *
 * Task i: TODO (the skeleton sums the squares 1..n, plus i).
 * Value of task i: TODO (the skeleton: i + sum of k^2 for k in 1..n,
 * mod 2^64). Document it so that anyone can recompute the checksum.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "workload.h"

/* Parameters, in declaration order: prepare() finds them parsed and
 * range-checked in setup->args[P_...]. */
enum { P_N };

static const struct wl_param ${name}_params[] = {
    { "n", WL_PARAM_INT, "1000", "terms per task", 1, 100000000, NULL },
    { 0 },
};

/* Everything tasks read. Built in the parent before any worker exists;
 * threads share it and forked workers inherit a copy, so run_task must
 * only read it (shared writes go in memory mapped MAP_SHARED). */
struct ${name}_state {
    uint64_t n;
};

static int ${name}_prepare(struct wl_setup *s)
{
    struct ${name}_state *st = malloc(sizeof(*st));
    if (st == NULL) {
        snprintf(s->err, s->err_len, "out of memory");
        return -1;
    }
    st->n = (uint64_t)s->args[P_N].i;
    s->state = st;
    s->ntasks_out = s->ntasks; /* -n, or default_tasks below */
    return 0;
}

/* Called concurrently from many workers: no allocation, no globals. */
static void ${name}_run(void *state, void *wstate, uint64_t i,
                        struct task_result *out)
{
    (void)wstate;
    const struct ${name}_state *st = state;
    uint64_t sum = i;
    for (uint64_t k = 1; k <= st->n; k++)
        sum += k * k;
    out->value = sum;
    /* On failure: out->status = TASK_ERROR; out->error = errno; */
}

static void ${name}_release(void *state)
{
    free(state);
}

const struct workload $symbol = {
    .abi = WORKLOAD_ABI,
    .name = "$name",
    .summary = "TODO: what it models, one line",
    .value_doc = "i + sum of k^2 for k in 1..n (TODO)",
    .params = ${name}_params,
    .default_tasks = 1000,
    .prepare = ${name}_prepare,
    .run_task = ${name}_run,
    .release = ${name}_release,
    /* Optional hooks, NULL when unused: before_rep, worker_init,
     * worker_fini, after_rep (see workload.h). */
};
SKELETON
echo "wrote $out"

if [ $edit_lists -eq 1 ]; then
    mv "$h.new.$$" "$h"
    mv "$m.new.$$" "$m"
    echo "added X($name) to workloads/workloads.h and" \
         "'$name.c' to workloads/meson.build"
    echo "next: ninja -C build && build/poolbench run -w $name -e serial"
elif [ $plugin -eq 1 ]; then
    # The flags and the binary: this clone's build tree first (its
    # uninstalled .pc and build/poolbench match this header), then an
    # installed poolbench, then the header's folder itself. Paths are
    # relative when run from the top of the clone, else absolute.
    here=$(pwd)
    build=${POOLBENCH_BUILD_DIR:-$root/build}
    case $build in /*) ;; *) build=$here/$build ;; esac
    shown=$build
    if [ "$here" = "$root" ]; then
        rel=
        case $build in "$root"/*) shown=${build#"$root"/} ;; esac
    else
        rel=$root/
    fi
    have_pc=0
    command -v pkg-config > /dev/null 2>&1 && have_pc=1
    if [ $have_pc -eq 1 ] &&
       [ -f "$build/meson-uninstalled/poolbench-uninstalled.pc" ]; then
        flags="\$(PKG_CONFIG_PATH=$shown/meson-uninstalled"
        flags="$flags pkg-config --cflags poolbench)"
    elif [ $have_pc -eq 1 ] && pkg-config --exists poolbench 2> /dev/null
    then
        flags='$(pkg-config --cflags poolbench)'
    else
        flags="-I${rel}workloads"
    fi
    if [ -x "$build/poolbench" ]; then
        pb=$shown/poolbench
    else
        pb=poolbench
    fi
    so=${out%.c}.so
    case $so in */*) ;; *) so=./$so ;; esac
    echo "next: cc -shared -fPIC $flags -o $so $out"
    echo "      $pb run --plugin $so -w $name -e serial -n 100 -r 1"
fi
