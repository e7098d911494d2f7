// JsonTextCodec<T>: result types with a JSON form (the vision library's Detections, Words)
// travel as BYTES of shape [1] holding the JSON text. They are outputs: as an input the codec
// refuses the tensor with a message saying so.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "cellflow/server/codec.hpp"

namespace cellflow::server::codecs {

template <class T>
class JsonTextCodec final : public Codec {
 public:
  std::string datatype() const override { return "BYTES"; }
  std::vector<std::int64_t> shape() const override { return {1}; }
  Value decode(const Tensor&) const override {
    throw std::invalid_argument(type_name<T>() + " is an output type; it cannot be sent as input");
  }
  Tensor encode(const Value& value) const override {
    const nlohmann::json json = value.get<T>();
    Tensor tensor;
    tensor.datatype = "BYTES";
    tensor.shape = {1};
    tensor.data.push_back(json.dump());
    return tensor;
  }
};

}  // namespace cellflow::server::codecs
