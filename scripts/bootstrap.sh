#!/bin/sh
# bootstrap.sh - install the Debian packages poolbench needs, if missing.
#
# As root: apt-get installs what is missing (after one apt-get update).
# Otherwise: prints the one command to run and exits 1. Does nothing when
# everything is present. Extra package names may be given as arguments
# (make test adds the sanitizer and fuzzing runtimes).
set -eu

packages="meson ninja-build pkg-config gcc libc6-dev libcjson-dev libyajl-dev \
libssl-dev gnuplot-nox hyperfine libcmocka-dev libsqlite3-dev libpq-dev \
postgresql python3 python3-yaml git procps util-linux $*"

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
        grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "poolbench: missing Debian packages:$missing" >&2
    echo "run: sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "poolbench: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
