#include "codecs/datatype.hpp"

#include <array>
#include <limits>
#include <stdexcept>
#include <utility>

#include "codecs/tensor_bytes.hpp"

namespace cellflow::server::codecs {

std::optional<std::size_t> element_size(std::string_view datatype) {
  static constexpr std::array<std::pair<std::string_view, std::size_t>, 13> kSizes{{
      {"BOOL", 1},
      {"UINT8", 1},
      {"UINT16", 2},
      {"UINT32", 4},
      {"UINT64", 8},
      {"INT8", 1},
      {"INT16", 2},
      {"INT32", 4},
      {"INT64", 8},
      {"FP16", 2},
      {"FP32", 4},
      {"FP64", 8},
      {"BYTES", 0},
  }};
  for (const auto& [name, size] : kSizes)
    if (name == datatype) return size;
  return std::nullopt;
}

std::size_t element_count(const std::vector<std::int64_t>& shape) {
  std::size_t count = 1;
  for (const std::int64_t dim : shape) {
    if (dim < 0)
      throw std::invalid_argument("shape " + shape_string(shape) + " has a negative dimension");
    if (dim != 0 && count > std::numeric_limits<std::size_t>::max() / static_cast<std::size_t>(dim))
      throw std::invalid_argument("shape " + shape_string(shape) + " has too many elements");
    count *= static_cast<std::size_t>(dim);
  }
  return count;
}

std::string shape_string(const std::vector<std::int64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i)
    out += (i == 0 ? "" : ",") + std::to_string(shape[i]);
  return out + "]";
}

void expect_datatype(const Tensor& tensor, std::string_view expected) {
  if (tensor.datatype != expected)
    throw std::invalid_argument("expected datatype " + std::string(expected) + ", got " +
                                tensor.datatype);
}

std::size_t held_elements(const Tensor& tensor) {
  if (!tensor.is_binary) return tensor.data.size();
  const auto size = element_size(tensor.datatype);
  if (!size) throw std::invalid_argument("unknown datatype '" + tensor.datatype + "'");
  if (*size == 0) return split_bytes(tensor.binary).size();
  if (tensor.binary.size() % *size != 0)
    throw std::invalid_argument(std::to_string(tensor.binary.size()) +
                                " bytes of binary data are not a whole number of " +
                                tensor.datatype + " elements");
  return tensor.binary.size() / *size;
}

void expect_consistent(const Tensor& tensor) {
  const std::size_t wanted = element_count(tensor.shape);
  const std::size_t held = held_elements(tensor);
  if (held != wanted)
    throw std::invalid_argument("shape " + shape_string(tensor.shape) + " needs " +
                                std::to_string(wanted) + " element(s), " +
                                (tensor.is_binary ? "binary data holds " : "data has ") +
                                std::to_string(held));
}

}  // namespace cellflow::server::codecs
