// Stacking the 0..N values one output emitted for one item into one tensor.
#pragma once

#include <vector>

#include "cellflow/codecs/codec.hpp"
#include "cellflow/value.hpp"

namespace cellflow::server {

/// One value: its tensor. 0 or N values: their tensors stacked along a new first dimension,
/// shape [N, ...] (for 0 values the codec's shape with -1 read as 0). Tensors must agree in
/// datatype and shape; nlohmann::json values that do not fall back to BYTES [N, 1] of their JSON
/// texts. Throws std::invalid_argument otherwise.
Tensor stack_values(const Codec& codec, const std::vector<Value>& values);

/// Tensors of one datatype and shape S (at least one) stacked along a new first dimension:
/// shape [N, S...]; BYTES elements are not copied. Throws std::invalid_argument naming the first
/// part that differs.
Tensor stack_tensors(std::vector<Tensor>& parts);

}  // namespace cellflow::server
