#!/usr/bin/env bash
# Runs a command only when the model files it needs have been fetched; otherwise prints which
# file is missing and how to get it, and exits 77 (the tests' SKIP_RETURN_CODE: ctest reports the
# test as skipped at once instead of failing it after a timeout).
#
#   scripts/require-models.sh blazeface/face_detection_back_256x256_barracuda.onnx -- CMD ARGS...
#
# Files are relative to the models directory: $CELLFLOW_MODELS, else this tree's models/ (as the
# vision cells look them up).
set -euo pipefail
models=${CELLFLOW_MODELS:-$(cd "$(dirname "$0")/.." && pwd)/models}
files=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  files+=("$1")
  shift
done
if [ $# -lt 2 ]; then
  echo "usage: $0 MODEL_FILE... -- COMMAND [ARGS...]" >&2
  exit 2
fi
shift
for file in "${files[@]}"; do
  if [ ! -f "$models/$file" ]; then
    echo "model file '$models/$file' is missing: run scripts/fetch-models.sh (or set" \
      "CELLFLOW_MODELS to the directory it filled)"
    exit 77
  fi
done
exec "$@"
