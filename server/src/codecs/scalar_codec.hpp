// ScalarCodec<T>: a bool or number travels as a one-element tensor of T's datatype, shape [1].
#pragma once

#include <stdexcept>
#include <string>

#include "cellflow/server/codec.hpp"
#include "codecs/datatype.hpp"
#include "codecs/tensor_read.hpp"

namespace cellflow::server::codecs {

template <class T>
class ScalarCodec final : public Codec {
 public:
  std::string datatype() const override { return std::string(datatype_of<T>()); }
  std::vector<std::int64_t> shape() const override { return {1}; }

  /// Any shape with one element ([1], [], [1,1]) is accepted.
  Value decode(const Tensor& tensor) const override {
    expect_datatype(tensor, datatype_of<T>());
    if (element_count(tensor.shape) != 1)
      throw std::invalid_argument("expected 1 element (shape [1]), got shape " +
                                  shape_string(tensor.shape));
    const T value = read_numbers<T>(tensor).front();  // not a std::vector<bool> reference
    return value;
  }

  Tensor encode(const Value& value) const override {
    Tensor tensor;
    tensor.datatype = datatype();
    tensor.shape = {1};
    tensor.data.push_back(value.get<T>());
    return tensor;
  }
};

}  // namespace cellflow::server::codecs
