// Tensor: one value on the wire, in the one form every transport shares (KServe v2 / Open
// Inference Protocol tensors). Elements are held once:
//  - numeric datatypes and BOOL: a contiguous little-endian byte buffer (raw());
//  - BYTES: a list of byte strings (strings()).
// The bytes are owned by the tensor or viewed in a buffer that a shared owner keeps alive (a
// request body, a gRPC message): a view costs no copy, and copies of a Tensor share the bytes.
// JSON, the binary extension and protobuf exist only at the transports' edges.
//
// Construction checks the element count against the shape, so a Tensor is always consistent:
//
//   auto t = cellflow::Tensor::numbers<float>({2}, {0.5f, 1.5f});
//   float second = t.number<float>(1);                      // 1.5
//   auto s = cellflow::Tensor::strings({1}, {"hello"});
//   std::string_view first = s.strings()[0];                // "hello"
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cellflow/codecs/datatype.hpp"

namespace cellflow {

class Tensor {
 public:
  std::string name;
  std::string datatype;  // BOOL, UINT8..UINT64, INT8..INT64, FP16, FP32, FP64, BYTES
  std::vector<std::int64_t> shape;

  /// An empty BYTES tensor of shape [0].
  Tensor();

  /// Numeric or BOOL elements in `bytes` (little-endian, contiguous), owned by the tensor.
  /// Throws std::invalid_argument for BYTES or an unknown datatype, a negative dimension, or a
  /// byte count that is not the shape's element count times the element size.
  static Tensor from_bytes(std::string datatype, std::vector<std::int64_t> shape,
                           std::string bytes);
  /// The same over memory that `owner` keeps alive: no copy.
  static Tensor view_bytes(std::string datatype, std::vector<std::int64_t> shape,
                           std::string_view bytes, std::shared_ptr<const void> owner);
  /// BYTES elements, owned. Throws std::invalid_argument when their count is not the shape's.
  static Tensor strings(std::vector<std::int64_t> shape, std::vector<std::string> elements);
  /// BYTES elements viewed in memory that `owner` keeps alive: no copy.
  static Tensor view_strings(std::vector<std::int64_t> shape,
                             std::vector<std::string_view> elements,
                             std::shared_ptr<const void> owner);
  /// Numbers of type T (bool, integers, float, double), datatype from T.
  template <class T>
  static Tensor numbers(std::vector<std::int64_t> shape, std::span<const T> values);
  template <class T>
  static Tensor numbers(std::vector<std::int64_t> shape, const std::vector<T>& values) {
    if constexpr (std::is_same_v<T, bool>) {  // std::vector<bool> has no data()
      return from_bytes("BOOL", std::move(shape), std::string(values.begin(), values.end()));
    } else {
      return numbers<T>(std::move(shape), std::span<const T>(values.data(), values.size()));
    }
  }
  /// One number, shape [1].
  template <class T>
  static Tensor scalar(T value) {
    return numbers<T>({1}, std::span<const T>(&value, 1));
  }

  bool is_bytes() const { return datatype == "BYTES"; }
  /// Elements held (the shape's element count).
  std::size_t size() const;
  /// The numeric elements' bytes (empty for BYTES).
  std::string_view raw() const { return raw_; }
  /// The BYTES elements (empty for numeric datatypes).
  const std::vector<std::string_view>& strings() const { return strings_; }
  /// Element `index` as T, which must be the datatype's C++ type (see datatype_of<T>()).
  template <class T>
  T number(std::size_t index) const;
  /// Every element as T (the datatype's C++ type). Throws std::invalid_argument otherwise.
  template <class T>
  std::vector<T> to_vector() const;
  /// What keeps raw() and strings() alive; share it to keep a view of them (see mat views).
  const std::shared_ptr<const void>& owner() const { return owner_; }

 private:
  std::shared_ptr<const void> owner_;
  std::string_view raw_;
  std::vector<std::string_view> strings_;
};

template <class T>
Tensor Tensor::numbers(std::vector<std::int64_t> shape, std::span<const T> values) {
  std::string bytes(values.size() * sizeof(T), '\0');
  if constexpr (std::is_same_v<T, bool>) {
    for (std::size_t i = 0; i < values.size(); ++i) bytes[i] = values[i] ? 1 : 0;
  } else if (!values.empty()) {
    std::memcpy(bytes.data(), values.data(), bytes.size());
  }
  return from_bytes(std::string(datatype_of<T>()), std::move(shape), std::move(bytes));
}

template <class T>
T Tensor::number(std::size_t index) const {
  if constexpr (std::is_same_v<T, bool>) {
    return raw_[index] != 0;
  } else {
    T value;
    std::memcpy(&value, raw_.data() + index * sizeof(T), sizeof(T));
    return value;
  }
}

template <class T>
std::vector<T> Tensor::to_vector() const {
  expect_datatype(datatype, datatype_of<T>());
  std::vector<T> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) out.push_back(number<T>(i));
  return out;
}

}  // namespace cellflow
