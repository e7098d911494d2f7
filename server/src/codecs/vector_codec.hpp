// VectorCodec<T>: a std::vector of bool or numbers travels as a tensor of T's datatype. Metadata
// shape [-1]; decoding accepts any shape whose element count matches the data (flattened
// row-major, so a client's batch dimension [1, N] works); encoding gives shape [N].
#pragma once

#include <string>
#include <vector>

#include "cellflow/server/codec.hpp"
#include "codecs/datatype.hpp"
#include "codecs/tensor_read.hpp"

namespace cellflow::server::codecs {

template <class T>
class VectorCodec final : public Codec {
 public:
  std::string datatype() const override { return std::string(datatype_of<T>()); }
  std::vector<std::int64_t> shape() const override { return {-1}; }

  Value decode(const Tensor& tensor) const override {
    expect_datatype(tensor, datatype_of<T>());
    return read_numbers<T>(tensor);
  }

  Tensor encode(const Value& value) const override {
    const auto& values = value.get<std::vector<T>>();
    Tensor tensor;
    tensor.datatype = datatype();
    tensor.shape = {static_cast<std::int64_t>(values.size())};
    tensor.data = values;
    return tensor;
  }
};

}  // namespace cellflow::server::codecs
