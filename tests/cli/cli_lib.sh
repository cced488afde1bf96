# cli_lib.sh - what the CLI test scripts share: the counters, ok and bad,
# the usage-error check and the closing line. Sourced, not run:
#     . "$(dirname "$0")/cli_lib.sh"
pass=0
failed=0

ok() { pass=$((pass + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# check_usage NEEDLE CMD...: CMD exits 2 with one stderr line containing
# NEEDLE. Returns 0 if so (the caller adds its own checks, then ok), or
# counts a failure and returns 1. Leaves out.txt and err.txt behind.
check_usage() {
    needle=$1
    shift
    "$@" > out.txt 2> err.txt
    rc=$?
    if [ "$rc" -ne 2 ]; then
        bad "exit $rc, not 2: $*"; cat err.txt; return 1
    fi
    if [ "$(wc -l < err.txt)" -ne 1 ]; then
        bad "stderr has $(wc -l < err.txt) lines, not 1: $*"; cat err.txt
        return 1
    fi
    if ! grep -qF -- "$needle" err.txt; then
        bad "stderr lacks '$needle': $*: $(cat err.txt)"; return 1
    fi
    return 0
}

# finish NAME: the script's closing line; its status is the script's.
finish() {
    echo "$1: $pass passed, $failed failed"
    [ "$failed" -eq 0 ]
}
