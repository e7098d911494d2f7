// Codec's default behaviours (batch dimension, printing) and the registry.
#include "cellflow/codecs/codec.hpp"

#include <nlohmann/json.hpp>

#include "cellflow/codecs/tensor_json.hpp"
#include "default_codecs.hpp"

namespace cellflow {
namespace {

// `dims` matches `shape` (-1 in `shape` matches any size).
bool matches(const std::vector<std::int64_t>& shape, const std::int64_t* dims, std::size_t rank) {
  if (rank != shape.size()) return false;
  for (std::size_t i = 0; i < rank; ++i)
    if (shape[i] >= 0 && shape[i] != dims[i]) return false;
  return true;
}

}  // namespace

std::size_t Codec::batch_size(const Tensor& tensor) const {
  if (!batchable() || tensor.datatype != datatype() || tensor.shape.empty()) return 0;
  const std::vector<std::int64_t> one = shape();
  const auto& dims = tensor.shape;
  if (matches(one, dims.data(), dims.size())) return 0;  // exactly one value
  const auto leading = static_cast<std::size_t>(dims[0] < 0 ? 0 : dims[0]);
  if (matches(one, dims.data() + 1, dims.size() - 1)) return leading;
  const bool one_element = one == std::vector<std::int64_t>{1};
  return one_element && dims.size() == 1 && leading > 1 ? leading : 0;
}

nlohmann::json Codec::to_json(const Value& value) const {
  const Tensor tensor = encode(value);
  nlohmann::json data = tensor_to_json(tensor);
  const bool one =
      element_count(tensor.shape) == 1 && tensor.shape.size() <= 1 && shape() == tensor.shape;
  return one ? data.at(0) : data;
}

CodecRegistry CodecRegistry::defaults() {
  CodecRegistry registry;
  codecs::add_number_codecs(registry);
  codecs::add_string_codecs(registry);
  codecs::add_mat_codec(registry);
  codecs::add_json_codec(registry);
  return registry;
}

CodecRegistry& CodecRegistry::add(const std::type_info& type, std::shared_ptr<const Codec> codec) {
  const std::type_index key(type);
  for (auto& entry : codecs_) {
    if (entry.first == key) {
      entry.second = std::move(codec);
      return *this;
    }
  }
  codecs_.emplace_back(key, std::move(codec));
  return *this;
}

const Codec* CodecRegistry::find(const std::type_info& type) const {
  const std::type_index key(type);
  for (const auto& entry : codecs_)
    if (entry.first == key) return entry.second.get();
  return nullptr;
}

nlohmann::json CodecRegistry::to_json(const Value& value) const {
  if (!value.has_value()) return nullptr;
  const Codec* codec = find(value.type());
  if (codec == nullptr) return "<" + type_name(value.type()) + ">";
  return codec->to_json(value);
}

}  // namespace cellflow
