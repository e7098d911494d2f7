#!/usr/bin/env bash
# Installs cellflow into a temporary prefix and builds + runs a tiny consumer project that uses
# find_package(cellflow) and links cellflow::runtime and cellflow::vision, as a user's project
# would.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
# The same configuration as scripts/demo.sh's build (only the install prefix differs), so after
# the demo nothing is compiled twice.
cmake -S . -B build-demo -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DCELLFLOW_BUILD_TESTS=OFF -DCELLFLOW_BUILD_EXAMPLES=OFF -DCELLFLOW_BUILD_BENCHMARKS=OFF
cmake --build build-demo -j"$(nproc)"
cmake --install build-demo
cmake -S tests/consumer -B "$prefix/consumer-build" -DCMAKE_PREFIX_PATH="$prefix"
cmake --build "$prefix/consumer-build" -j"$(nproc)"
"$prefix/consumer-build/consumer"
