// Batched requests: inputs with a leading batch dimension (Codec::batch_size) become one item
// per batch entry, which run through the pipeline like separate requests (clones take them in
// parallel); each output comes back with the items' tensors stacked along that dimension.
#pragma once

#include <cstddef>
#include <vector>

#include "cellflow/codecs/codec.hpp"
#include "cellflow/pipeline.hpp"
#include "http/kserve_protocol.hpp"

namespace cellflow::server {

/// The request's batch size: 0 when no input carries a batch dimension. Throws HttpError(400)
/// when the inputs disagree (one batched and another not, or two batch sizes), naming them.
std::size_t batch_size_of(const Pipeline& pipeline, const CodecRegistry& codecs,
                          const InferRequest& request);

/// Item `item` of a batch of `batch`: every input's slice along the first dimension (shape
/// [S...] of [batch, S...], or [1] of [batch]), viewing the request's bytes (no copy); id and
/// requested outputs as in `request`.
InferRequest batch_item(const InferRequest& request, std::size_t batch, std::size_t item);

/// `items[i]` holds item i's output tensors (in the same order for every item): per output,
/// the items' tensors stacked along a new first dimension. Throws HttpError(500) when the items'
/// tensors of one output differ in datatype or shape.
std::vector<Tensor> stack_items(std::vector<std::vector<Tensor>>&& items);

}  // namespace cellflow::server
