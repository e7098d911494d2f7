#!/usr/bin/env bash
# The README's main job: installs dependencies, builds the `cellflow` CLI, then validates, draws
# and runs the demo pipeline (a nested stage whose slow cell runs as 8 clones; outputs stay in
# input order). Extra arguments go to `cellflow run`, e.g. --clones stage/slow=16.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build-demo -DCMAKE_BUILD_TYPE=Release -DCELLFLOW_BUILD_TESTS=OFF \
  -DCELLFLOW_BUILD_BENCHMARKS=OFF -DCELLFLOW_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-demo -j"$(nproc)" --target cellflow
cellflow=build-demo/server/cellflow
config=examples/configs/demo.json
echo "\$ cellflow validate --config $config"
"$cellflow" validate --config "$config"
echo "\$ cellflow graph --config $config"
"$cellflow" graph --config "$config"
echo "\$ cellflow run --config $config $*"
time "$cellflow" run --config "$config" "$@"
