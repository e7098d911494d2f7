#!/usr/bin/env bash
# Installs cellflow into a temporary prefix and builds + runs a tiny consumer project that uses
# find_package(cellflow) and links cellflow::runtime, as a user's project would.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake -S . -B build-install -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DCELLFLOW_BUILD_TESTS=OFF -DCELLFLOW_BUILD_EXAMPLES=OFF -DCELLFLOW_BUILD_BENCHMARKS=OFF
cmake --build build-install -j"$(nproc)"
cmake --install build-install
cmake -S tests/consumer -B "$prefix/consumer-build" -DCMAKE_PREFIX_PATH="$prefix"
cmake --build "$prefix/consumer-build" -j"$(nproc)"
"$prefix/consumer-build/consumer"
