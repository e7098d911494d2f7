#!/usr/bin/env bash
# Checks a `cellflow run` example: runs CMD, shows its JSON lines, expects exit status 0, exactly
# LINES lines on stdout, and every EXPECTED text somewhere in them.
# usage: check-run.sh LINES EXPECTED... -- CMD [ARGS...]
set -euo pipefail
source "$(dirname "$0")/lib/serving.sh"  # expect_in
lines=$1
shift
expected=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do expected+=("$1"); shift; done
[ "${1:-}" = "--" ] || { echo "usage: check-run.sh LINES EXPECTED... -- CMD" >&2; exit 2; }
shift
output=$("$@")
echo "$output"
count=$(printf '%s\n' "$output" | grep -c . || true)
[ "$count" -eq "$lines" ] || { echo "error: expected $lines lines, got $count" >&2; exit 1; }
for text in "${expected[@]}"; do expect_in "$text" "$output"; done
echo "check-run: ok"
