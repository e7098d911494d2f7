#include "codecs/json_codec.hpp"

#include <cstdint>
#include <limits>
#include <memory>

#include "codecs/datatype.hpp"
#include "codecs/default_codecs.hpp"
#include "codecs/tensor_form.hpp"

namespace cellflow::server::codecs {
namespace {

bool is_int64(const nlohmann::json& element) {
  if (element.is_number_unsigned())
    return element.get<std::uint64_t>() <=
           static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  return element.is_number_integer();
}

// "INT64", "FP64", or "" when `value` is not an array of numbers.
std::string number_array_datatype(const nlohmann::json& value) {
  if (!value.is_array()) return "";
  bool integers = true;
  for (const auto& element : value) {
    if (!element.is_number()) return "";
    integers = integers && is_int64(element);
  }
  return integers ? "INT64" : "FP64";
}

}  // namespace

Value JsonCodec::decode(const Tensor& tensor) const {
  expect_consistent(tensor);
  if (!tensor.is_binary) return tensor.data;
  Tensor copy = tensor;
  to_json_form(copy);
  return std::move(copy.data);
}

Tensor JsonCodec::encode(const Value& value) const {
  const auto& json = value.get<nlohmann::json>();
  Tensor tensor;
  tensor.datatype = number_array_datatype(json);
  if (tensor.datatype.empty()) {
    tensor.datatype = "BYTES";
    tensor.shape = {1};
    tensor.data.push_back(json.dump());
    return tensor;
  }
  tensor.shape = {static_cast<std::int64_t>(json.size())};
  if (tensor.datatype == "INT64") {
    tensor.data = json;
  } else {
    for (const auto& element : json) tensor.data.push_back(element.get<double>());
  }
  return tensor;
}

void add_json_codec(CodecRegistry& registry) {
  registry.add<nlohmann::json>(std::make_shared<JsonCodec>());
}

}  // namespace cellflow::server::codecs
