// Conversions between a tensor's two forms: JSON ("data" array) and binary (Triton's binary tensor
// extension). Codecs may return either form; the protocol converts to what the client asked for.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cellflow/server/codec.hpp"

namespace cellflow::server::codecs {

/// JSON form -> binary form (no-op when already binary). Throws std::invalid_argument for an
/// element that does not fit the datatype.
void to_binary_form(Tensor& tensor);

/// Binary form -> JSON form (no-op when already JSON). BYTES elements that are not valid UTF-8
/// (e.g. PNG bytes) become base64 strings. Throws std::invalid_argument for FP16 (no JSON form).
void to_json_form(Tensor& tensor);

/// Replaces BYTES elements of a JSON-form tensor that are not valid UTF-8 by their base64.
void make_json_safe(Tensor& tensor);

/// Throws std::invalid_argument ("element 0 is \"a\", not an integer") when an element does not
/// fit the tensor's datatype: JSON elements of the wrong type or out of range, malformed BYTES.
void expect_valid_elements(const Tensor& tensor);

/// Views of the elements of a BYTES tensor (valid while `tensor` lives), from either form. Throws
/// std::invalid_argument for a non-string JSON element or a malformed binary blob.
std::vector<std::string_view> bytes_elements(const Tensor& tensor);

}  // namespace cellflow::server::codecs
