#!/usr/bin/env bash
# Checks a served example end to end: starts CMD (which must print "listening on http://H:P"),
# waits until ready, POSTs BODY to /v2/models/MODEL/infer, expects status 200 and every EXPECTED
# text in the response, then stops CMD with SIGTERM and expects exit status 0.
# usage: check-served.sh MODEL BODY EXPECTED... -- CMD [ARGS...]
#   BODY is a JSON string, or @FILE for a file's content.
set -euo pipefail
source "$(dirname "$0")/lib/serving.sh"
model=$1 body=$2
shift 2
expected=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do expected+=("$1"); shift; done
[ "${1:-}" = "--" ] || { echo "usage: check-served.sh MODEL BODY EXPECTED... -- CMD" >&2; exit 2; }
shift
log=$(mktemp)
start_server "$log" "$@"
response=$(curl -s -w '\nstatus %{http_code}' "$SERVER_URL/v2/models/$model/infer" \
  -H 'Content-Type: application/json' --data-binary "$body")
echo "$response"
expect_in "status 200" "$response"
for text in "${expected[@]}"; do expect_in "$text" "$response"; done
stop_server
rm -f "$log"
echo "check-served: ok"
