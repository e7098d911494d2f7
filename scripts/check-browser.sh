#!/usr/bin/env bash
# Runs a browser test (tests/browser/*.test.mjs, Node + Debian's Chromium) against a server:
# starts CMD (which prints "listening on http://H:P"), waits until ready, runs the test with the
# server's URL as its first argument, then stops CMD with SIGTERM and expects exit status 0.
# usage: check-browser.sh TEST [ARGS...] -- CMD [ARGS...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/serving.sh"
test=$1
shift
args=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do args+=("$1"); shift; done
[ "${1:-}" = "--" ] || { echo "usage: check-browser.sh TEST [ARGS...] -- CMD" >&2; exit 2; }
shift
browser_dir="$here/../tests/browser"
[ -d "$browser_dir/node_modules/playwright-core" ] ||
  (cd "$browser_dir" && npm ci --no-audit --no-fund >/dev/null)
log=$(mktemp)
start_server "$log" "$@"
node "$browser_dir/$test" "$SERVER_URL" "${args[@]}"
stop_server
rm -f "$log"
echo "check-browser: ok"
