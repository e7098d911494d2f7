// The JSON form of a tensor's elements (KServe v2 REST "data", `cellflow run`'s output): a flat
// array of numbers, booleans or strings. Used by the transports' JSON edges and by JsonCodec.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cellflow/codecs/tensor.hpp"

namespace cellflow {

/// A tensor from a flat JSON "data" array (nested arrays are flattened row-major). Every element
/// is checked against the datatype: std::invalid_argument("element 2 is \"a\", not an integer"),
/// out of range, or a count that does not match the shape.
Tensor tensor_from_json(std::string datatype, std::vector<std::int64_t> shape, nlohmann::json data);

/// The flat JSON array of the tensor's elements. BYTES elements that are not valid UTF-8 (an
/// image) become base64 strings. Throws std::invalid_argument for FP16 (no JSON form).
nlohmann::json tensor_to_json(const Tensor& tensor);

/// Base64 (RFC 4648, with padding) and UTF-8 validation: binary BYTES elements travel in JSON
/// form as base64, because JSON strings must be valid UTF-8.
std::string base64_encode(std::string_view bytes);
/// Throws std::invalid_argument naming the first bad character or a bad length. Accepts missing
/// padding; ignores no whitespace.
std::string base64_decode(std::string_view text);
bool is_valid_utf8(std::string_view text);

}  // namespace cellflow
