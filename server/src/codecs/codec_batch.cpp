// Codec::batch_size: the default rule for a leading batch dimension.
#include <cstddef>

#include "cellflow/server/codec.hpp"

namespace cellflow::server {
namespace {

// `dims` matches `shape` (-1 in `shape` matches any size).
bool matches(const std::vector<std::int64_t>& shape, const std::int64_t* dims, std::size_t rank) {
  if (rank != shape.size()) return false;
  for (std::size_t i = 0; i < rank; ++i)
    if (shape[i] >= 0 && shape[i] != dims[i]) return false;
  return true;
}

}  // namespace

std::size_t Codec::batch_size(const Tensor& tensor) const {
  if (!batchable() || tensor.datatype != datatype() || tensor.shape.empty()) return 0;
  const std::vector<std::int64_t> one = shape();
  const auto& dims = tensor.shape;
  if (matches(one, dims.data(), dims.size())) return 0;  // exactly one value
  const auto leading = static_cast<std::size_t>(dims[0] < 0 ? 0 : dims[0]);
  if (matches(one, dims.data() + 1, dims.size() - 1)) return leading;
  const bool one_element = one == std::vector<std::int64_t>{1};
  return one_element && dims.size() == 1 && leading > 1 ? leading : 0;
}

}  // namespace cellflow::server
