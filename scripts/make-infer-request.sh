#!/usr/bin/env bash
# Writes KServe v2 infer request bodies that send one file (an image) as the BYTES input INPUT:
#   PREFIX.json  JSON form, the bytes as base64 (parameters.content_type "base64")
#   PREFIX.bin   Triton's binary tensor extension: JSON header, then the raw bytes (each BYTES
#                element is prefixed by its 4-byte little-endian length)
#   PREFIX.header-length   the JSON header's size, for the Inference-Header-Content-Length header
# usage: make-infer-request.sh INPUT FILE PREFIX
set -euo pipefail
input=$1 file=$2 prefix=$3
[ -f "$file" ] || { echo "error: no such file: $file" >&2; exit 2; }
size=$(stat -c %s "$file")
printf '{"inputs":[{"name":"%s","datatype":"BYTES","shape":[1],"parameters":{"content_type":"base64"},"data":["%s"]}]}' \
  "$input" "$(base64 -w0 "$file")" >"$prefix.json"
header=$(printf '{"inputs":[{"name":"%s","datatype":"BYTES","shape":[1],"parameters":{"binary_data_size":%d}}]}' \
  "$input" $((size + 4)))
{
  printf '%s' "$header"
  printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((size & 255)) $((size >> 8 & 255)) \
    $((size >> 16 & 255)) $((size >> 24 & 255)))"
  cat "$file"
} >"$prefix.bin"
printf '%s' "${#header}" >"$prefix.header-length"
