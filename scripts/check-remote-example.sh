#!/usr/bin/env bash
# Checks the scale-out example: starts a redis-server of its own on a free port, two
# `cellflow worker` processes for cell 'work' of examples/configs/remote_workers.json (pointed
# at that server), runs the config with `cellflow run`, and expects the 40 numbers back in order
# with both workers having done items. Stops everything.
# usage: check-remote-example.sh CELLFLOW CONFIG
set -euo pipefail
cellflow=$1 source_config=$2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
  --logfile "$dir/redis.log" &
pids+=($!)
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
config="$dir/remote_workers.json"
python3 - "$source_config" "$config" "redis://127.0.0.1:$port" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
for cell in config["cells"]:
    if "remote" in cell:
        cell["remote"]["redis"] = sys.argv[3]
json.dump(config, open(sys.argv[2], "w"))
PY
for _ in 1 2; do
  "$cellflow" worker --config "$config" --cell work --clones 2 >/dev/null &
  pids+=($!)
done
for _ in $(seq 200); do
  [ "$(redis-cli -p "$port" KEYS 'cellflow:worker:work:*' | grep -c .)" -ge 2 ] && break
  sleep 0.05
done
output=$("$cellflow" run --config "$config")
expected=$(seq 0 39 | sed 's/.*/{"y":&}/')
[ "$output" = "$expected" ] || { echo "error: outputs not 0..39 in order:"; echo "$output"; exit 1; } >&2
sleep 1.2  # one heartbeat
for key in $(redis-cli -p "$port" KEYS 'cellflow:worker:work:*'); do
  info=$(redis-cli -p "$port" GET "$key")
  echo "worker $info"
  case "$info" in *'"items":0'*) echo "error: a worker did no item" >&2; exit 1 ;; esac
done
echo "check-remote-example: ok (40 outputs in order, shared by 2 workers)"
