#!/usr/bin/env bash
# Checks a scale-out example: starts a redis-server of its own on a free port and two
# `cellflow worker` processes for CELL of CONFIG (pointed at that server), then
#  - without BODY: runs the config with `cellflow run`, expects the 40 numbers 0..39 back in
#    order (examples/configs/remote_workers.json) and both workers to have done items;
#  - with BODY: serves the config with only its remote clones (no local ones), POSTs BODY to its
#    model and expects status 200 and each EXPECTED text (scripts/check-served.sh), done by the
#    workers.
# Stops everything.
# usage: check-remote-example.sh CELLFLOW CONFIG CELL [BODY EXPECTED...]
set -euo pipefail
cellflow=$1 source_config=$2 cell=$3
shift 3
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
  --logfile "$dir/redis.log" &
pids+=($!)
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
config="$dir/$(basename "$source_config")"
queue=$(python3 - "$source_config" "$config" "redis://127.0.0.1:$port" "$cell" "$#" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
for cell in config["cells"]:
    if "remote" not in cell:
        continue
    cell["remote"]["redis"] = sys.argv[3]
    if cell["name"] == sys.argv[4]:
        queue = cell["remote"]["queue"]
        if sys.argv[5] != "0":
            cell.pop("clones", None)  # served: the workers do every item
json.dump(config, open(sys.argv[2], "w"))
print(queue)
PY
)
for _ in 1 2; do
  "$cellflow" worker --config "$config" --cell "$cell" --clones 2 >/dev/null &
  pids+=($!)
done
for _ in $(seq 600); do
  [ "$(redis-cli -p "$port" KEYS "cellflow:worker:$queue:*" | grep -c .)" -ge 2 ] && break
  sleep 0.05
done
if [ "$#" -eq 0 ]; then
  output=$("$cellflow" run --config "$config")
  expected=$(seq 0 39 | sed 's/.*/{"y":&}/')
  [ "$output" = "$expected" ] || { echo "error: outputs not 0..39 in order:"; echo "$output"; exit 1; } >&2
else
  model=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["name"])' "$config")
  bash "$(dirname "$0")/check-served.sh" "$model" "$@" -- "$cellflow" serve --config "$config" --port 0
fi
sleep 1.2  # one heartbeat
total=0
for key in $(redis-cli -p "$port" KEYS "cellflow:worker:$queue:*"); do
  info=$(redis-cli -p "$port" GET "$key")
  echo "worker $info"
  items=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["items"])' "$info")
  total=$((total + items))
  if [ "$#" -eq 0 ] && [ "$items" -eq 0 ]; then echo "error: a worker did no item" >&2; exit 1; fi
done
[ "$total" -gt 0 ] || { echo "error: the workers did no item" >&2; exit 1; }
echo "check-remote-example: ok (answers checked, $total items done by 2 workers)"
