// KServe v2 datatypes: names, element sizes, the datatype of a C++ number type, and shape helpers
// shared by the codecs and the protocol layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "cellflow/server/codec.hpp"

namespace cellflow::server::codecs {

/// The datatype of a C++ number type (bool, integers, float, double).
template <class T>
constexpr std::string_view datatype_of() {
  static_assert(std::is_arithmetic_v<T>, "datatype_of needs a number type");
  if constexpr (std::is_same_v<T, bool>) {
    return "BOOL";
  } else if constexpr (std::is_floating_point_v<T>) {
    static_assert(sizeof(T) == 4 || sizeof(T) == 8, "only float and double have a datatype");
    return sizeof(T) == 4 ? "FP32" : "FP64";
  } else if constexpr (std::is_signed_v<T>) {
    constexpr std::string_view kNames[] = {"INT8", "INT16", "", "INT32", "", "", "", "INT64"};
    return kNames[sizeof(T) - 1];
  } else {
    constexpr std::string_view kNames[] = {"UINT8", "UINT16", "", "UINT32", "", "", "", "UINT64"};
    return kNames[sizeof(T) - 1];
  }
}

/// Bytes per element in binary form: 0 for BYTES (variable), nullopt for an unknown datatype.
std::optional<std::size_t> element_size(std::string_view datatype);

/// Product of the dimensions (1 for a scalar shape []). Throws std::invalid_argument for a
/// negative dimension.
std::size_t element_count(const std::vector<std::int64_t>& shape);

/// "[2,3]".
std::string shape_string(const std::vector<std::int64_t>& shape);

/// Throws std::invalid_argument("expected datatype INT64, got FP32") when they differ.
void expect_datatype(const Tensor& tensor, std::string_view expected);

/// Elements the tensor holds: data.size() in JSON form; in binary form the byte count divided by
/// the element size, or the number of length-prefixed elements for BYTES.
std::size_t held_elements(const Tensor& tensor);

/// Throws std::invalid_argument when the tensor's element count differs from its shape's.
void expect_consistent(const Tensor& tensor);

}  // namespace cellflow::server::codecs
