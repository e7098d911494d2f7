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

// Dimension `dim` of `shape` as nested arrays, taking elements from `flat` in row-major order.
nlohmann::json nest(const nlohmann::json& flat, const std::vector<std::int64_t>& shape,
                    std::size_t dim, std::size_t& next) {
  if (dim == shape.size()) return flat[next++];
  nlohmann::json array = nlohmann::json::array();
  for (std::int64_t i = 0; i < shape[dim]; ++i) array.push_back(nest(flat, shape, dim + 1, next));
  return array;
}

// A single element (shape [] or [1]) is the value itself, as for a scalar port; shape [k] is an
// array and a multi-dimensional shape nested arrays.
nlohmann::json shaped(const nlohmann::json& flat, const std::vector<std::int64_t>& shape) {
  if (shape.empty() || shape == std::vector<std::int64_t>{1}) return flat.at(0);
  std::size_t next = 0;
  return nest(flat, shape, 0, next);
}

}  // namespace

Value JsonCodec::decode(const Tensor& tensor) const {
  expect_consistent(tensor);
  expect_valid_elements(tensor);
  if (!tensor.is_binary) return shaped(tensor.data, tensor.shape);
  Tensor copy = tensor;
  to_json_form(copy);
  return shaped(copy.data, copy.shape);
}

Tensor JsonCodec::encode(const Value& value) const {
  const auto& stored = value.get<nlohmann::json>();
  // A single number travels as shape [1], as the decoder reads it: 13 in, 13 out.
  const nlohmann::json json = stored.is_number() ? nlohmann::json::array({stored}) : stored;
  Tensor tensor;
  tensor.datatype = number_array_datatype(json);
  if (tensor.datatype.empty()) {
    tensor.datatype = "BYTES";
    tensor.shape = {1};
    tensor.data.push_back(json.dump());
    return tensor;
  }
  tensor.shape = {static_cast<std::int64_t>(json.size())};  // a single number: [1]
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
