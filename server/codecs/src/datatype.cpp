#include "cellflow/codecs/datatype.hpp"

#include <array>
#include <limits>
#include <stdexcept>
#include <utility>

namespace cellflow {

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

void expect_datatype(std::string_view datatype, std::string_view expected) {
  if (datatype != expected)
    throw std::invalid_argument("expected datatype " + std::string(expected) + ", got " +
                                std::string(datatype));
}

void expect_one_element(const std::vector<std::int64_t>& shape) {
  if (element_count(shape) != 1)
    throw std::invalid_argument("expected 1 element (shape [1]), got shape " + shape_string(shape));
}

void throw_no_number_type(std::string_view datatype) {
  throw std::invalid_argument("datatype " + std::string(datatype) + " has no C++ number type");
}

}  // namespace cellflow
