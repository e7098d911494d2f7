// The raw form of a tensor's elements, shared by Triton's binary tensor extension (REST), KServe
// v2 gRPC raw_input_contents / raw_output_contents, and any later binary transport: numeric
// elements little-endian and contiguous; BYTES elements each as a 4-byte little-endian length
// followed by its bytes.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cellflow/codecs/tensor.hpp"

namespace cellflow {

/// A tensor viewing `raw` (no copy of the elements), which `owner` keeps alive. Throws
/// std::invalid_argument for an unknown datatype, a truncated BYTES element, or an element
/// count that does not match the shape.
Tensor tensor_from_raw(std::string datatype, std::vector<std::int64_t> shape, std::string_view raw,
                       std::shared_ptr<const void> owner);

/// Bytes of the raw form.
std::size_t raw_size(const Tensor& tensor);
/// Appends the raw form to `out`.
void append_raw(std::string& out, const Tensor& tensor);

}  // namespace cellflow
