#include "cellflow/codecs/tensor.hpp"

#include <stdexcept>
#include <utility>

namespace cellflow {
namespace {

void expect_count(const std::vector<std::int64_t>& shape, std::size_t held, const char* what) {
  const std::size_t wanted = element_count(shape);
  if (held != wanted)
    throw std::invalid_argument("shape " + shape_string(shape) + " needs " +
                                std::to_string(wanted) + " element(s), " + what +
                                std::to_string(held));
}

std::size_t numeric_size(const std::string& datatype) {
  const auto size = element_size(datatype);
  if (!size)
    throw std::invalid_argument("unknown datatype '" + datatype +
                                "' (BOOL, UINT8..UINT64, INT8..INT64, FP16, FP32, FP64 or BYTES)");
  if (*size == 0) throw std::invalid_argument("BYTES elements are strings, not a byte buffer");
  return *size;
}

}  // namespace

Tensor::Tensor() : datatype("BYTES"), shape{0} {}

Tensor Tensor::view_bytes(std::string datatype, std::vector<std::int64_t> shape,
                          std::string_view bytes, std::shared_ptr<const void> owner) {
  const std::size_t size = numeric_size(datatype);
  if (bytes.size() % size != 0)
    throw std::invalid_argument(std::to_string(bytes.size()) + " bytes are not a whole number of " +
                                datatype + " elements");
  expect_count(shape, bytes.size() / size, "the data holds ");
  Tensor tensor;
  tensor.datatype = std::move(datatype);
  tensor.shape = std::move(shape);
  tensor.raw_ = bytes;
  tensor.owner_ = std::move(owner);
  return tensor;
}

Tensor Tensor::from_bytes(std::string datatype, std::vector<std::int64_t> shape,
                          std::string bytes) {
  auto owned = std::make_shared<std::string>(std::move(bytes));
  const std::string_view view = *owned;
  return view_bytes(std::move(datatype), std::move(shape), view, std::move(owned));
}

Tensor Tensor::view_strings(std::vector<std::int64_t> shape, std::vector<std::string_view> elements,
                            std::shared_ptr<const void> owner) {
  expect_count(shape, elements.size(), "the data holds ");
  Tensor tensor;
  tensor.shape = std::move(shape);
  tensor.strings_ = std::move(elements);
  tensor.owner_ = std::move(owner);
  return tensor;
}

Tensor Tensor::strings(std::vector<std::int64_t> shape, std::vector<std::string> elements) {
  auto owned = std::make_shared<std::vector<std::string>>(std::move(elements));
  std::vector<std::string_view> views(owned->begin(), owned->end());
  return view_strings(std::move(shape), std::move(views), std::move(owned));
}

std::size_t Tensor::size() const {
  if (is_bytes()) return strings_.size();
  const auto bytes = element_size(datatype);
  return bytes && *bytes > 0 ? raw_.size() / *bytes : 0;
}

}  // namespace cellflow
