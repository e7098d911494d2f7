// JsonTextCodec<T>: a type with a JSON form (an nlohmann `to_json(json&, const T&)`) travels as
// BYTES of shape [1] holding its JSON text, and prints as that JSON. It is read back when T also
// has `from_json(const json&, T&)` (so it can cross a remote clone's hop); without one it is an
// output type, refused as an input with a message saying so.
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
  Value decode(const Tensor& tensor) const override {
    if constexpr (requires(const nlohmann::json& j) { j.get<T>(); }) {
      if (!tensor.is_bytes() || tensor.size() != 1)
        throw std::invalid_argument(type_name<T>() + " expects BYTES of shape [1] (JSON text)");
      try {
        return Value(nlohmann::json::parse(tensor.strings().front()).get<T>());
      } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(type_name<T>() + ": " + e.what());
      }
    } else {
      throw std::invalid_argument(type_name<T>() +
                                  " is an output type; it cannot be sent as input");
    }
  }
  Tensor encode(const Value& value) const override {
    return Tensor::strings({1}, {to_json(value).dump()});
  }
  nlohmann::json to_json(const Value& value) const override { return value.get<T>(); }
};

}  // namespace cellflow
