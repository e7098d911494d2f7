// The inputs of a batch that a vision cell runs in one forward pass: an item whose input cannot
// be read fails alone (BatchContext::fail) and is left out. Private to cellflow::vision.
#pragma once

#include <cstddef>
#include <exception>
#include <type_traits>
#include <vector>

#include "cellflow/batch.hpp"

namespace cellflow::vision::detail {

template <class T>
struct BatchInputs {
  std::vector<std::size_t> items;  ///< the batch's items that were read, in batch order
  std::vector<T> inputs;           ///< inputs[k] is item items[k]'s
};

/// `read(batch[i])` for each item i; one that throws fails item i only.
template <class Read>
auto read_batch(BatchContext& batch, Read read) {
  BatchInputs<std::invoke_result_t<Read&, Context&>> read_ones;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      read_ones.inputs.push_back(read(batch[i]));
      read_ones.items.push_back(i);
    } catch (const std::exception&) {
      batch.fail(i, std::current_exception());
    }
  }
  return read_ones;
}

}  // namespace cellflow::vision::detail
