// Stacking the 0..N values one output emitted for one item into one tensor.
#pragma once

#include <vector>

#include "cellflow/codecs/codec.hpp"
#include "cellflow/value.hpp"

namespace cellflow::server {

/// The N values one output emitted for one item, stacked along a new first dimension: shape
/// [N, S...] for a codec of shape S (for 0 values, S with -1 read as 0), as the model metadata
/// declares a batchable codec's shape [-1, S...], also for one value. One value is its own tensor
/// [S...] when the codec is not batchable (nlohmann::json: metadata [-1] already) or when the item
/// is one of a batched request's (`batch_item`: the batch adds the first dimension). Tensors must
/// agree in datatype and shape; nlohmann::json values that do not fall back to BYTES [N, 1] of
/// their JSON texts. Throws std::invalid_argument otherwise.
Tensor stack_values(const Codec& codec, const std::vector<Value>& values, bool batch_item = false);

/// Tensors of one datatype and shape S (at least one) stacked along a new first dimension:
/// shape [N, S...]; BYTES elements are not copied. Throws std::invalid_argument naming the first
/// part that differs.
Tensor stack_tensors(std::vector<Tensor>& parts);

}  // namespace cellflow::server
