// KServe v2 datatypes for codec authors: the datatype of a C++ number type, element sizes, and
// shape helpers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cellflow {

/// The datatype of a C++ number type (bool, integers, float, double): "INT64" for int64_t.
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

/// Bytes per element: 0 for BYTES (variable), nullopt for an unknown datatype.
std::optional<std::size_t> element_size(std::string_view datatype);

/// Product of the dimensions (1 for a scalar shape []). Throws std::invalid_argument for a
/// negative dimension or an overflow.
std::size_t element_count(const std::vector<std::int64_t>& shape);

/// "[2,3]".
std::string shape_string(const std::vector<std::int64_t>& shape);

/// Throws std::invalid_argument("expected datatype INT64, got FP32") when they differ.
void expect_datatype(std::string_view datatype, std::string_view expected);

/// Throws std::invalid_argument("expected 1 element (shape [1]), got shape [2]") unless the
/// shape holds exactly one element ([1], [], [1,1]).
void expect_one_element(const std::vector<std::int64_t>& shape);

[[noreturn]] void throw_no_number_type(std::string_view datatype);

/// Calls f(T{}) with the C++ type of a numeric or BOOL datatype; throws std::invalid_argument
/// for BYTES, FP16 and unknown datatypes ("datatype FP16 has no C++ number type").
template <class F>
decltype(auto) visit_number_type(std::string_view datatype, F&& f) {
  if (datatype == "BOOL") return f(bool{});
  if (datatype == "UINT8") return f(std::uint8_t{});
  if (datatype == "UINT16") return f(std::uint16_t{});
  if (datatype == "UINT32") return f(std::uint32_t{});
  if (datatype == "UINT64") return f(std::uint64_t{});
  if (datatype == "INT8") return f(std::int8_t{});
  if (datatype == "INT16") return f(std::int16_t{});
  if (datatype == "INT32") return f(std::int32_t{});
  if (datatype == "INT64") return f(std::int64_t{});
  if (datatype == "FP32") return f(float{});
  if (datatype == "FP64") return f(double{});
  throw_no_number_type(datatype);
}

}  // namespace cellflow
