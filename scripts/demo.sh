#!/usr/bin/env bash
# The README's main job: a face detection service on real models. Installs what is needed,
# fetches the models, builds the `cellflow` CLI and serves examples/configs/faces.json
# (DecodeImage -> FaceDetector x 2 clones -> DetectionsToJson) on http://127.0.0.1:8080 as a
# KServe v2 model, printing ready-to-paste curl commands that send messi5.jpg. Ctrl-C stops it.
#   --check   serve on a free port, run the printed requests, check the face box came back, stop
#   PORT=9000 bash scripts/demo.sh   another port
set -euo pipefail
cd "$(dirname "$0")/.."
check=false
[ "${1:-}" = "--check" ] && check=true
bash scripts/install-deps.sh --serve
bash scripts/fetch-models.sh
cmake -S . -B build-demo -DCMAKE_BUILD_TYPE=Release -DCELLFLOW_BUILD_TESTS=OFF \
  -DCELLFLOW_BUILD_BENCHMARKS=OFF -DCELLFLOW_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-demo -j"$(nproc)" --target cellflow
cellflow=build-demo/cli/cellflow
config=examples/configs/faces.json
image=/usr/share/doc/opencv-doc/examples/data/messi5.jpg
bash scripts/make-infer-request.sh image "$image" build-demo/messi5
header_length=$(cat build-demo/messi5.header-length)

# The two requests, as printed for the user and as run by --check.
json_request() {
  curl -s "$1/v2/models/faces/infer" -H 'Content-Type: application/json' \
    --data-binary @build-demo/messi5.json
}
binary_request() {
  curl -s "$1/v2/models/faces/infer" -H 'Content-Type: application/octet-stream' \
    -H "Inference-Header-Content-Length: $header_length" --data-binary @build-demo/messi5.bin
}

if $check; then
  source scripts/lib/serving.sh
  log=$(mktemp)
  start_server "$log" "$cellflow" serve --config "$config" --port 0
  for request in json_request binary_request; do
    response=$($request "$SERVER_URL")
    echo "$request: $response"
    expect_in '\"count\":1' "$response"
    expect_in '\"label\":\"face\"' "$response"
  done
  stop_server
  echo "demo check: ok"
  exit 0
fi

url=http://127.0.0.1:${PORT:-8080}
cat <<INFO

Serving the 'faces' model on $url (Ctrl-C stops it). In another terminal:

  # JSON, the image as base64 (built by scripts/make-infer-request.sh image $image build-demo/messi5)
  curl -s $url/v2/models/faces/infer -H 'Content-Type: application/json' --data-binary @$PWD/build-demo/messi5.json

  # binary tensor extension, the raw JPEG after the JSON header
  curl -s $url/v2/models/faces/infer -H 'Content-Type: application/octet-stream' -H 'Inference-Header-Content-Length: $header_length' --data-binary @$PWD/build-demo/messi5.bin

  curl -s $url/v2/models/faces      # metadata
  curl -s $url/metrics              # Prometheus metrics

INFO
exec "$cellflow" serve --config "$config" --port "${PORT:-8080}"
