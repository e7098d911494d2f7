#!/usr/bin/env bash
# Installs every build/test dependency from Debian packages. Idempotent: quick when already there.
set -euo pipefail
packages=(
  build-essential cmake pkg-config ccache
  libcpp-httplib-dev nlohmann-json3-dev libtbb-dev libopencv-dev libspdlog-dev prometheus-cpp-dev
  opencv-data opencv-doc python3-onnx
  libcli11-dev googletest libgtest-dev libgmock-dev libbenchmark-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libhiredis-dev redis-server
  clang libclang-rt-14-dev
  chromium ffmpeg
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 update -q
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
fi
# Node.js and npm install the dashboard's and the browser tests' npm packages (pinned by their
# package-lock.json). Debian's nodejs/npm when the machine has no Node.js of its own.
if ! command -v npm >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends nodejs npm
fi
