#!/usr/bin/env bash
# Checks a durable-streams example: starts a redis-server of its own on a free port (in a temp
# dir, no persistence), puts FILE into stream IN (field data) COUNT times, runs
#   CELLFLOW run --config CONFIG --set SOURCE.redis=URL --set SOURCE.follow=false
#                --set SINK.redis=URL
# and expects COUNT entries on stream OUT, each containing EXPECTED. Stops the server.
# usage: check-redis-example.sh CELLFLOW CONFIG SOURCE IN SINK OUT FILE COUNT EXPECTED
set -euo pipefail
cellflow=$1 config=$2 source=$3 in=$4 sink=$5 out=$6 file=$7 count=$8 expected=$9
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
  --logfile "$dir/redis.log" &
redis_pid=$!
trap 'kill -9 $redis_pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
for _ in $(seq "$count"); do redis-cli -p "$port" -x XADD "$in" '*' data < "$file" >/dev/null; done
url="redis://127.0.0.1:$port"
"$cellflow" run --config "$config" --set "$source.redis=$url" --set "$source.follow=false" \
  --set "$sink.redis=$url"
got=$(redis-cli -p "$port" XLEN "$out")
[ "$got" -eq "$count" ] || { echo "error: $count entries expected on '$out', got $got" >&2; exit 1; }
first=$(redis-cli -p "$port" --no-raw XRANGE "$out" - + COUNT 1)
echo "$out[0]: $first"
case "$first" in *"$expected"*) ;; *) echo "error: '$expected' not in $first" >&2; exit 1 ;; esac
pending=$(redis-cli -p "$port" XPENDING "$in" "$(redis-cli -p "$port" --raw XINFO GROUPS "$in" | sed -n 2p)" | head -1)
[ "$pending" -eq 0 ] || { echo "error: $pending entries of '$in' not acknowledged" >&2; exit 1; }
echo "check-redis-example: ok ($count entries, all acknowledged)"
