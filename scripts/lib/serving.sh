# Shell helpers to start a serving command in the background, wait until it is ready, query it
# and stop it gracefully. Sourced by demo.sh and check-served.sh.

# start_server LOG CMD...: runs CMD in the background (output in LOG); sets SERVER_PID and
# SERVER_URL once CMD printed "listening on http://HOST:PORT" and /v2/health/ready answers 200.
start_server() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT  # never leave it behind on a failure
  SERVER_URL=""
  for _ in $(seq 1200); do
    SERVER_URL=$(grep -o 'listening on http://[^ ]*' "$log" | head -1 | cut -d' ' -f3 || true)
    [ -n "$SERVER_URL" ] && curl -sf "$SERVER_URL/v2/health/ready" >/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "error: server exited:" >&2; cat "$log" >&2; return 1; }
    sleep 0.1
  done
  echo "error: server not ready after 120 s:" >&2
  cat "$log" >&2
  return 1
}

# stop_server: SIGTERM, then expects a graceful exit with status 0.
stop_server() {
  kill -TERM "$SERVER_PID"
  local status=0
  wait "$SERVER_PID" || status=$?
  trap - EXIT
  [ "$status" -eq 0 ] || { echo "error: server exited with status $status" >&2; return 1; }
}

# expect_in TEXT RESPONSE: fails naming both when RESPONSE lacks TEXT.
expect_in() {
  case "$2" in
    *"$1"*) return 0 ;;
    *) echo "error: expected '$1' in: $2" >&2; return 1 ;;
  esac
}
