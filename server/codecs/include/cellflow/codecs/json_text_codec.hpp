// JsonTextCodec<T>: an output type with a JSON form (an nlohmann `to_json(json&, const T&)`)
// travels as BYTES of shape [1] holding its JSON text, and prints as that JSON. As an input it
// is refused with a message saying so.
//
//   codecs.add<Detections>(std::make_shared<cellflow::JsonTextCodec<Detections>>());
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "cellflow/codecs/codec.hpp"

namespace cellflow {

template <class T>
class JsonTextCodec final : public Codec {
 public:
  std::string datatype() const override { return "BYTES"; }
  std::vector<std::int64_t> shape() const override { return {1}; }
  Value decode(const Tensor&) const override {
    throw std::invalid_argument(type_name<T>() + " is an output type; it cannot be sent as input");
  }
  Tensor encode(const Value& value) const override {
    return Tensor::strings({1}, {to_json(value).dump()});
  }
  nlohmann::json to_json(const Value& value) const override { return value.get<T>(); }
};

}  // namespace cellflow
