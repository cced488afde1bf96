#!/bin/sh
# pg_server.sh - a private PostgreSQL server for the history tests (#22):
# initdb in a folder of its own, listening only on a Unix socket in that
# folder (no network), trust authentication for user poolbench. As root
# (CI) the server runs as an unprivileged user (PG_USER, default nobody),
# which owns the folder: PostgreSQL refuses to run as root.
#
#   pg_server.sh start DIR   start a server in DIR (empty or missing);
#                            prints its URL (postgresql:///postgres?...)
#   pg_server.sh stop DIR    stop it (fast shutdown)
#   pg_server.sh newdb       a new empty database on $POOLBENCH_TEST_PG;
#                            prints its URL
#   pg_server.sh run CMD...  run CMD with POOLBENCH_TEST_DB_BACKEND=pg and
#                            POOLBENCH_TEST_PG set: the server given in
#                            POOLBENCH_TEST_PG, else a private one started
#                            for CMD and stopped after
#
# A server that cannot start is a failure (exit 1 with the reason), never
# a skipped test: the PostgreSQL backend must be tested where it is built.
set -eu

die() {
    echo "pg_server.sh: $*" >&2
    exit 1
}

# initdb and pg_ctl: Debian keeps them in /usr/lib/postgresql/VERSION/bin
# and puts no symlink on PATH.
bindir() {
    if [ -n "${PG_BINDIR:-}" ]; then
        echo "$PG_BINDIR"
        return
    fi
    d=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -n 1)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then
        echo "$d"
        return
    fi
    i=$(command -v initdb 2> /dev/null) ||
        die "no initdb: install Debian's postgresql (scripts/bootstrap.sh)"
    dirname "$i"
}

# Run "$@" as the server's user.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "${PG_USER:-nobody}" -- "$@"
    else
        "$@"
    fi
}

start() {
    dir=$1
    bin=$(bindir)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    # The socket path must fit in sun_path (107 bytes).
    [ ${#dir} -lt 80 ] || die "$dir: too long for a Unix socket path"
    if [ "$(id -u)" -eq 0 ]; then
        chown "${PG_USER:-nobody}" "$dir"
    fi
    chmod 0755 "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U poolbench --auth=trust \
        -E UTF8 --locale=C --no-sync > "$dir/initdb.log" 2>&1 ||
        die "initdb failed: $(tail -n 3 "$dir/initdb.log" | tr '\n' ' ')"
    # A throwaway server: no fsync (the tests kill clients, not it).
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses= -k $dir -c fsync=off -c max_connections=60" \
        start > /dev/null 2>&1 ||
        die "the server did not start: $(tail -n 3 "$dir/server.log" |
            tr '\n' ' ')"
    echo "postgresql:///postgres?host=$dir&user=poolbench"
}

stop() {
    dir=$1
    [ -d "$dir/data" ] || return 0
    as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w stop \
        > /dev/null 2>&1 || true
}

# A database named after the time and this process on the server of
# POOLBENCH_TEST_PG (a URL this script printed).
newdb() {
    url=${POOLBENCH_TEST_PG:?POOLBENCH_TEST_PG must name a server}
    name=pb_$(date +%s%N)_$$
    psql -X -q -v ON_ERROR_STOP=1 "$url" -c "CREATE DATABASE $name" \
        > /dev/null || die "cannot create a database on $url"
    echo "$url" | sed "s|^\(postgres[a-z]*://[^/]*/\)[^?]*|\1$name|"
}

run() {
    export POOLBENCH_TEST_DB_BACKEND=pg
    if [ -n "${POOLBENCH_TEST_PG:-}" ]; then
        "$@"
        return
    fi
    pgdir=$(mktemp -d /tmp/pb-pg-XXXXXX)
    trap 'stop "$pgdir"; rm -rf "$pgdir"' EXIT
    trap 'exit 130' INT TERM
    POOLBENCH_TEST_PG=$(start "$pgdir") || exit 1
    export POOLBENCH_TEST_PG
    rc=0
    "$@" || rc=$?
    return $rc
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
    start) [ $# -eq 1 ] || die "usage: start DIR"; start "$1" ;;
    stop) [ $# -eq 1 ] || die "usage: stop DIR"; stop "$1" ;;
    newdb) newdb ;;
    run) [ $# -ge 1 ] || die "usage: run CMD..."; run "$@" ;;
    *) die "usage: pg_server.sh start DIR | stop DIR | newdb | run CMD..." ;;
esac
