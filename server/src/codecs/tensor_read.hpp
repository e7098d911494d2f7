// Typed reading of a tensor's elements, from either form (JSON "data" or binary blob). The
// caller checks the datatype first (expect_datatype); these check element types and ranges.
#pragma once

#include <cstddef>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "cellflow/server/codec.hpp"
#include "codecs/datatype.hpp"

namespace cellflow::server::codecs {

[[noreturn]] void throw_bad_element(std::size_t index, const nlohmann::json& element,
                                    std::string_view wanted);

/// Element `index` of a JSON "data" array as T; throws std::invalid_argument for a wrong JSON
/// type ("element 2 is \"a\", not an integer") or a value out of T's range.
template <class T>
T json_number(const nlohmann::json& element, std::size_t index) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!element.is_boolean()) throw_bad_element(index, element, "a boolean");
    return element.get<bool>();
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!element.is_number()) throw_bad_element(index, element, "a number");
    return static_cast<T>(element.get<double>());
  } else {
    if (!element.is_number_integer()) throw_bad_element(index, element, "an integer");
    const bool fits = element.is_number_unsigned() ? std::in_range<T>(element.get<std::uint64_t>())
                                                   : std::in_range<T>(element.get<std::int64_t>());
    if (!fits)
      throw std::invalid_argument("element " + std::to_string(index) + " (" + element.dump() +
                                  ") is out of range for " + std::string(datatype_of<T>()));
    return element.get<T>();
  }
}

/// Element `index` of a little-endian binary blob of T.
template <class T>
T binary_number(const std::string& binary, std::size_t index) {
  if constexpr (std::is_same_v<T, bool>) {
    return binary[index] != 0;
  } else {
    T value;
    std::memcpy(&value, binary.data() + index * sizeof(T), sizeof(T));
    return value;
  }
}

/// Every element of `tensor` as T, after checking the element count against the shape.
template <class T>
std::vector<T> read_numbers(const Tensor& tensor) {
  expect_consistent(tensor);
  const std::size_t count = element_count(tensor.shape);
  std::vector<T> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    out.push_back(tensor.is_binary ? binary_number<T>(tensor.binary, i)
                                   : json_number<T>(tensor.data[i], i));
  return out;
}

}  // namespace cellflow::server::codecs
