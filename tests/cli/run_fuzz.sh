#!/bin/sh
# run_fuzz.sh FUZZER SECONDS FIXTURES - a bounded libFuzzer run seeded with
# every fixture (good and bad results files). New interesting inputs go to
# a scratch folder; a crash leaves crash-* in the current folder and fails.
set -eu
fuzzer=$1 seconds=$2 fixtures=$3
scratch=$(mktemp -d /tmp/pb-fuzz-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 "$scratch" "$fixtures"/good "$fixtures"/bad
