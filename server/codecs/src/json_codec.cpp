// JsonCodec: nlohmann::json ports.
//  - Metadata: BYTES, shape [-1] (a JSON port accepts and may return several datatypes; BYTES
//    is the one that can carry anything). Not batchable: any shape is one JSON value.
//  - Decode: any datatype and shape. Shape [] or [1] gives the single element itself (13, not
//    [13]), shape [k] an array, a multi-dimensional shape nested arrays (row-major). BYTES
//    elements become strings (base64 when not UTF-8).
//  - Encode: a number -> INT64 or FP64 of shape [1]; an array of numbers (possibly empty) ->
//    INT64 of shape [N] when every element is an integer that fits int64, otherwise FP64 of
//    shape [N]; anything else (objects, strings, booleans, mixed or nested arrays, null) -> BYTES
//    of shape [1] holding the JSON text (dump()).
#include <cstdint>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>

#include "cellflow/codecs/codec.hpp"
#include "cellflow/codecs/tensor_json.hpp"
#include "default_codecs.hpp"

namespace cellflow::codecs {
namespace {

using nlohmann::json;

bool is_int64(const json& element) {
  if (element.is_number_unsigned())
    return element.get<std::uint64_t>() <=
           static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  return element.is_number_integer();
}

// "INT64", "FP64", or "" when `value` is not an array of numbers.
std::string number_array_datatype(const json& value) {
  if (!value.is_array()) return "";
  bool integers = true;
  for (const auto& element : value) {
    if (!element.is_number()) return "";
    integers = integers && is_int64(element);
  }
  return integers ? "INT64" : "FP64";
}

// Dimension `dim` of `shape` as nested arrays, taking elements from `flat` in row-major order.
json nest(const json& flat, const std::vector<std::int64_t>& shape, std::size_t dim,
          std::size_t& next) {
  if (dim == shape.size()) return flat[next++];
  json array = json::array();
  for (std::int64_t i = 0; i < shape[dim]; ++i) array.push_back(nest(flat, shape, dim + 1, next));
  return array;
}

class JsonCodec final : public Codec {
 public:
  std::string datatype() const override { return "BYTES"; }
  std::vector<std::int64_t> shape() const override { return {-1}; }
  bool batchable() const override { return false; }

  Value decode(const Tensor& tensor) const override {
    const json flat = tensor_to_json(tensor);
    const auto& shape = tensor.shape;
    if (shape.empty() || shape == std::vector<std::int64_t>{1}) return flat.at(0);
    std::size_t next = 0;
    return nest(flat, shape, 0, next);
  }

  Tensor encode(const Value& value) const override {
    const auto& stored = value.get<json>();
    // A single number travels as shape [1], as the decoder reads it: 13 in, 13 out.
    const json array = stored.is_number() ? json::array({stored}) : stored;
    const std::string datatype = number_array_datatype(array);
    if (datatype.empty()) return Tensor::strings({1}, {stored.dump()});
    const std::vector<std::int64_t> shape{static_cast<std::int64_t>(array.size())};
    if (datatype == "INT64")
      return Tensor::numbers<std::int64_t>(shape, array.get<std::vector<std::int64_t>>());
    return Tensor::numbers<double>(shape, array.get<std::vector<double>>());
  }

  json to_json(const Value& value) const override { return value.get<json>(); }
};

}  // namespace

void add_json_codec(CodecRegistry& registry) { registry.add<json>(std::make_shared<JsonCodec>()); }

}  // namespace cellflow::codecs
