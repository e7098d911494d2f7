#!/usr/bin/env bash
# Fuzzes the wire layer's request parsers with libFuzzer under ASan + UBSan: the REST request
# parser (JSON and the binary tensor extension) and the gRPC request conversion, each for
# SECONDS (default 60) from the seed corpus in tests/fuzz/corpus/. Builds with clang in
# build-fuzz/. A crash fails the run and leaves its input in build-fuzz/findings/ (make it a
# regression test in tests/server, and add it to the corpus).
# usage: bash scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
bash scripts/install-deps.sh
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
  -DCELLFLOW_SANITIZE=ON -DCELLFLOW_FUZZ=ON -DCELLFLOW_WERROR=OFF -DCELLFLOW_BUILD_TESTS=OFF \
  -DCELLFLOW_BUILD_EXAMPLES=OFF -DCELLFLOW_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_rest_request fuzz_grpc_request
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$PWD/.ci/ubsan.supp"
mkdir -p build-fuzz/findings
for target in rest grpc; do
  work=$(mktemp -d)  # new inputs go here; the seeds in the tree stay as they are
  echo "== fuzz_${target}_request for ${seconds} s"
  build-fuzz/tests/fuzz/fuzz_${target}_request -max_total_time="$seconds" -rss_limit_mb=4096 \
    -max_len=65536 -artifact_prefix=build-fuzz/findings/${target}- -print_final_stats=1 \
    "$work" "tests/fuzz/corpus/$target"
  rm -rf "$work"
done
echo "fuzz: no crash"
