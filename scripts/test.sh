#!/usr/bin/env bash
# The README's test command: installs dependencies, builds everything (tests, examples,
# benchmarks) and runs the whole suite with ctest. `--sanitize` does the same under
# AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/. `--tsan` builds the runtime and
# the built-in cells with their tests under ThreadSanitizer in build-tsan/ and runs those tests
# (the suppressions in .ci/tsan.supp cover the uninstrumented libtbb only).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/fetch-models.sh

build=build
flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [[ "${1:-}" == "--sanitize" ]]; then
  build=build-asan
  flags=(-DCMAKE_BUILD_TYPE=Debug -DCELLFLOW_SANITIZE=ON -DCELLFLOW_BUILD_BENCHMARKS=OFF)
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$PWD/.ci/ubsan.supp"
elif [[ "${1:-}" == "--tsan" ]]; then
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/.ci/tsan.supp"
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCELLFLOW_TSAN=ON \
    -DCELLFLOW_BUILD_BENCHMARKS=OFF
  cmake --build build-tsan -j"$(nproc)" --target test_runtime test_cells
  ctest --test-dir build-tsan --output-on-failure -j"$(nproc)" --timeout 600 \
    -L '^(test_runtime|test_cells)$'
  exit 0
fi
cmake -S . -B "$build" "${flags[@]}"
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 300
